// Fixed-size unsigned big integers (40 little-endian u32 words = 1280 bits) in static scratch
// memory, enough for exact float <-> decimal conversions of any f64.
export const WORDS: u32 = 40;
const BYTES: usize = 160;
const SCRATCH: usize = memory.data(160 * 6, 8);

/** Scratch big integer number i (0..5). */
// @ts-ignore: decorator
@inline export function bn(i: u32): usize {
  return SCRATCH + <usize>i * BYTES;
}

export function bnSetU64(a: usize, x: u64): void {
  memory.fill(a, 0, BYTES);
  store<u32>(a, <u32>x);
  store<u32>(a, <u32>(x >> 32), 4);
}

export function bnCopy(dst: usize, src: usize): void {
  memory.copy(dst, src, BYTES);
}

export function bnMulSmall(a: usize, m: u32): void {
  let carry: u64 = 0;
  for (let i: u32 = 0; i < WORDS; i++) {
    const p = a + (<usize>i << 2);
    const x = <u64>load<u32>(p) * m + carry;
    store<u32>(p, <u32>x);
    carry = x >> 32;
  }
}

export function bnMulPow10(a: usize, k: u32): void {
  while (k >= 9) {
    bnMulSmall(a, 1000000000);
    k -= 9;
  }
  let m: u32 = 1;
  while (k > 0) {
    m *= 10;
    k--;
  }
  if (m > 1) bnMulSmall(a, m);
}

export function bnShl(a: usize, n: u32): void {
  const words = n >> 5;
  const bits = n & 31;
  if (words > 0) {
    for (let i: i32 = <i32>WORDS - 1; i >= 0; i--) {
      const src = i - <i32>words;
      store<u32>(a + (<usize>i << 2), src >= 0 ? load<u32>(a + (<usize>src << 2)) : 0);
    }
  }
  if (bits > 0) {
    for (let i: i32 = <i32>WORDS - 1; i >= 0; i--) {
      const hi = load<u32>(a + (<usize>i << 2)) << bits;
      const lo = i > 0 ? load<u32>(a + (<usize>(i - 1) << 2)) >> (32 - bits) : 0;
      store<u32>(a + (<usize>i << 2), hi | lo);
    }
  }
}

/** dst = a + b (dst may alias a or b). */
export function bnAdd(dst: usize, a: usize, b: usize): void {
  let carry: u64 = 0;
  for (let i: u32 = 0; i < WORDS; i++) {
    const o = <usize>i << 2;
    const x = <u64>load<u32>(a + o) + <u64>load<u32>(b + o) + carry;
    store<u32>(dst + o, <u32>x);
    carry = x >> 32;
  }
}

/** a -= b (requires a >= b). */
export function bnSub(a: usize, b: usize): void {
  let borrow: i64 = 0;
  for (let i: u32 = 0; i < WORDS; i++) {
    const o = <usize>i << 2;
    let x = <i64>load<u32>(a + o) - <i64>load<u32>(b + o) - borrow;
    if (x < 0) {
      x += 0x100000000;
      borrow = 1;
    } else {
      borrow = 0;
    }
    store<u32>(a + o, <u32>x);
  }
}

export function bnCmp(a: usize, b: usize): i32 {
  for (let i: i32 = <i32>WORDS - 1; i >= 0; i--) {
    const x = load<u32>(a + (<usize>i << 2));
    const y = load<u32>(b + (<usize>i << 2));
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

export function bnIsZero(a: usize): bool {
  for (let i: u32 = 0; i < WORDS; i++) {
    if (load<u32>(a + (<usize>i << 2)) != 0) return false;
  }
  return true;
}

