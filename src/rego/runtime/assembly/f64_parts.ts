// The exact integer parts of a finite f64's bits: v = f64Mantissa(bits) × 2^f64Exponent(bits).

/** The 53-bit integer mantissa (hidden bit included for normal numbers). */
export function f64Mantissa(bits: u64): u64 {
  const f: u64 = bits & 0xfffffffffffff;
  return ((bits >> 52) & 0x7ff) == 0 ? f : f | 0x10000000000000;
}

/** The binary exponent of the mantissa; -1074 for subnormals and the smallest normal binade. */
export function f64Exponent(bits: u64): i32 {
  const be = <i32>((bits >> 52) & 0x7ff);
  return be == 0 ? -1074 : be - 1075;
}
