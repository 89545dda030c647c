// Correct rounding of decimal → f64: an approximation is checked against the exact decimal value
// with big integers and moved by one ulp at a time until it is the nearest double (ties to even).
import { bn, bnSetU64, bnShl, bnMulPow10, bnCmp } from "./bignum";
import { f64Mantissa, f64Exponent } from "./f64_parts";
import {
  natFromDigits, natMul, natPow5, natBitLen, natShl, natShr, natDivMod, gQuo, gRem, natIsZero,
  natBit, natLowBitsSet, natLow64, natAddSmall, natFromU64,
} from "./nat";
import {
  REC_C, scanNumber, recNeg, recIsZero, recPoint, recNsig, recDigit, recFirst, recDot, recPtr,
} from "./numtext";

/** Compares mant × 10^e10 with odd × 2^e2 exactly: <0, 0, >0. */
function cmpExact(mant: u64, e10: i32, odd: u64, e2: i32): i32 {
  const A = bn(0), B = bn(1);
  bnSetU64(A, mant);
  bnSetU64(B, odd);
  if (e10 >= 0) bnMulPow10(A, <u32>e10);
  else bnMulPow10(B, <u32>-e10);
  if (e2 >= 0) bnShl(B, <u32>e2);
  else bnShl(A, <u32>-e2);
  return bnCmp(A, B);
}

/** The double nearest to mant × 10^e10 (mant > 0, at most 19 digits), starting from approx z. */
export function correctF64(mant: u64, e10: i32, z: f64): f64 {
  if (e10 > 310) return Infinity;
  if (e10 < -345) return 0;
  if (z == Infinity) z = 1.7976931348623157e308;
  if (z == 0) z = 5e-324;
  for (let iter = 0; iter < 64; iter++) {
    const bits = reinterpret<u64>(z);
    const m = f64Mantissa(bits);
    const k = f64Exponent(bits);
    // upper midpoint (2m+1) × 2^(k-1)
    const up = cmpExact(mant, e10, 2 * m + 1, k - 1);
    if (up > 0 || (up == 0 && (m & 1) == 1)) {
      const next = reinterpret<f64>(bits + 1);
      if (next == Infinity) return Infinity;
      z = next;
      continue;
    }
    // lower midpoint: (2m-1) × 2^(k-1), or (4m-1) × 2^(k-2) at a power of two
    const pow2 = m == 0x10000000000000 && k > -1074;
    const lo = pow2 ? cmpExact(mant, e10, 4 * m - 1, k - 2) : cmpExact(mant, e10, 2 * m - 1, k - 1);
    if (lo < 0 || (lo == 0 && (m & 1) == 1)) {
      if (bits == 1) return lo == 0 ? 0 : (cmpExact(mant, e10, 1, -1075) > 0 ? z : 0);
      z = reinterpret<f64>(bits - 1);
      continue;
    }
    return z;
  }
  return z;
}

/** Set by recToF64 when the value is beyond float64's range (Go's ParseFloat range error). */
export let gF64Overflow = false;

/** 2^e exactly (-1022 <= e <= 1023). */
function pow2(e: i64): f64 {
  return reinterpret<f64>(<u64>(e + 1023) << 52);
}

/** m × 2^e for an m below 2^54 whose product is representable (or overflows to infinity). */
function scale(m: u64, e: i64): f64 {
  const f = <f64>m;
  if (e > 1023) return f * pow2(1023) * pow2(e - 1023);
  if (e >= -1022) return f * pow2(e);
  return f * pow2(e + 600) * pow2(-600);
}

/**
 * The float64 nearest to a scanned number (Go's strconv.ParseFloat: round to nearest even, with
 * subnormals), exact for any number of digits. Sets gF64Overflow (the result is then ±Inf).
 */
export function recToF64(r: usize): f64 {
  gF64Overflow = false;
  const neg = recNeg(r);
  if (recIsZero(r)) return neg ? -0.0 : 0.0;
  const point = recPoint(r);
  if (point > 310) {
    gF64Overflow = true;
    return neg ? -Infinity : Infinity;
  }
  if (point < -330) return neg ? -0.0 : 0.0;
  const nsig = recNsig(r);
  const k = point - <i64>nsig;
  let f: f64;
  if (nsig <= 19) {
    let mant: u64 = 0;
    for (let i: u32 = 0; i < nsig; i++) mant = mant * 10 + <u64>recDigit(r, i);
    if (mant <= 9007199254740992 && k >= -22 && k <= 22) {
      f = k >= 0 ? <f64>mant * POW10F[<i32>k] : <f64>mant / POW10F[<i32>-k];
    } else {
      let z = <f64>mant;
      let e = <i32>k;
      while (e > 22) {
        z *= 1e22;
        e -= 22;
      }
      while (e < -22) {
        z /= 1e22;
        e += 22;
      }
      z = e >= 0 ? z * POW10F[e] : z / POW10F[-e];
      f = correctF64(mant, <i32>k, z);
    }
  } else {
    f = roundExact(r, k);
  }
  if (f == Infinity) gF64Overflow = true;
  return neg ? -f : f;
}

const POW10F: StaticArray<f64> = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/** Correct rounding of digits × 10^k with big integers (any number of significant digits). */
function roundExact(r: usize, k: i64): f64 {
  const first = recFirst(r);
  const dot = recDot(r);
  const nsig = recNsig(r);
  // Beyond 800 digits (more than any float64 midpoint has) the rest only breaks ties: keep 800
  // digits and a 1 after them, as Go's strconv does.
  const used: u32 = nsig > 800 ? 800 : nsig;
  let m = natFromDigits(recPtr(r) + first, used, dot > <i32>first ? dot - <i32>first : -1);
  if (used < nsig) {
    m = natAddSmall(natMul(m, natFromU64(10)), 1);
    k += <i64>nsig - 801;
  }
  let x: usize;
  let e2: i64;
  let sticky = false;
  if (k >= 0) {
    x = natMul(m, natPow5(<u32>k));
    e2 = k;
  } else {
    const p = natPow5(<u32>-k);
    const want = <i64>60 + <i64>natBitLen(p) - <i64>natBitLen(m);
    const s: u32 = want > 0 ? <u32>want : 0;
    natDivMod(natShl(m, s), p);
    x = gQuo;
    sticky = !natIsZero(gRem);
    e2 = k - <i64>s;
  }
  const n = <i64>natBitLen(x);
  const lead = n + e2 - 1;
  if (lead >= 1024) return Infinity;
  const keep: i64 = lead >= -1022 ? 53 : lead + 1075;
  const drop = n - keep;
  if (drop <= 0) return scale(natLow64(x), e2);
  if (drop > n) return 0;
  const half = natBit(x, <u32>(drop - 1));
  const rest = sticky || natLowBitsSet(x, <u32>(drop - 1));
  let q = natLow64(natShr(x, <u32>drop));
  if (half && (rest || (q & 1) != 0)) q++;
  return scale(q, e2 + drop);
}

/** Number text to float64 (0 for text that is not a number). */
export function textToF64(p: usize, n: u32): f64 {
  if (!scanNumber(REC_C, p, n)) {
    gF64Overflow = false;
    return 0;
  }
  return recToF64(REC_C);
}
