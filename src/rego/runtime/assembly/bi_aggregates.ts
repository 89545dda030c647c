// Native built-ins: aggregates, membership, type checks and to_number.
import {
  tagOf, lenOf, strPtr, elemAt, valAt, slots, boolValue, intValue, arrayValue, refValue, stringValue,
  search, T_NULL, T_BOOLEAN, T_NUMBER, T_STRING, T_ARRAY, T_OBJECT, T_SET,
} from "./value";
import { compare, equal } from "./compare";
import { bigFromValue, floatFromValue, floatNumber, tooLarge } from "./arith";
import { exactInt, gInt } from "./number";
import { alloc, heapTop, setHeapTop, pushStatic, pushByte, finishText } from "./heap";
import { rt_builtin_error } from "./host";
import { pushGoQuoted } from "./fmt_quote";
import { scanNumber, REC_A } from "./numtext";
import { recToF64, gF64Overflow } from "./atof";
import { gfZero, gfAdd, gfMul, gfRound, gfClearTooLarge } from "./gofloat";
import { natFromU64 } from "./nat";
import { bigAdd, bigMul, bigNumberValue, gBigNeg, gBigTooLarge, bigClearTooLarge } from "./bigint";
import { is, typeError, elementError, typeName, codePoints } from "./bi_common";
import { getIn } from "./api";

export function bi_count(v: usize): usize {
  if (v == 0) return 0;
  const t = tagOf(v);
  if (t == T_STRING) return intValue(codePoints(strPtr(v), lenOf(v)));
  if (t == T_ARRAY || t == T_OBJECT || t == T_SET) return intValue(lenOf(v));
  return typeError("count", 1, "one of {array, object, set, string}", v);
}

/**
 * sum (OPA's builtinSum): int64 while every element is a plain int64 and the total fits; else
 * exact big integers when every element is integral; else big.Float additions, 64-bit mantissa.
 */
export function bi_sum(v: usize): usize {
  if (!is(v, T_ARRAY) && !is(v, T_SET)) return typeError("sum", 1, "one of {set, array}", v);
  const n = lenOf(v);
  let acc: i64 = 0;
  let i: u32 = 0;
  for (; i < n; i++) {
    const e = elemAt(v, i);
    if (!is(e, T_NUMBER) || !exactInt(e)) break;
    const y = gInt;
    const r = acc + y;
    if (((acc ^ r) & (y ^ r)) < 0) break;
    acc = r;
  }
  if (i == n) return intValue(acc);
  const exact = exactFold(v, false);
  if (exact != 0) return exact;
  if (gBigTooLarge) return tooLarge("sum");
  gfClearTooLarge();
  let f = gfZero(false, 64);
  for (let j: u32 = 0; j < n; j++) {
    const e = elemAt(v, j);
    if (!is(e, T_NUMBER)) return elementError("sum", 1, v, "number", e);
    const x = floatFromValue(e);
    if (x == 0) return tooLarge("sum");
    f = gfAdd(f, x, 64);
  }
  return floatNumber(f, "sum");
}

/**
 * product (OPA's builtinProduct): exact big integers when every element is integral; else
 * big.Float products accumulated in big.NewFloat(1), whose precision is 53 bits.
 */
export function bi_product(v: usize): usize {
  if (!is(v, T_ARRAY) && !is(v, T_SET)) return typeError("product", 1, "one of {set, array}", v);
  const n = lenOf(v);
  let acc: i64 = 1;
  let i: u32 = 0;
  for (; i < n; i++) {
    const e = elemAt(v, i);
    if (!is(e, T_NUMBER) || !exactInt(e)) break;
    const y = gInt;
    const r = acc * y;
    if (acc != 0 && y != 0 && ((acc == -1 && y == I64_MIN) || (y == -1 && acc == I64_MIN) || r / y != acc)) break;
    acc = r;
  }
  if (i == n) return intValue(acc);
  const exact = exactFold(v, true);
  if (exact != 0) return exact;
  if (gBigTooLarge) return tooLarge("product");
  gfClearTooLarge();
  let f = gfRound(false, natFromU64(1), 0, false, 53);
  for (let j: u32 = 0; j < n; j++) {
    const e = elemAt(v, j);
    if (!is(e, T_NUMBER)) return elementError("product", 1, v, "number", e);
    const x = floatFromValue(e);
    if (x == 0) return tooLarge("product");
    f = gfMul(f, x, 53);
  }
  return floatNumber(f, "product");
}

const I64_MIN: i64 = -9223372036854775808;

/** OPA's exactIntAccumulate: the exact sum or product if every element is integral, else 0. */
function exactFold(v: usize, mul: bool): usize {
  bigClearTooLarge();
  const n = lenOf(v);
  let acc = natFromU64(mul ? 1 : 0);
  let neg = false;
  for (let i: u32 = 0; i < n; i++) {
    const e = elemAt(v, i);
    if (!is(e, T_NUMBER)) return 0;
    const m = bigFromValue(e);
    if (m == 0) return 0;
    const mn = gBigNeg;
    acc = mul ? bigMul(neg, acc, mn, m) : bigAdd(neg, acc, mn, m);
    neg = gBigNeg;
    if (gBigTooLarge) return 0;
  }
  return bigNumberValue(neg, acc);
}

/** max/min as OPA's builtinMax/builtinMin: of equal elements of an array, the last one wins. */
function extreme(name: string, v: usize, sign: i32): usize {
  if (!is(v, T_ARRAY) && !is(v, T_SET)) return typeError(name, 1, "one of {set, array}", v);
  const n = lenOf(v);
  if (n == 0) return 0;
  let best = elemAt(v, 0);
  for (let i: u32 = 1; i < n; i++) {
    const e = elemAt(v, i);
    if (compare(e, best) * sign >= 0) best = e;
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

/**
 * to_number (OPA's builtinToNumber): a string that Go's strconv.ParseFloat accepts becomes a
 * number with that very text (so "+5", ".5" and "00012" are numbers here as in OPA); Inf and NaN
 * are refused, and so are numbers beyond float64's range.
 */
export function bi_to_number(v: usize): usize {
  if (v == 0) return 0;
  const t = tagOf(v);
  if (t == T_NULL) return intValue(0);
  if (t == T_BOOLEAN) return intValue(load<u32>(v, 4) != 0 ? 1 : 0);
  if (t == T_NUMBER) return v;
  if (t == T_STRING) {
    const p = strPtr(v);
    const n = lenOf(v);
    if (infOrNaN(p, n)) return typeError("to_number", 1, "valid number string", v);
    const valid = scanNumber(REC_A, p, n);
    let overflow = false;
    if (valid) {
      recToF64(REC_A);
      overflow = gF64Overflow;
    }
    if (valid && !overflow) return refValue(p, n);
    const m = heapTop();
    pushStatic("to_number: strconv.ParseFloat: parsing ");
    pushGoQuoted(p, n, false);
    pushStatic(valid ? ": value out of range" : ": invalid syntax");
    pushByte(0);
    finishText();
    return rt_builtin_error(m);
  }
  return typeError("to_number", 1, "one of {null, boolean, number, string}", v);
}

/** strings.ToLower(strings.TrimLeft(s, "+-")) is "inf", "infinity" or "nan". */
function infOrNaN(p: usize, n: u32): bool {
  let i: u32 = 0;
  while (i < n && (load<u8>(p + i) == 43 || load<u8>(p + i) == 45)) i++;
  const k = n - i;
  if (k != 3 && k != 8) return false;
  const w = k == 8 ? "infinity" : lowerAt(p + i) == 110 ? "nan" : "inf";
  for (let j: u32 = 0; j < k; j++) if (lowerAt(p + i + j) != <u32>w.charCodeAt(<i32>j)) return false;
  return true;
}

function lowerAt(p: usize): u32 {
  const c = <u32>load<u8>(p);
  return c >= 65 && c <= 90 ? c + 32 : c;
}
