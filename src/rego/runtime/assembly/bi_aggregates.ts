// Native built-ins: aggregates, membership, type checks and to_number.
import {
  tagOf, lenOf, strPtr, elemAt, valAt, slots, boolValue, intValue, arrayValue, refValue, stringValue,
  search, T_NULL, T_BOOLEAN, T_NUMBER, T_STRING, T_ARRAY, T_OBJECT, T_SET,
} from "./value";
import { compare, equal } from "./compare";
import { arith, OP_ADD, OP_MUL } from "./arith";
import { validNumberText, exponentEnds, textToF64, numberFromF64 } from "./number";
import { alloc, heapTop, setHeapTop, pushStatic, pushByte, finishText } from "./heap";
import { rt_builtin_error } from "./host";
import { pushQuoted } from "./json_dump";
import { is, typeError, elementError, typeName, codePoints } from "./bi_common";
import { getIn } from "./api";

export function bi_count(v: usize): usize {
  if (v == 0) return 0;
  const t = tagOf(v);
  if (t == T_STRING) return intValue(codePoints(strPtr(v), lenOf(v)));
  if (t == T_ARRAY || t == T_OBJECT || t == T_SET) return intValue(lenOf(v));
  return typeError("count", 1, "one of {array, object, set, string}", v);
}

function fold(name: string, op: i32, v: usize, init: i64): usize {
  if (!is(v, T_ARRAY) && !is(v, T_SET)) return typeError(name, 1, "one of {set, array}", v);
  let acc = intValue(init);
  const n = lenOf(v);
  for (let i: u32 = 0; i < n; i++) {
    const e = elemAt(v, i);
    if (!is(e, T_NUMBER)) return elementError(name, 1, v, "number", e);
    acc = arith(op, acc, e);
  }
  return acc;
}

export function bi_sum(v: usize): usize {
  return fold("sum", OP_ADD, v, 0);
}

export function bi_product(v: usize): usize {
  return fold("product", OP_MUL, v, 1);
}

function extreme(name: string, v: usize, sign: i32): usize {
  if (!is(v, T_ARRAY) && !is(v, T_SET)) return typeError(name, 1, "one of {set, array}", v);
  const n = lenOf(v);
  if (n == 0) return 0;
  let best = elemAt(v, 0);
  for (let i: u32 = 1; i < n; i++) {
    const e = elemAt(v, i);
    if (compare(e, best) * sign > 0) best = e;
  }
  return best;
}

export function bi_max(v: usize): usize {
  return extreme("max", v, 1);
}

export function bi_min(v: usize): usize {
  return extreme("min", v, -1);
}

/** Sorts n u32 slots at p in OPA's order (bottom-up merge sort with a heap buffer). */
export function sortSlots(p: usize, n: u32): void {
  if (n < 2) return;
  const mark = heapTop();
  let src = p;
  let dst = alloc(<usize>n << 2);
  for (let width: u32 = 1; width < n; width <<= 1) {
    for (let lo: u32 = 0; lo < n; lo += width << 1) {
      const mid = min(lo + width, n);
      const hi = min(lo + (width << 1), n);
      let i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        const a = load<u32>(src + (<usize>i << 2));
        const b = load<u32>(src + (<usize>j << 2));
        if (compare(a, b) <= 0) {
          store<u32>(dst + (<usize>(k++) << 2), a);
          i++;
        } else {
          store<u32>(dst + (<usize>(k++) << 2), b);
          j++;
        }
      }
      while (i < mid) store<u32>(dst + (<usize>(k++) << 2), load<u32>(src + (<usize>(i++) << 2)));
      while (j < hi) store<u32>(dst + (<usize>(k++) << 2), load<u32>(src + (<usize>(j++) << 2)));
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src != p) memory.copy(p, src, <usize>n << 2);
  // The scratch buffer sits at the heap top (comparisons do not allocate): release it.
  if (heapTop() == mark + (((<usize>n << 2) + 7) & ~(<usize>7))) setHeapTop(mark);
}

export function bi_sort(v: usize): usize {
  if (!is(v, T_ARRAY) && !is(v, T_SET)) return typeError("sort", 1, "one of {array, set}", v);
  const n = lenOf(v);
  const r = arrayValue(n);
  memory.copy(slots(r), slots(v), <usize>n << 2);
  store<u32>(r, n, 4);
  if (tagOf(v) == T_ARRAY) sortSlots(slots(r), n);
  return r;
}

export function bi_internal_member_2(x: usize, c: usize): usize {
  if (c == 0 || x == 0) return boolValue(false);
  const t = tagOf(c);
  if (t == T_SET) return boolValue(search(c, x, 4) >= 0);
  const n = lenOf(c);
  if (t == T_ARRAY) {
    for (let i: u32 = 0; i < n; i++) if (equal(elemAt(c, i), x)) return boolValue(true);
  } else if (t == T_OBJECT) {
    for (let i: u32 = 0; i < n; i++) if (equal(valAt(c, i), x)) return boolValue(true);
  }
  return boolValue(false);
}

export function bi_internal_member_3(k: usize, x: usize, c: usize): usize {
  if (c == 0 || x == 0 || k == 0) return boolValue(false);
  const t = tagOf(c);
  if (t == T_ARRAY || t == T_OBJECT) {
    const v = getIn(c, k);
    return boolValue(v != 0 && equal(v, x));
  }
  return boolValue(false);
}

export function bi_is_number(v: usize): usize {
  return boolValue(is(v, T_NUMBER));
}
export function bi_is_string(v: usize): usize {
  return boolValue(is(v, T_STRING));
}
export function bi_is_boolean(v: usize): usize {
  return boolValue(is(v, T_BOOLEAN));
}
export function bi_is_array(v: usize): usize {
  return boolValue(is(v, T_ARRAY));
}
export function bi_is_set(v: usize): usize {
  return boolValue(is(v, T_SET));
}
export function bi_is_object(v: usize): usize {
  return boolValue(is(v, T_OBJECT));
}
export function bi_is_null(v: usize): usize {
  return boolValue(is(v, T_NULL));
}

export function bi_type_name(v: usize): usize {
  if (v == 0) return 0;
  const p = heapTop();
  pushStatic(typeName(v));
  const n = <u32>(heapTop() - p);
  finishText();
  return stringValue(p, n);
}

/** Go's strconv.ParseFloat grammar for decimal text (sign, digits, '.', exponent; no hex/inf). */
function relaxedNumberText(p: usize, n: u32): bool {
  let i: u32 = 0;
  if (i < n && (load<u8>(p) == 43 || load<u8>(p) == 45)) i++;
  let digits: u32 = 0;
  while (i < n && load<u8>(p + i) >= 48 && load<u8>(p + i) <= 57) {
    i++;
    digits++;
  }
  if (i < n && load<u8>(p + i) == 46) {
    i++;
    while (i < n && load<u8>(p + i) >= 48 && load<u8>(p + i) <= 57) {
      i++;
      digits++;
    }
  }
  if (digits == 0) return false;
  return exponentEnds(p, n, i);
}

export function bi_to_number(v: usize): usize {
  if (v == 0) return 0;
  const t = tagOf(v);
  if (t == T_NULL) return intValue(0);
  if (t == T_BOOLEAN) return intValue(load<u32>(v, 4) != 0 ? 1 : 0);
  if (t == T_NUMBER) return v;
  if (t == T_STRING) {
    const p = strPtr(v);
    const n = lenOf(v);
    if (validNumberText(p, n)) return refValue(p, n);
    if (relaxedNumberText(p, n)) {
      const neg = load<u8>(p) == 45;
      const skip: u32 = load<u8>(p) == 43 || neg ? 1 : 0;
      const f = textToF64(p + skip, n - skip);
      return numberFromF64(neg ? -f : f);
    }
    const m = heapTop();
    pushStatic("to_number: strconv.ParseFloat: parsing ");
    pushQuoted(p, n);
    pushStatic(": invalid syntax");
    pushByte(0);
    finishText();
    return rt_builtin_error(m);
  }
  return typeError("to_number", 1, "one of {null, boolean, number, string}", v);
}
