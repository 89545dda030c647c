// Native built-ins on objects, arrays and sets, and bit operations.
import {
  tagOf, lenOf, elemAt, keyAt, valAt, slots, intValue, arrayValue, arrayPush, objectValue, objectPut,
  setValue, setAdd, search, T_ARRAY, T_OBJECT, T_SET,
} from "./value";
import { equal as equalKey } from "./compare";
import { getIn, merge } from "./api";
import { setIntersect, setUnion } from "./bi_numbers";
import {
  is, typeError, elementError, intOperand, gInt, fail, bigIntOperand, gOperandNat, gOperandNeg,
} from "./bi_common";
import { bigToI64, gBigI64, bigNumberValue } from "./bigint";
import {
  natShl, natShr, natAddSmall, natSubSmall, natIsZero, natBitLen, natNew, natLimb, natLimbRaw, setLimbRaw,
  natNormalized,
} from "./nat";
import { tooLarge } from "./arith";

export function bi_object_get(o: usize, k: usize, d: usize): usize {
  if (!is(o, T_OBJECT)) return typeError("object.get", 1, "object", o);
  if (k == 0 || d == 0) return 0;
  if (tagOf(k) != T_ARRAY) {
    const v = getIn(o, k);
    return v != 0 ? v : d;
  }
  let cur = o;
  const n = lenOf(k);
  for (let i: u32 = 0; i < n; i++) {
    cur = getIn(cur, elemAt(k, i));
    if (cur == 0) return d;
  }
  return cur;
}

export function bi_object_keys(o: usize): usize {
  if (!is(o, T_OBJECT)) return typeError("object.keys", 1, "object", o);
  const n = lenOf(o);
  const s = setValue(n);
  for (let i: u32 = 0; i < n; i++) setAdd(s, keyAt(o, i));
  return s;
}

/** Whether k is among the keys given as array, set or object. */
function keyListed(keys: usize, k: usize): bool {
  const t = tagOf(keys);
  if (t == T_SET) return search(keys, k, 4) >= 0;
  if (t == T_OBJECT) return search(keys, k, 8) >= 0;
  const n = lenOf(keys);
  for (let i: u32 = 0; i < n; i++) {
    if (equalKey(elemAt(keys, i), k)) return true;
  }
  return false;
}

function filterKeys(name: string, o: usize, keys: usize, keep: bool): usize {
  if (!is(o, T_OBJECT)) return typeError(name, 1, "object", o);
  if (!is(keys, T_ARRAY) && !is(keys, T_SET) && !is(keys, T_OBJECT)) {
    return typeError(name, 2, "one of {object, set, array}", keys);
  }
  const n = lenOf(o);
  const r = objectValue(n);
  for (let i: u32 = 0; i < n; i++) {
    const k = keyAt(o, i);
    if (keyListed(keys, k) == keep) objectPut(r, k, valAt(o, i));
  }
  return r;
}

export function bi_object_remove(o: usize, keys: usize): usize {
  return filterKeys("object.remove", o, keys, false);
}

export function bi_object_filter(o: usize, keys: usize): usize {
  return filterKeys("object.filter", o, keys, true);
}

export function bi_object_union(a: usize, b: usize): usize {
  if (!is(a, T_OBJECT)) return typeError("object.union", 1, "object", a);
  if (!is(b, T_OBJECT)) return typeError("object.union", 2, "object", b);
  return merge(b, a);
}

export function bi_array_concat(a: usize, b: usize): usize {
  if (!is(a, T_ARRAY)) return typeError("array.concat", 1, "array", a);
  if (!is(b, T_ARRAY)) return typeError("array.concat", 2, "array", b);
  const n = lenOf(a), m = lenOf(b);
  const r = arrayValue(n + m);
  memory.copy(slots(r), slots(a), <usize>n << 2);
  memory.copy(slots(r) + (<usize>n << 2), slots(b), <usize>m << 2);
  store<u32>(r, n + m, 4);
  return r;
}

export function bi_array_slice(a: usize, start: usize, stop: usize): usize {
  if (!is(a, T_ARRAY)) return typeError("array.slice", 1, "array", a);
  if (!intOperand("array.slice", 2, start)) return 0;
  let i = gInt;
  if (!intOperand("array.slice", 3, stop)) return 0;
  let j = gInt;
  const n = <i64>lenOf(a);
  if (i < 0) i = 0;
  if (j > n) j = n;
  if (i >= j) return arrayValue(0);
  const len = <u32>(j - i);
  const r = arrayValue(len);
  memory.copy(slots(r), slots(a) + (<usize>i << 2), <usize>len << 2);
  store<u32>(r, len, 4);
  return r;
}

export function bi_array_reverse(a: usize): usize {
  if (!is(a, T_ARRAY)) return typeError("array.reverse", 1, "array", a);
  const n = lenOf(a);
  const r = arrayValue(n);
  for (let i: u32 = 0; i < n; i++) arrayPush(r, elemAt(a, n - 1 - i));
  return r;
}

function setsOperand(name: string, s: usize): bool {
  if (!is(s, T_SET)) {
    typeError(name, 1, "set", s);
    return false;
  }
  const n = lenOf(s);
  for (let i: u32 = 0; i < n; i++) {
    if (!is(elemAt(s, i), T_SET)) {
      elementError(name, 1, s, "set", elemAt(s, i));
      return false;
    }
  }
  return true;
}

export function bi_intersection(s: usize): usize {
  if (!setsOperand("intersection", s)) return 0;
  const n = lenOf(s);
  if (n == 0) return setValue(0);
  let r = elemAt(s, 0);
  for (let i: u32 = 1; i < n; i++) r = setIntersect(r, elemAt(s, i));
  return r;
}

export function bi_union(s: usize): usize {
  if (!setsOperand("union", s)) return 0;
  const n = lenOf(s);
  let r = setValue(0);
  for (let i: u32 = 0; i < n; i++) r = setUnion(r, elemAt(s, i));
  return r;
}

/**
 * bits.* as OPA (v1/topdown/bits.go): BigIntOperand operands (1.0 and 1e3 are integers) and
 * big.Int results, so a shift left grows the number past 64 bits.
 */
function bits(name: string, op: i32, a: usize, b: usize): usize {
  if (!bigIntOperand(name, 1, a)) return 0;
  const ma = gOperandNat, an = gOperandNeg;
  if (!bigIntOperand(name, 2, b)) return 0;
  const mb = gOperandNat, bn = gOperandNeg;
  if (op >= 3) {
    if (bn && !natIsZero(mb)) {
      return fail(name, "operand 2 must be an unsigned integer number but got a negative integer");
    }
    if (!bigToI64(false, mb) || gBigI64 > MAX_SHIFT) return tooLarge(name);
    const y = gBigI64;
    if (bigToI64(an, ma)) {
      const x = gBigI64;
      if (op == 4) return intValue(y >= 63 ? (x < 0 ? -1 : 0) : x >> y);
      if (y < 63 && ((x << y) >> y) == x) return intValue(x << y);
    }
    if (op == 3) return bigNumberValue(an && !natIsZero(ma), natShl(ma, <u32>y));
    // arithmetic shift right: floor division by 2^y
    if (!an) return bigNumberValue(false, natShr(ma, <u32>y));
    const q = natAddSmall(natShr(natSubSmall(ma, 1), <u32>y), 1);
    return bigNumberValue(true, q);
  }
  if (bigToI64(an, ma)) {
    const x = gBigI64;
    if (bigToI64(bn, mb)) {
      const y = gBigI64;
      if (op == 0) return intValue(x & y);
      if (op == 1) return intValue(x | y);
      return intValue(x ^ y);
    }
  }
  return bigBitwise(op, an, ma, bn, mb);
}

/** Shift counts beyond this are refused (the result would pass the supported size). */
const MAX_SHIFT: i64 = 16600;

/** x & y, x | y or x ^ y on big integers in two's complement (as Go's big.Int does). */
function bigBitwise(op: i32, an: bool, ma: usize, bn: bool, mb: usize): usize {
  const la = natBitLen(ma), lb = natBitLen(mb);
  const words = ((la > lb ? la : lb) >> 5) + 2;
  const ta = twos(an, ma, words);
  const tb = twos(bn, mb, words);
  const r = natNew(words);
  for (let i: u32 = 0; i < words; i++) {
    const x = natLimbRaw(ta, i), y = natLimbRaw(tb, i);
    setLimbRaw(r, i, op == 0 ? x & y : op == 1 ? x | y : x ^ y);
  }
  const neg = op == 0 ? an && bn : op == 1 ? an || bn : an != bn;
  // back from two's complement: a negative result is -(~r + 1)
  if (neg) {
    for (let i: u32 = 0; i < words; i++) setLimbRaw(r, i, ~natLimbRaw(r, i));
  }
  let m = natNormalized(r, words);
  if (neg) m = natAddSmall(m, 1);
  return bigNumberValue(neg, m);
}

/** Two's complement of a signed integer in `words` limbs (a raw limb block, not normalised). */
function twos(neg: bool, m: usize, words: u32): usize {
  const t = natNew(words);
  const src = neg ? natSubSmall(m, 1) : m;
  for (let i: u32 = 0; i < words; i++) {
    const x = natLimb(src, i);
    setLimbRaw(t, i, neg ? ~x : x);
  }
  return t;
}

export function bi_bits_and(a: usize, b: usize): usize {
  return bits("bits.and", 0, a, b);
}
export function bi_bits_or(a: usize, b: usize): usize {
  return bits("bits.or", 1, a, b);
}
export function bi_bits_xor(a: usize, b: usize): usize {
  return bits("bits.xor", 2, a, b);
}
export function bi_bits_lsh(a: usize, b: usize): usize {
  return bits("bits.lsh", 3, a, b);
}
export function bi_bits_rsh(a: usize, b: usize): usize {
  return bits("bits.rsh", 4, a, b);
}
export function bi_bits_negate(a: usize): usize {
  if (!bigIntOperand("bits.negate", 1, a)) return 0;
  const m = gOperandNat, neg = gOperandNeg;
  if (bigToI64(neg, m)) return intValue(~gBigI64);
  // ^x == -x - 1
  if (neg) return bigNumberValue(false, natSubSmall(m, 1));
  return bigNumberValue(true, natAddSmall(m, 1));
}
