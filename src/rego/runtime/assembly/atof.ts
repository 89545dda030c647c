// Correct rounding of decimal → f64: an approximation is checked against the exact decimal value
// with big integers and moved by one ulp at a time until it is the nearest double (ties to even).
import { bn, bnSetU64, bnShl, bnMulPow10, bnCmp } from "./bignum";
import { f64Mantissa, f64Exponent } from "./f64_parts";

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
