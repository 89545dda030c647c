// 128-bit unsigned arithmetic on (hi, lo) u64 pairs, for the fast path of number formatting
// (gofloat.ts): results in the globals gHi/gLo, remainders in gRem64.

export let gHi: u64 = 0;
export let gLo: u64 = 0;
export let gRem64: u64 = 0;

/** a × b into (gHi, gLo). */
export function mul64(a: u64, b: u64): void {
  const a0 = a & 0xffffffff, a1 = a >> 32;
  const b0 = b & 0xffffffff, b1 = b >> 32;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  gLo = (p00 & 0xffffffff) | (mid << 32);
  gHi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/** (hi, lo) × b (hi × b must fit 64 bits with the carry; the caller checks) into (gHi, gLo). */
export function mul128by64(hi: u64, lo: u64, b: u64): void {
  mul64(lo, b);
  gHi += hi * b;
}

/** Bit length of (hi, lo). */
export function bitLen128(hi: u64, lo: u64): i32 {
  return hi != 0 ? 128 - <i32>clz(hi) : 64 - <i32>clz(lo);
}

/** (hi, lo) >> s into (gHi, gLo), 0 <= s < 128. */
export function shr128(hi: u64, lo: u64, s: i32): void {
  if (s == 0) {
    gHi = hi;
    gLo = lo;
  } else if (s < 64) {
    gLo = (lo >> <u64>s) | (hi << <u64>(64 - s));
    gHi = hi >> <u64>s;
  } else {
    gLo = hi >> <u64>(s - 64);
    gHi = 0;
  }
}

/** (hi, lo) << s into (gHi, gLo), 0 <= s < 128 (bits shifted out are lost). */
export function shl128(hi: u64, lo: u64, s: i32): void {
  if (s == 0) {
    gHi = hi;
    gLo = lo;
  } else if (s < 64) {
    gHi = (hi << <u64>s) | (lo >> <u64>(64 - s));
    gLo = lo << <u64>s;
  } else {
    gHi = lo << <u64>(s - 64);
    gLo = 0;
  }
}

/** Whether any of the low s bits of (hi, lo) is set (0 <= s <= 128). */
export function lowBits128(hi: u64, lo: u64, s: i32): bool {
  if (s <= 0) return false;
  if (s < 64) return (lo & ((<u64>1 << <u64>s) - 1)) != 0;
  if (lo != 0) return true;
  if (s == 64) return false;
  if (s >= 128) return hi != 0;
  return (hi & ((<u64>1 << <u64>(s - 64)) - 1)) != 0;
}

/**
 * (hi, lo) / d for hi < d: the 64-bit quotient, remainder in gRem64 (Hacker's Delight divlu, with
 * 32-bit digits).
 */
export function div128by64(hi: u64, lo: u64, d: u64): u64 {
  const s = <u64>clz(d);
  d <<= s;
  const un64 = s == 0 ? hi : (hi << s) | (lo >> (64 - s));
  const un10 = lo << s;
  const vn1 = d >> 32, vn0 = d & 0xffffffff;
  const un1 = un10 >> 32, un0 = un10 & 0xffffffff;
  let q1 = un64 / vn1;
  let rhat = un64 - q1 * vn1;
  while (q1 >= 0x100000000 || q1 * vn0 > ((rhat << 32) | un1)) {
    q1--;
    rhat += vn1;
    if (rhat >= 0x100000000) break;
  }
  const un21 = ((un64 << 32) | un1) - q1 * d;
  let q0 = un21 / vn1;
  rhat = un21 - q0 * vn1;
  while (q0 >= 0x100000000 || q0 * vn0 > ((rhat << 32) | un0)) {
    q0--;
    rhat += vn1;
    if (rhat >= 0x100000000) break;
  }
  gRem64 = (((un21 << 32) | un0) - q0 * d) >> s;
  return (q1 << 32) | q0;
}

/** (hi, lo) / d (any hi) into (gHi, gLo); remainder in gRem64. */
export function div128(hi: u64, lo: u64, d: u64): void {
  const qh = hi / d;
  const ql = div128by64(hi % d, lo, d);
  gHi = qh;
  gLo = ql;
}
