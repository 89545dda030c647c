// Number arithmetic as OPA's topdown does it (v1/topdown/arithmetic.go): exact on integers of any
// size (i64 first, then big integers), and on other numbers in Go's big.Float with a 64-bit
// mantissa (gofloat.ts), the result written as OPA's FloatToNumber writes it. See README.md.
import { intValue, refValue, T_NUMBER, tagOf, numKind, lenOf, strPtr, N_INT } from "./value";
import { toInt, gInt, exactInt } from "./number";
import { heapTop, finishText } from "./heap";
import { parseInt64, gI64, scanNumber, REC_A } from "./numtext";
import {
  gfFromText, gfRound, gfAdd, gfSub, gfMul, gfQuo, gfIsZero, gfPushNumberText, gfClearTooLarge,
  gfTooLarge, gfNeg, gfAbs, gfTrunc, gfIsInt,
} from "./gofloat";
import { natFromU64, natIsZero, natAddSmall } from "./nat";
import {
  intFromRec, natFromI64, gBigNeg, bigAdd, bigMul, bigRem, bigNumberValue, gBigTooLarge,
  bigClearTooLarge,
} from "./bigint";
import { fail } from "./bi_common";

export const OP_ADD: i32 = 0;
export const OP_SUB: i32 = 1;
export const OP_MUL: i32 = 2;

const I64_MIN: i64 = -9223372036854775808;

function opName(op: i32): string {
  return op == OP_ADD ? "plus" : op == OP_SUB ? "minus" : "mul";
}

/** a op b for two number values (add, sub, mul); 0 (an error reported) beyond the supported size. */
export function arith(op: i32, a: usize, b: usize): usize {
  if (toInt(a)) {
    const x = gInt;
    if (toInt(b)) {
      const y = gInt;
      let r: i64 = 0;
      let overflow = false;
      if (op == OP_ADD) {
        r = x + y;
        overflow = ((x ^ r) & (y ^ r)) < 0;
      } else if (op == OP_SUB) {
        r = x - y;
        overflow = ((x ^ y) & (x ^ r)) < 0;
      } else {
        r = x * y;
        if (x != 0 && y != 0) {
          overflow = (x == -1 && y == I64_MIN) || (y == -1 && x == I64_MIN) || r / y != x;
        }
      }
      if (!overflow) return intValue(r);
    }
  }
  return arithSlow(op, a, b);
}

/** The slow path: exact big integers when both are integral, else 64-bit binary floats. */
function arithSlow(op: i32, a: usize, b: usize): usize {
  bigClearTooLarge();
  const ma = bigFromValue(a);
  const an = gBigNeg;
  if (ma != 0) {
    const mb = bigFromValue(b);
    const bn = gBigNeg;
    if (mb != 0) {
      if (gBigTooLarge) return tooLarge(opName(op));
      let r: usize;
      if (op == OP_MUL) r = bigMul(an, ma, bn, mb);
      else r = bigAdd(an, ma, op == OP_SUB ? !bn : bn, mb);
      if (gBigTooLarge) return tooLarge(opName(op));
      return bigNumberValue(gBigNeg, r);
    }
  }
  gfClearTooLarge();
  const fa = floatFromValue(a);
  const fb = floatFromValue(b);
  if (fa == 0 || fb == 0 || gfTooLarge) return tooLarge(opName(op));
  const r = op == OP_ADD ? gfAdd(fa, fb, 64) : op == OP_SUB ? gfSub(fa, fb, 64) : gfMul(fa, fb, 64);
  return floatNumber(r, opName(op));
}

export function tooLarge(name: string): usize {
  return fail(name, "number too large");
}

/** OPA's NumberToInt: |value| as a nat if the number is integral (sign in gBigNeg), else 0. */
export function bigFromValue(v: usize): usize {
  if (numKind(v) == N_INT) return natFromI64(load<i64>(v, 8));
  const p = strPtr(v), n = lenOf(v);
  if (parseInt64(p, n)) return natFromI64(gI64);
  if (!scanNumber(REC_A, p, n)) return 0;
  return intFromRec(REC_A);
}

/** OPA's NumberToFloat: the number as a 64-bit-mantissa big.Float (0 if not a number). */
export function floatFromValue(v: usize): usize {
  if (numKind(v) == N_INT) {
    const m = natFromI64(load<i64>(v, 8));
    return gfRound(gBigNeg, m, 0, false, 64);
  }
  return gfFromText(strPtr(v), lenOf(v), 64);
}

/**
 * OPA's FloatToNumber: the shortest text that reads back as f at its precision, 'f' form for an
 * integer, 'g' form otherwise (an integer value when the text is a plain int64). 0 (an error
 * reported) beyond the supported range.
 */
export function floatNumber(f: usize, name: string): usize {
  if (gfTooLarge) return tooLarge(name);
  const p = gfPushNumberText(f);
  const n = <u32>(heapTop() - p);
  finishText();
  // gofloat writes no '+' and no leading zeros: any int64 text but "-0" is canonical
  const negZero = n == 2 && load<u8>(p) == 45 && load<u8>(p + 1) == 48;
  if (!negZero && parseInt64(p, n)) return intValue(gI64);
  return refValue(p, n);
}

/** a / b (OPA's opDivide): exact for integers that divide, else the 64-bit float quotient. */
export function divide(a: usize, b: usize): usize {
  if (toInt(a)) {
    const x = gInt;
    if (toInt(b)) {
      const y = gInt;
      if (y == 0) return fail("div", "divide by zero");
      if (x != 0 && !(y == -1 && x == I64_MIN) && x % y == 0) return intValue(x / y);
    }
  }
  gfClearTooLarge();
  const fa = floatFromValue(a);
  const fb = floatFromValue(b);
  if (fa == 0 || fb == 0 || gfTooLarge) return tooLarge("div");
  if (gfIsZero(fb)) return fail("div", "divide by zero");
  return floatNumber(gfQuo(fa, fb, 64), "div");
}

/** a % b (OPA's opRem): the truncated remainder of two integers of any size. */
export function remainder(a: usize, b: usize): usize {
  if (toInt(a)) {
    const x = gInt;
    if (toInt(b)) {
      const y = gInt;
      if (y == 0) return fail("rem", "modulo by zero");
      if (y == -1) return intValue(0);
      return intValue(x % y);
    }
  }
  bigClearTooLarge();
  const ma = bigFromValue(a);
  const an = gBigNeg;
  const mb = ma != 0 ? bigFromValue(b) : 0;
  if (ma == 0 || mb == 0) return fail("rem", "modulo on floating-point number");
  if (gBigTooLarge) return tooLarge("rem");
  if (natIsZero(mb)) return fail("rem", "modulo by zero");
  const r = bigRem(an, ma, mb);
  return bigNumberValue(gBigNeg, r);
}

export const U_ABS: i32 = 0;
export const U_ROUND: i32 = 1;
export const U_CEIL: i32 = 2;
export const U_FLOOR: i32 = 3;

/**
 * abs, round, ceil and floor (OPA's arithUnary): a plain int64 is exact; anything else goes
 * through NumberToFloat (64-bit mantissa), so big integers are rounded first, as in OPA. round
 * adds or subtracts 0.5 (rounded to 64 bits) and truncates; ceil and floor truncate and adjust by
 * one as OPA's arithCeil/arithFloor do (which makes ceil(-0.5) 1 and floor(-0.5) 0).
 */
export function unary(op: i32, name: string, a: usize): usize {
  if (exactInt(a)) {
    const x = gInt;
    if (op != U_ABS || x >= 0) return numKind(a) == N_INT ? a : intValue(x);
    if (x != I64_MIN) return intValue(-x);
  }
  gfClearTooLarge();
  const f = floatFromValue(a);
  if (f == 0 || gfTooLarge) return tooLarge(name);
  if (op == U_ABS) return floatNumber(gfAbs(f), name);
  if (op == U_ROUND) {
    const half = gfRound(gfNeg(f), natFromU64(1), -1, false, 53);
    const s = gfAdd(f, half, 64);
    return integerResult(gfNeg(s), gfTrunc(s), name);
  }
  const i = gfTrunc(f);
  const neg = gfNeg(f) && !natIsZero(i);
  if (gfIsInt(f)) return integerResult(neg, i, name);
  if (op == U_CEIL) {
    if (neg) return integerResult(true, i, name);
    return integerResult(false, natAddSmall(i, 1), name);
  }
  if (!neg) return integerResult(false, i, name);
  return integerResult(true, natAddSmall(i, 1), name);
}

/** OPA's FloatToNumber(SetInt(i)): the integer's exact text. */
function integerResult(neg: bool, m: usize, name: string): usize {
  if (gfTooLarge) return tooLarge(name);
  return bigNumberValue(neg && !natIsZero(m), m);
}

export function isNum(v: usize): bool {
  return v != 0 && tagOf(v) == T_NUMBER;
}
