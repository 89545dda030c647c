// Exact integers of any size (Go's big.Int as OPA uses it: builtins.NumberToInt, IntToNumber),
// held as a sign and a nat (see nat.ts). Zero has no sign.
import { heapTop, finishText } from "./heap";
import {
  natNew, natFromU64, natFromDigits, natIsZero, natAdd, natSub, natCmp, natMul, natShl, natPow5,
  natDivMod, gRem, natLen, natLow64, natBitLen, pushNatDecimal,
} from "./nat";
import { recNeg, recIsZero, recIsInteger, recPoint, recNsig, recPtr, recFirst, recDot, MAX_DIGITS } from "./numtext";
import { intValue, refValue } from "./value";

/** Bound on the decimal digits of the integers computed with. */
export const MAX_INT_DIGITS: i64 = MAX_DIGITS;

/** Sign of the last intFromRec / bigint operation result. */
export let gBigNeg = false;
/** Set when an integer would exceed MAX_INT_DIGITS. */
export let gBigTooLarge = false;

export function bigClearTooLarge(): void {
  gBigTooLarge = false;
}

/** |value| of a scanned integral number as a nat (sign in gBigNeg); 0 if not integral. */
export function intFromRec(r: usize): usize {
  gBigNeg = false;
  if (recIsZero(r)) return natNew(0);
  if (!recIsInteger(r)) return 0;
  const point = recPoint(r);
  if (point > MAX_INT_DIGITS) {
    gBigTooLarge = true;
    return natNew(0);
  }
  const nsig = recNsig(r);
  const first = recFirst(r);
  const dot = recDot(r);
  let m = natFromDigits(recPtr(r) + first, nsig, dot > <i32>first ? dot - <i32>first : -1);
  const zeros = <u32>(point - <i64>nsig);
  if (zeros > 0) m = natShl(natMul(m, natPow5(zeros)), zeros);
  gBigNeg = recNeg(r);
  return m;
}

/** A nat from an i64's magnitude (sign in gBigNeg). */
export function natFromI64(x: i64): usize {
  gBigNeg = x < 0;
  return natFromU64(x < 0 ? <u64>(-(x + 1)) + 1 : <u64>x);
}

/** Signed a + b (bneg: b's sign); the result's sign is in gBigNeg. */
export function bigAdd(aneg: bool, a: usize, bneg: bool, b: usize): usize {
  let r: usize;
  let neg: bool;
  if (aneg == bneg) {
    r = natAdd(a, b);
    neg = aneg;
  } else {
    const c = natCmp(a, b);
    if (c >= 0) {
      r = natSub(a, b);
      neg = aneg;
    } else {
      r = natSub(b, a);
      neg = bneg;
    }
  }
  gBigNeg = neg && !natIsZero(r);
  check(r);
  return r;
}

export function bigMul(aneg: bool, a: usize, bneg: bool, b: usize): usize {
  const r = natMul(a, b);
  gBigNeg = aneg != bneg && !natIsZero(r);
  check(r);
  return r;
}

/** Order of two signed integers. */
export function bigCmpSigned(aneg: bool, a: usize, bneg: bool, b: usize): i32 {
  const az = natIsZero(a), bz = natIsZero(b);
  if (az && bz) return 0;
  const an = aneg && !az, bn = bneg && !bz;
  if (an != bn) return an ? -1 : 1;
  const c = natCmp(a, b);
  return an ? -c : c;
}

/** Truncated remainder (Go's big.Int.Rem: the sign of the dividend); b != 0. */
export function bigRem(aneg: bool, a: usize, b: usize): usize {
  natDivMod(a, b);
  const r = gRem;
  gBigNeg = aneg && !natIsZero(r);
  return r;
}

function check(r: usize): void {
  // 3.33 bits a digit
  if (<i64>natBitLen(r) > MAX_INT_DIGITS * 3322 / 1000 + 4) gBigTooLarge = true;
}

/** Whether the signed value fits int64 (sets gBigI64). */
export let gBigI64: i64 = 0;
export function bigToI64(neg: bool, m: usize): bool {
  if (natLen(m) > 2) return false;
  const u = natLow64(m);
  if (neg) {
    if (u > 9223372036854775808) return false;
    gBigI64 = <i64>(0 - u);
    return true;
  }
  if (u > 9223372036854775807) return false;
  gBigI64 = <i64>u;
  return true;
}

/** A number value for a signed integer: an integer value when it fits int64, else its text. */
export function bigNumberValue(neg: bool, m: usize): usize {
  if (bigToI64(neg, m)) return intValue(gBigI64);
  // the digits are the last bytes pushed, after a dead working copy: the sign goes over its end
  const n = pushNatDecimal(m);
  let p = heapTop() - n;
  if (neg) {
    p--;
    store<u8>(p, 45);
  }
  const len = <u32>(heapTop() - p);
  finishText();
  return refValue(p, len);
}
