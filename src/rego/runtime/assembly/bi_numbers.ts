// Native built-ins: comparison, arithmetic, numbers.range and set operators.
import {
  boolValue, intValue, arrayValue, arrayPush, setValue, setAdd, search, elemAt, lenOf,
  T_NUMBER, T_SET,
} from "./value";
import { compare, equal } from "./compare";
import { arith, divide, remainder, unary, OP_ADD, OP_SUB, OP_MUL, U_ABS, U_ROUND, U_CEIL, U_FLOOR } from "./arith";
import { is, typeError, fail, bigIntOperand, gOperandNat, gOperandNeg } from "./bi_common";
import { bigToI64, gBigI64, bigAdd, gBigNeg, bigNumberValue, bigCmpSigned } from "./bigint";
import { natFromU64 } from "./nat";
import { toInt, gInt } from "./number";

export function bi_equal(a: usize, b: usize): usize {
  return boolValue(equal(a, b));
}
export function bi_neq(a: usize, b: usize): usize {
  return boolValue(!equal(a, b));
}
export function bi_lt(a: usize, b: usize): usize {
  return boolValue(compare(a, b) < 0);
}
export function bi_lte(a: usize, b: usize): usize {
  return boolValue(compare(a, b) <= 0);
}
export function bi_gt(a: usize, b: usize): usize {
  return boolValue(compare(a, b) > 0);
}
export function bi_gte(a: usize, b: usize): usize {
  return boolValue(compare(a, b) >= 0);
}

function binary(name: string, op: i32, a: usize, b: usize): usize {
  if (!is(a, T_NUMBER)) return typeError(name, 1, "number", a);
  if (!is(b, T_NUMBER)) return typeError(name, 2, "number", b);
  return arith(op, a, b);
}

export function bi_plus(a: usize, b: usize): usize {
  return binary("plus", OP_ADD, a, b);
}

export function bi_mul(a: usize, b: usize): usize {
  return binary("mul", OP_MUL, a, b);
}

/** Elements of set a that are not in set b. */
export function setDiff(a: usize, b: usize): usize {
  const r = setValue(0);
  const n = lenOf(a);
  for (let i: u32 = 0; i < n; i++) {
    const e = elemAt(a, i);
    if (search(b, e, 4) < 0) setAdd(r, e);
  }
  return r;
}

/**
 * Elements of a that are in b. As OPA's set.Intersect, the smaller set is the one iterated (a
 * when as large as b): it decides which of two equal numbers (1.0, 1) is kept, or whether they
 * meet at all (see value.ts, search).
 */
export function setIntersect(a: usize, b: usize): usize {
  if (lenOf(b) < lenOf(a)) {
    const t = a;
    a = b;
    b = t;
  }
  const r = setValue(0);
  const n = lenOf(a);
  for (let i: u32 = 0; i < n; i++) {
    const e = elemAt(a, i);
    if (search(b, e, 4) >= 0) setAdd(r, e);
  }
  return r;
}

export function setUnion(a: usize, b: usize): usize {
  const r = setValue(lenOf(a) + lenOf(b));
  let i: u32 = 0;
  let j: u32 = 0;
  const n = lenOf(a);
  const m = lenOf(b);
  while (i < n || j < m) {
    if (j >= m) setAdd(r, elemAt(a, i++));
    else if (i >= n) setAdd(r, elemAt(b, j++));
    else {
      const c = compare(elemAt(a, i), elemAt(b, j));
      if (c <= 0) {
        setAdd(r, elemAt(a, i++));
        // numbers of equal value may still be different members (see value.ts, search)
        if (c == 0) setAdd(r, elemAt(b, j++));
      } else {
        setAdd(r, elemAt(b, j++));
      }
    }
  }
  return r;
}

export function bi_minus(a: usize, b: usize): usize {
  const n1 = is(a, T_NUMBER);
  const n2 = is(b, T_NUMBER);
  if (n1 && n2) return arith(OP_SUB, a, b);
  const s1 = is(a, T_SET);
  const s2 = is(b, T_SET);
  if (s1 && s2) return setDiff(a, b);
  if (!n1 && !s1) return typeError("minus", 1, "one of {number, set}", a);
  if (n2) return typeError("minus", 2, "set", b);
  return typeError("minus", 2, "number", b);
}

export function bi_div(a: usize, b: usize): usize {
  if (!is(a, T_NUMBER)) return typeError("div", 1, "number", a);
  if (!is(b, T_NUMBER)) return typeError("div", 2, "number", b);
  return divide(a, b);
}

export function bi_rem(a: usize, b: usize): usize {
  if (!is(a, T_NUMBER)) return typeError("rem", 1, "number", a);
  if (!is(b, T_NUMBER)) return typeError("rem", 2, "number", b);
  return remainder(a, b);
}

export function bi_abs(a: usize): usize {
  if (!is(a, T_NUMBER)) return typeError("abs", 1, "number", a);
  return unary(U_ABS, "abs", a);
}

export function bi_round(a: usize): usize {
  if (!is(a, T_NUMBER)) return typeError("round", 1, "number", a);
  return unary(U_ROUND, "round", a);
}

export function bi_ceil(a: usize): usize {
  if (!is(a, T_NUMBER)) return typeError("ceil", 1, "number", a);
  return unary(U_CEIL, "ceil", a);
}

export function bi_floor(a: usize): usize {
  if (!is(a, T_NUMBER)) return typeError("floor", 1, "number", a);
  return unary(U_FLOOR, "floor", a);
}

/** The integers from x to y (either direction). */
function intRange(x: i64, y: i64): usize {
  const up = x <= y;
  const n = <u64>(up ? y - x : x - y) + 1;
  if (n == 0 || n > <u64>MAX_RANGE) return fail("numbers.range", "range too large");
  const r = arrayValue(<u32>n);
  let i = x;
  while (true) {
    arrayPush(r, intValue(i));
    if (i == y) break;
    i = up ? i + 1 : i - 1;
  }
  return r;
}

/** Elements a range may have (OPA has no bound but cancellation). */
const MAX_RANGE: i64 = 0x10000000;

/** numbers.range(a, b): the integers from a to b (BigIntOperand: 1.0 and 1e3 are integers). */
export function bi_numbers_range(a: usize, b: usize): usize {
  if (is(a, T_NUMBER) && is(b, T_NUMBER) && toInt(a)) {
    const x = gInt;
    if (toInt(b)) return intRange(x, gInt);
  }
  if (!bigIntOperand("numbers.range", 1, a)) return 0;
  const ma = gOperandNat, an = gOperandNeg;
  if (!bigIntOperand("numbers.range", 2, b)) return 0;
  const mb = gOperandNat, bn = gOperandNeg;
  // beyond int64: count with big integers
  const up = bigCmpSigned(an, ma, bn, mb) <= 0;
  const d = bigAdd(bn, mb, !an, ma); // b - a
  const dn = gBigNeg;
  if (!bigToI64(dn, d) || (gBigI64 < 0 ? -gBigI64 : gBigI64) >= MAX_RANGE) {
    return fail("numbers.range", "range too large");
  }
  const count = (gBigI64 < 0 ? -gBigI64 : gBigI64) + 1;
  const r = arrayValue(<u32>count);
  let cur = ma;
  let cn = an;
  const one = natFromU64(1);
  for (let k: i64 = 0; k < count; k++) {
    arrayPush(r, bigNumberValue(cn, cur));
    cur = bigAdd(cn, cur, !up, one);
    cn = gBigNeg;
  }
  return r;
}

export function bi_and(a: usize, b: usize): usize {
  if (!is(a, T_SET)) return typeError("and", 1, "set", a);
  if (!is(b, T_SET)) return typeError("and", 2, "set", b);
  return setIntersect(a, b);
}

export function bi_or(a: usize, b: usize): usize {
  if (!is(a, T_SET)) return typeError("or", 1, "set", a);
  if (!is(b, T_SET)) return typeError("or", 2, "set", b);
  return setUnion(a, b);
}
