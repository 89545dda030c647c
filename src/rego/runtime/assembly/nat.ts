// Natural numbers of any size on the heap (Go's math/big nat), for the slow paths of number
// arithmetic: exact integers beyond 64 bits and the mantissas of the big.Float emulation.
// A nat is a block: u32 length (limbs in use) at 0, u32 capacity at 4, u32 limbs from 8, least
// significant first, normalised (no zero top limb; zero has length 0). Results are new blocks;
// inputs are never changed unless a function says so.
import { alloc, pushByte, reverseBytes, heapTop, setHeapTop } from "./heap";

// @ts-ignore: decorator
@inline export function natLen(a: usize): u32 {
  return load<u32>(a);
}

// @ts-ignore: decorator
@inline function limb(a: usize, i: u32): u32 {
  return load<u32>(a + 8 + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function setLimb(a: usize, i: u32, x: u32): void {
  store<u32>(a + 8 + (<usize>i << 2), x);
}

/** Limb i, or 0 beyond the length. */
export function natLimb(a: usize, i: u32): u32 {
  return i < natLen(a) ? limb(a, i) : 0;
}

/** Limb i of a raw block (no length check: for blocks used as fixed-width limb arrays). */
export function natLimbRaw(a: usize, i: u32): u32 {
  return limb(a, i);
}

export function setLimbRaw(a: usize, i: u32, x: u32): void {
  setLimb(a, i, x);
}

/** Makes the first n limbs of a block its value (normalised). */
export function natNormalized(a: usize, n: u32): usize {
  return norm(a, n);
}

/** A zeroed nat with room for cap limbs (length 0). */
export function natNew(cap: u32): usize {
  const a = alloc(8 + (<usize>cap << 2));
  store<u32>(a, 0);
  store<u32>(a, cap, 4);
  memory.fill(a + 8, 0, <usize>cap << 2);
  return a;
}

/** Drops zero top limbs. */
function norm(a: usize, n: u32): usize {
  while (n > 0 && limb(a, n - 1) == 0) n--;
  store<u32>(a, n);
  return a;
}

export function natFromU64(x: u64): usize {
  const a = natNew(2);
  setLimb(a, 0, <u32>x);
  setLimb(a, 1, <u32>(x >> 32));
  return norm(a, 2);
}

export function natIsZero(a: usize): bool {
  return natLen(a) == 0;
}

/** The low 64 bits. */
export function natLow64(a: usize): u64 {
  return <u64>natLimb(a, 0) | (<u64>natLimb(a, 1) << 32);
}

export function natBitLen(a: usize): u32 {
  const n = natLen(a);
  if (n == 0) return 0;
  return (n - 1) * 32 + (32 - <u32>clz(limb(a, n - 1)));
}

/** Bit i (0 = least significant). */
export function natBit(a: usize, i: u32): bool {
  return ((natLimb(a, i >> 5) >> (i & 31)) & 1) != 0;
}

/** Whether any of the bits below bit n is set. */
export function natLowBitsSet(a: usize, n: u32): bool {
  const w = n >> 5;
  const len = natLen(a);
  for (let i: u32 = 0; i < w && i < len; i++) if (limb(a, i) != 0) return true;
  const b = n & 31;
  return b != 0 && w < len && (limb(a, w) & ((<u32>1 << b) - 1)) != 0;
}

export function natTrailingZeroBits(a: usize): u32 {
  const n = natLen(a);
  for (let i: u32 = 0; i < n; i++) {
    const x = limb(a, i);
    if (x != 0) return i * 32 + <u32>ctz(x);
  }
  return 0;
}

export function natCmp(a: usize, b: usize): i32 {
  const n = natLen(a);
  const m = natLen(b);
  if (n != m) return n < m ? -1 : 1;
  for (let i = <i32>n - 1; i >= 0; i--) {
    const x = limb(a, <u32>i);
    const y = limb(b, <u32>i);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

export function natAdd(a: usize, b: usize): usize {
  const n = natLen(a);
  const m = natLen(b);
  const k = n > m ? n : m;
  const r = natNew(k + 1);
  let carry: u64 = 0;
  for (let i: u32 = 0; i < k; i++) {
    const s = <u64>natLimb(a, i) + <u64>natLimb(b, i) + carry;
    setLimb(r, i, <u32>s);
    carry = s >> 32;
  }
  setLimb(r, k, <u32>carry);
  return norm(r, k + 1);
}

/** a - b; requires a >= b. */
export function natSub(a: usize, b: usize): usize {
  const n = natLen(a);
  const r = natNew(n);
  let borrow: i64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    let d = <i64>limb(a, i) - <i64>natLimb(b, i) - borrow;
    borrow = 0;
    if (d < 0) {
      d += 0x100000000;
      borrow = 1;
    }
    setLimb(r, i, <u32>d);
  }
  return norm(r, n);
}

/** a + small, a new nat. */
export function natAddSmall(a: usize, x: u32): usize {
  return natAdd(a, natFromU64(x));
}

/** a - small (a >= small). */
export function natSubSmall(a: usize, x: u32): usize {
  return natSub(a, natFromU64(x));
}

export function natMul(a: usize, b: usize): usize {
  const n = natLen(a);
  const m = natLen(b);
  if (n == 0 || m == 0) return natNew(0);
  const r = natNew(n + m);
  for (let i: u32 = 0; i < n; i++) {
    const x = <u64>limb(a, i);
    if (x == 0) continue;
    let carry: u64 = 0;
    for (let j: u32 = 0; j < m; j++) {
      const p = x * <u64>limb(b, j) + <u64>limb(r, i + j) + carry;
      setLimb(r, i + j, <u32>p);
      carry = p >> 32;
    }
    setLimb(r, i + m, <u32>carry);
  }
  return norm(r, n + m);
}

/** In place: a = a * m + add (a needs a spare limb of capacity). */
function mulAddSmallInPlace(a: usize, m: u32, add: u32): void {
  const n = natLen(a);
  let carry: u64 = add;
  for (let i: u32 = 0; i < n; i++) {
    const p = <u64>limb(a, i) * <u64>m + carry;
    setLimb(a, i, <u32>p);
    carry = p >> 32;
  }
  if (carry != 0) {
    setLimb(a, n, <u32>carry);
    store<u32>(a, n + 1);
  }
}

/** In place: a /= d; returns the remainder. */
export function natDivSmallInPlace(a: usize, d: u32): u32 {
  let rem: u64 = 0;
  const n = natLen(a);
  for (let i = <i32>n - 1; i >= 0; i--) {
    const cur = (rem << 32) | <u64>limb(a, <u32>i);
    setLimb(a, <u32>i, <u32>(cur / d));
    rem = cur % d;
  }
  norm(a, n);
  return <u32>rem;
}

export function natCopy(a: usize, extra: u32): usize {
  const n = natLen(a);
  const r = natNew(n + extra);
  memory.copy(r + 8, a + 8, <usize>n << 2);
  store<u32>(r, n);
  return r;
}

export function natShl(a: usize, s: u32): usize {
  const n = natLen(a);
  if (n == 0) return natNew(0);
  const w = s >> 5;
  const b = s & 31;
  const r = natNew(n + w + 1);
  for (let i: u32 = 0; i < n; i++) {
    const x = limb(a, i);
    if (b == 0) {
      setLimb(r, i + w, x);
    } else {
      setLimb(r, i + w, limb(r, i + w) | (x << b));
      setLimb(r, i + w + 1, x >> (32 - b));
    }
  }
  return norm(r, n + w + 1);
}

export function natShr(a: usize, s: u32): usize {
  const n = natLen(a);
  const w = s >> 5;
  if (w >= n) return natNew(0);
  const b = s & 31;
  const k = n - w;
  const r = natNew(k);
  for (let i: u32 = 0; i < k; i++) {
    const lo = limb(a, i + w);
    const hi = i + w + 1 < n ? limb(a, i + w + 1) : 0;
    setLimb(r, i, b == 0 ? lo : (lo >> b) | (hi << (32 - b)));
  }
  return norm(r, k);
}

/** Quotient of the last natDivMod. */
export let gQuo: usize = 0;
/** Remainder of the last natDivMod. */
export let gRem: usize = 0;

/** a / b and a % b (b != 0) into gQuo and gRem (Knuth's algorithm D). */
export function natDivMod(a: usize, b: usize): void {
  const m = natLen(b);
  if (natCmp(a, b) < 0) {
    gQuo = natNew(0);
    gRem = natCopy(a, 0);
    return;
  }
  if (m == 1) {
    const q = natCopy(a, 0);
    const r = natDivSmallInPlace(q, limb(b, 0));
    gQuo = q;
    gRem = natFromU64(r);
    return;
  }
  const s = <u32>clz(limb(b, m - 1));
  const v = natShl(b, s);
  const u = natCopy(natShl(a, s), 1);
  const un = natLen(a) + 1;
  // u has natLen(a)+1 limbs (the top one may be zero)
  store<u32>(u, un);
  const n = un - m;
  const q = natNew(n);
  const vt = <u64>limb(v, m - 1);
  const vs = <u64>limb(v, m - 2);
  for (let j = <i32>n - 1; j >= 0; j--) {
    const jj = <u32>j;
    const top = (<u64>limb(u, jj + m) << 32) | <u64>limb(u, jj + m - 1);
    let qhat = top / vt;
    let rhat = top % vt;
    while (qhat >= 0x100000000 || qhat * vs > ((rhat << 32) | <u64>limb(u, jj + m - 2))) {
      qhat--;
      rhat += vt;
      if (rhat >= 0x100000000) break;
    }
    // u[j..j+m] -= qhat * v
    let borrow: i64 = 0;
    let carry: u64 = 0;
    for (let i: u32 = 0; i < m; i++) {
      const p = qhat * <u64>limb(v, i) + carry;
      carry = p >> 32;
      const t = <i64>limb(u, jj + i) - <i64>(p & 0xffffffff) - borrow;
      setLimb(u, jj + i, <u32>t);
      borrow = t < 0 ? 1 : 0;
    }
    const t = <i64>limb(u, jj + m) - <i64>carry - borrow;
    setLimb(u, jj + m, <u32>t);
    if (t < 0) {
      // qhat was one too large: add v back
      qhat--;
      let c: u64 = 0;
      for (let i: u32 = 0; i < m; i++) {
        const sum = <u64>limb(u, jj + i) + <u64>limb(v, i) + c;
        setLimb(u, jj + i, <u32>sum);
        c = sum >> 32;
      }
      setLimb(u, jj + m, <u32>(<u64>limb(u, jj + m) + c));
    }
    setLimb(q, jj, <u32>qhat);
  }
  gQuo = norm(q, n);
  norm(u, m);
  gRem = natShr(u, s);
}

const POW10_9: u32 = 1000000000;

/**
 * A nat from `count` decimal digits of the text at src, most significant first; the byte at
 * offset dotAt (a decimal point; -1 if none) is skipped.
 */
export function natFromDigits(src: usize, count: u32, dotAt: i32): usize {
  const r = natNew(count / 9 + 2);
  let chunk: u32 = 0;
  let k: u32 = 0;
  let mult: u32 = 1;
  let pos: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    if (<i32>pos == dotAt) pos++;
    chunk = chunk * 10 + (<u32>load<u8>(src + pos) - 48);
    mult *= 10;
    pos++;
    if (++k == 9) {
      mulAddSmallInPlace(r, mult, chunk);
      chunk = 0;
      k = 0;
      mult = 1;
    }
  }
  if (k > 0) mulAddSmallInPlace(r, mult, chunk);
  return norm(r, natLen(r));
}

/** 5^k exactly. */
export function natPow5(k: u32): usize {
  if (k <= 27) {
    let x: u64 = 1;
    for (let i: u32 = 0; i < k; i++) x *= 5;
    return natFromU64(x);
  }
  let r = natFromU64(1);
  let base = natFromU64(5);
  while (k > 0) {
    if ((k & 1) != 0) r = natMul(r, base);
    k >>= 1;
    if (k > 0) base = natMul(base, base);
  }
  return r;
}

/**
 * Appends the decimal digits of a at the heap top ("0" for zero); returns their count (they are
 * the last bytes pushed; a working copy of a is allocated before them).
 */
export function pushNatDecimal(a: usize): u32 {
  if (natIsZero(a)) {
    pushByte(48);
    return 1;
  }
  if (natLen(a) <= 2) {
    const d0 = heapTop();
    let x = natLow64(a);
    do {
      pushByte(48 + <u32>(x % 10));
      x /= 10;
    } while (x != 0);
    reverseBytes(d0, heapTop());
    return <u32>(heapTop() - d0);
  }
  const t = natCopy(a, 0);
  // The digits are pushed least significant first (9 per limb division), then reversed.
  const d0 = heapTop();
  while (!natIsZero(t)) {
    let r = natDivSmallInPlace(t, POW10_9);
    const last = natIsZero(t);
    for (let i = 0; i < 9; i++) {
      if (last && r == 0) break;
      pushByte(48 + r % 10);
      r /= 10;
    }
  }
  reverseBytes(d0, heapTop());
  return <u32>(heapTop() - d0);
}

/** Appends the digits of a in base 2, 8 or 16 (lower case) at the heap top. */
export function pushNatBase(a: usize, base: u32): void {
  if (natIsZero(a)) {
    pushByte(48);
    return;
  }
  const bits: u32 = base == 2 ? 1 : base == 8 ? 3 : 4;
  const n = natBitLen(a);
  const d0 = heapTop();
  for (let i: u32 = 0; i < n; i += bits) {
    let d: u32 = 0;
    for (let j: u32 = 0; j < bits; j++) if (natBit(a, i + j)) d |= <u32>1 << j;
    pushByte(d < 10 ? 48 + d : 87 + d);
  }
  // drop leading zero digits (pushed last)
  let end = heapTop();
  while (end > d0 + 1 && load<u8>(end - 1) == 48) end--;
  reverseBytes(d0, end);
  setHeapTop(end);
}
