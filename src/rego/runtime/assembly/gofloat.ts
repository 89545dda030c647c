// An emulation of Go's math/big.Float as OPA's topdown uses it (builtins.NumberToFloat,
// FloatToNumber and the arithmetic of v1/topdown/arithmetic.go and aggregates.go): binary floats
// of a given precision (64 bits for parsed numbers), rounding to nearest even, with Go's own
// decimal parsing (5^k beyond 5^27 is itself rounded, to 128 bits) and shortest decimal output.
//
// A float is a heap record (24 bytes): u32 mantissa (nat, see nat.ts) at 0, u32 precision at 4,
// u8 sign at 8, u8 zero flag at 9, i64 exponent at 16; the value is mantissa × 2^exponent.
import { alloc, heapTop, pushByte, pushBytes, reverseBytes } from "./heap";
import { gHi, gLo, gRem64, mul64, shl128, shr128, lowBits128, bitLen128, div128 } from "./wide";
import {
  natNew, natFromU64, natFromDigits, natIsZero, natBitLen, natBit, natLowBitsSet, natShl, natShr,
  natMul, natAdd, natSub, natCmp, natAddSmall, natSubSmall, natTrailingZeroBits, natDivMod, gQuo,
  gRem, natPow5, pushNatDecimal, natLen, natLow64,
} from "./nat";
import {
  REC_C, scanNumber, recNeg, recIsZero, recPtr, recMantEnd, recFirst, recDot, recExp, recFracDigits,
  recPoint, MAX_DIGITS,
} from "./numtext";
import { pushUint } from "./dtoa";

/** Bound on binary exponents the emulation computes with (about 10^±5000, see MAX_DIGITS). */
export const MAX_BIN_EXP: i64 = 16700;

/** Set when an operation would go beyond MAX_BIN_EXP (the result is then meaningless). */
export let gfTooLarge = false;

export function gfClearTooLarge(): void {
  gfTooLarge = false;
}

export function gfMant(x: usize): usize {
  return load<u32>(x);
}
export function gfPrec(x: usize): u32 {
  return load<u32>(x, 4);
}
export function gfNeg(x: usize): bool {
  return load<u8>(x, 8) != 0;
}
export function gfIsZero(x: usize): bool {
  return load<u8>(x, 9) != 0;
}
export function gfExp(x: usize): i64 {
  return load<i64>(x, 16);
}

function make(neg: bool, mant: usize, exp: i64, prec: u32): usize {
  const x = makeUnchecked(neg, mant, exp, prec);
  if (!gfIsZero(x)) {
    const top = exp + <i64>natBitLen(mant);
    if (top > MAX_BIN_EXP || top < -MAX_BIN_EXP) gfTooLarge = true;
  }
  return x;
}

function makeUnchecked(neg: bool, mant: usize, exp: i64, prec: u32): usize {
  const x = alloc(24);
  store<u32>(x, <u32>mant);
  store<u32>(x, prec, 4);
  store<u8>(x, neg ? 1 : 0, 8);
  const zero = natIsZero(mant);
  store<u8>(x, zero ? 1 : 0, 9);
  store<i64>(x, zero ? 0 : exp, 16);
  return x;
}

export function gfZero(neg: bool, prec: u32): usize {
  return make(neg, natNew(0), 0, prec);
}

/** m × 2^e rounded to prec bits (nearest even); `sticky` says non-zero bits were cut below m. */
export function gfRound(neg: bool, m: usize, e: i64, sticky: bool, prec: u32): usize {
  const n = natBitLen(m);
  if (n <= prec) return make(neg, m, e, prec);
  const s = n - prec;
  const half = natBit(m, s - 1);
  const rest = sticky || natLowBitsSet(m, s - 1);
  let r = natShr(m, s);
  let re = e + <i64>s;
  if (half && (rest || natBit(r, 0))) {
    r = natAddSmall(r, 1);
    if (natBitLen(r) > prec) {
      r = natShr(r, 1);
      re++;
    }
  }
  return make(neg, r, re, prec);
}

/** x with its sign changed. */
export function gfNegate(x: usize): usize {
  return make(!gfNeg(x), gfMant(x), gfExp(x), gfPrec(x));
}

export function gfAbs(x: usize): usize {
  return make(false, gfMant(x), gfExp(x), gfPrec(x));
}

/** x + y rounded to prec (Go's Float.Add into a float of that precision). */
export function gfAdd(x: usize, y: usize, prec: u32): usize {
  const xz = gfIsZero(x);
  const yz = gfIsZero(y);
  if (xz && yz) return gfZero(gfNeg(x) && gfNeg(y), prec);
  if (xz) return gfRound(gfNeg(y), gfMant(y), gfExp(y), false, prec);
  if (yz) return gfRound(gfNeg(x), gfMant(x), gfExp(x), false, prec);
  // An operand far below the other's last bit and the rounding position only acts as a sticky
  // bit: replace it by a one-bit value of its sign just below both (the sum rounds the same).
  const tx = gfExp(x) + <i64>natBitLen(gfMant(x));
  const ty = gfExp(y) + <i64>natBitLen(gfMant(y));
  if (ty < tx) y = stickyBelow(x, y, prec);
  else if (tx < ty) x = stickyBelow(y, x, prec);
  const ex = gfExp(x);
  const ey = gfExp(y);
  const e = ex < ey ? ex : ey;
  const mx = natShl(gfMant(x), <u32>(ex - e));
  const my = natShl(gfMant(y), <u32>(ey - e));
  if (gfNeg(x) == gfNeg(y)) return gfRound(gfNeg(x), natAdd(mx, my), e, false, prec);
  const c = natCmp(mx, my);
  if (c == 0) return gfZero(false, prec);
  if (c > 0) return gfRound(gfNeg(x), natSub(mx, my), e, false, prec);
  return gfRound(gfNeg(y), natSub(my, mx), e, false, prec);
}

/** small, or a one-bit stand-in of its sign when it lies wholly below big's bits and rounding. */
function stickyBelow(big: usize, small: usize, prec: u32): usize {
  const top = gfExp(big) + <i64>natBitLen(gfMant(big));
  const lsb = gfExp(big) + <i64>natTrailingZeroBits(gfMant(big));
  const round = top - <i64>prec;
  const limit = (lsb < round ? lsb : round) - 2;
  if (gfExp(small) + <i64>natBitLen(gfMant(small)) >= limit) return small;
  return makeUnchecked(gfNeg(small), natFromU64(1), limit - 1, gfPrec(small));
}

export function gfSub(x: usize, y: usize, prec: u32): usize {
  return gfAdd(x, gfNegate(y), prec);
}

export function gfMul(x: usize, y: usize, prec: u32): usize {
  const neg = gfNeg(x) != gfNeg(y);
  if (gfIsZero(x) || gfIsZero(y)) return gfZero(neg, prec);
  return gfRound(neg, natMul(gfMant(x), gfMant(y)), gfExp(x) + gfExp(y), false, prec);
}

/** x / y (y != 0) rounded to prec. */
export function gfQuo(x: usize, y: usize, prec: u32): usize {
  const neg = gfNeg(x) != gfNeg(y);
  if (gfIsZero(x)) return gfZero(neg, prec);
  const mx = gfMant(x);
  const my = gfMant(y);
  // enough quotient bits for the rounding bit, the remainder gives the sticky bit
  const want = <i64>prec + 2 + <i64>natBitLen(my) - <i64>natBitLen(mx);
  const s: u32 = want > 0 ? <u32>want : 0;
  natDivMod(natShl(mx, s), my);
  const q = gQuo;
  return gfRound(neg, q, gfExp(x) - <i64>s - gfExp(y), !natIsZero(gRem), prec);
}

/** 5^n as Go's Float.pow5 computes it for a float of precision 128 (rounded beyond 5^55). */
function goPow5(n: u64): usize {
  if (n <= 27) return make(false, natPow5(<u32>n), 0, 128);
  let z = make(false, natPow5(27), 0, 128);
  n -= 27;
  let f = make(false, natFromU64(5), 0, 192);
  while (n > 0) {
    if ((n & 1) != 0) z = gfMul(z, f, 128);
    n >>= 1;
    // (Go squares once more after the last multiplication; that value is never used)
    if (n > 0) f = gfMul(f, f, 192);
  }
  return z;
}

/**
 * Go's Float.SetString on number text with precision prec (OPA's NumberToFloat uses 64): the
 * mantissa digits as written times 2^k, then one rounded multiplication by (or division by) 5^k.
 * Returns 0 for text that is not a number; sets gfTooLarge beyond the supported range.
 */
export function gfFromText(p: usize, n: u32, prec: u32): usize {
  const r = REC_C;
  if (!scanNumber(r, p, n)) return 0;
  const neg = recNeg(r);
  if (recIsZero(r)) return gfZero(neg, prec);
  const point = recPoint(r);
  // the mantissa as written from its first significant digit (trailing zeros count, as in Go)
  const first = recFirst(r);
  const dot = recDot(r);
  let count = recMantEnd(r) - first;
  if (dot > <i32>first) count--;
  if (point > MAX_DIGITS || point < -MAX_DIGITS || <i64>count > MAX_DIGITS) {
    gfTooLarge = true;
    return gfZero(neg, prec);
  }
  const k = recExp(r) - <i64>recFracDigits(r);
  const m = natFromDigits(recPtr(r) + first, count, dot > <i32>first ? dot - <i32>first : -1);
  if (k == 0) return gfRound(neg, m, 0, false, prec);
  if (k > 0) {
    const f = goPow5(<u64>k);
    return gfRound(neg, natMul(m, gfMant(f)), gfExp(f) + k, false, prec);
  }
  const f = goPow5(<u64>-k);
  return gfQuo(make(neg, m, k, prec), f, prec);
}

/** Whether x is an integer. */
export function gfIsInt(x: usize): bool {
  if (gfIsZero(x)) return true;
  const e = gfExp(x);
  return e >= 0 || <i64>natTrailingZeroBits(gfMant(x)) >= -e;
}

/** x truncated towards zero, as a nat (the sign is gfNeg(x)). */
export function gfTrunc(x: usize): usize {
  if (gfIsZero(x)) return natNew(0);
  const e = gfExp(x);
  if (e >= 0) return natShl(gfMant(x), <u32>e);
  if (-e >= <i64>natBitLen(gfMant(x))) return natNew(0);
  return natShr(gfMant(x), <u32>-e);
}

// --- decimal output (Go's big.Float.Text with precision -1: shortest) ---

/**
 * Digits and decimal point of the last toDecimal: value = 0.d1d2...dn × 10^gDecExp, trailing
 * zeros trimmed, or (gDecMore) the first LEAD digits of a longer expansion.
 */
let gDecPtr: usize = 0;
let gDecLen: u32 = 0;
let gDecExp: i64 = 0;
let gDecMore = false;

/**
 * Leading digits kept of an expansion. Shortest output at 64 bits needs at most 21: the bounds
 * half an ulp (2^-65 relative) below and above differ from the value by then, which ends Go's
 * roundShortest loop; rounding looks one digit further.
 */
const LEAD: i64 = 27;

/**
 * The decimal digits of m × 2^e (m != 0), as Go's decimal.init gives them, but only the first LEAD
 * of them when there are more (gDecMore): q = floor(m × 2^e × 10^u) for a u that leaves about
 * LEAD digits, computed with 5^|u| instead of the whole expansion.
 */
/** 5^k of the last toDecimal (valid within one gfPushText: the heap is not released in between). */
let pow5K: i64 = -1;
let pow5Nat: usize = 0;

function pow5(k: i64): usize {
  if (k != pow5K) {
    pow5Nat = natPow5(<u32>k);
    pow5K = k;
  }
  return pow5Nat;
}

function toDecimal(m: usize, e: i64): void {
  const bits = <i64>natBitLen(m) + e; // m × 2^e < 2^bits
  // digits before the decimal point, estimated (within one) from log10(2)
  const digits = ((bits - 1) * 30103) / 100000 + 1;
  const u = LEAD - digits;
  if (toDecimal128(m, e, u)) return;
  let q: usize;
  let rest = false;
  if (u >= 0) {
    const t = natMul(m, pow5(u));
    const sh = e + u;
    if (sh >= 0) q = natShl(t, <u32>sh);
    else {
      rest = natLowBitsSet(t, <u32>-sh);
      q = natShr(t, <u32>-sh);
    }
  } else {
    const p5 = pow5(-u);
    const sh = e + u;
    if (sh >= 0) natDivMod(natShl(m, <u32>sh), p5);
    else natDivMod(m, natShl(p5, <u32>-sh));
    q = gQuo;
    rest = !natIsZero(gRem);
  }
  const n = pushNatDecimal(q);
  const start = heapTop() - n;
  let len = n;
  if (!rest) while (len > 0 && load<u8>(start + len - 1) == 48) len--;
  // keep the digits: advance the heap past them
  alloc(0);
  gDecPtr = start;
  gDecLen = len;
  gDecExp = <i64>n - u;
  gDecMore = rest;
}

const POW5_U64: StaticArray<u64> = [
  1, 5, 25, 125, 625, 3125, 15625, 78125, 390625, 1953125, 9765625, 48828125, 244140625,
  1220703125, 6103515625, 30517578125, 152587890625, 762939453125, 3814697265625, 19073486328125,
  95367431640625, 476837158203125, 2384185791015625, 11920928955078125, 59604644775390625,
  298023223876953125, 1490116119384765625, 7450580596923828125,
];

const TEN19: u64 = 10000000000000000000;

/**
 * toDecimal in 128-bit registers when m has at most 65 bits and the scale 10^u is within 5^±27
 * (values from about 1e-3 to 1e51): no heap arithmetic. Returns false to take the general path.
 */
function toDecimal128(m: usize, e: i64, u: i64): bool {
  if (natLen(m) > 3 || natBitLen(m) > 65 || u > 27 || u < -27) return false;
  const lo = natLow64(m);
  const top: u64 = natBit(m, 64) ? 1 : 0;
  const sh = e + u;
  let rest = false;
  let qh: u64, ql: u64;
  if (u >= 0) {
    const p = POW5_U64[<i32>u];
    mul64(lo, p);
    let hi = gHi + top * p;
    let lw = gLo;
    if (sh >= 0) {
      if (<i64>bitLen128(hi, lw) + sh > 128) return false;
      shl128(hi, lw, <i32>sh);
    } else {
      if (-sh >= 128) return false;
      rest = lowBits128(hi, lw, <i32>-sh);
      shr128(hi, lw, <i32>-sh);
    }
    qh = gHi;
    ql = gLo;
  } else {
    const p = POW5_U64[<i32>-u];
    let hi = top;
    let lw = lo;
    if (sh >= 0) {
      if (65 + sh > 128) return false;
      shl128(hi, lw, <i32>sh);
    } else {
      if (-sh >= 128) return false;
      rest = lowBits128(hi, lw, <i32>-sh);
      shr128(hi, lw, <i32>-sh);
    }
    div128(gHi, gLo, p);
    qh = gHi;
    ql = gLo;
    if (gRem64 != 0) rest = true;
  }
  // the digits of q: above 2^64, as q / 10^19 and a 19-digit remainder
  const d0 = heapTop();
  if (qh == 0) {
    pushU64(ql, 0);
  } else {
    div128(qh, ql, TEN19);
    pushU64(gLo, 0);
    pushU64(gRem64, 19);
  }
  const n = <u32>(heapTop() - d0);
  let len = n;
  if (!rest) while (len > 0 && load<u8>(d0 + len - 1) == 48) len--;
  alloc(0);
  gDecPtr = d0;
  gDecLen = len;
  gDecExp = <i64>n - u;
  gDecMore = rest;
  return true;
}

/** Appends the decimal digits of x, left-padded with zeros to width digits. */
function pushU64(x: u64, width: i32): void {
  const d0 = heapTop();
  let k = 0;
  do {
    pushByte(48 + <u32>(x % 10));
    x /= 10;
    k++;
  } while (x != 0);
  while (k < width) {
    pushByte(48);
    k++;
  }
  reverseBytes(d0, heapTop());
}

function digitAt(p: usize, len: u32, i: u32): u32 {
  return i < len ? <u32>load<u8>(p + i) : 48;
}

/** Go's decimal rounding of (gDecPtr, gDecLen, gDecExp) to n digits: up, down or nearest even. */
function roundDown(n: u32): void {
  if (n >= gDecLen) return;
  gDecMore = false;
  gDecLen = n;
  while (gDecLen > 0 && load<u8>(gDecPtr + gDecLen - 1) == 48) gDecLen--;
}

function roundUp(n: u32): void {
  if (n >= gDecLen) return;
  gDecMore = false;
  while (n > 0 && load<u8>(gDecPtr + n - 1) >= 57) n--;
  if (n == 0) {
    store<u8>(gDecPtr, 49);
    gDecLen = 1;
    gDecExp++;
    return;
  }
  store<u8>(gDecPtr + n - 1, load<u8>(gDecPtr + n - 1) + 1);
  gDecLen = n;
}

function roundNearest(n: u32): void {
  if (n >= gDecLen) return;
  const c = load<u8>(gDecPtr + n);
  let up: bool;
  if (c == 53 && n + 1 == gDecLen && !gDecMore) up = n > 0 && ((load<u8>(gDecPtr + n - 1) - 48) & 1) != 0;
  else up = c >= 53;
  if (up) roundUp(n);
  else roundDown(n);
}

/** Go's roundShortest: the fewest digits that still read back as x at x's precision. */
function roundShortest(x: usize): void {
  const prec = gfPrec(x);
  const mant = gfMant(x);
  const s = <i32>natBitLen(mant) - <i32>(prec + 1);
  const m2 = s < 0 ? natShl(mant, <u32>-s) : natShr(mant, <u32>s);
  const e2 = gfExp(x) + <i64>s;
  const dPtr = gDecPtr, dLen = gDecLen, dExp = gDecExp, dMore = gDecMore;
  toDecimal(natSubSmall(m2, 1), e2);
  const lPtr = gDecPtr, lLen = gDecLen, lMore = gDecMore;
  toDecimal(natAddSmall(m2, 1), e2);
  const uPtr = gDecPtr, uLen = gDecLen, uMore = gDecMore;
  gDecPtr = dPtr;
  gDecLen = dLen;
  gDecExp = dExp;
  gDecMore = dMore;
  const inclusive = !natBit(m2, 1);
  for (let i: u32 = 0; i < dLen; i++) {
    const m = <u32>load<u8>(dPtr + i);
    const l = digitAt(lPtr, lLen, i);
    const u = digitAt(uPtr, uLen, i);
    const okdown = l != m || (inclusive && !lMore && i + 1 == lLen);
    const okup = m != u && (inclusive || m + 1 < u || uMore || i + 1 < uLen);
    if (okdown && okup) {
      roundNearest(i + 1);
      return;
    }
    if (okdown) {
      roundDown(i + 1);
      return;
    }
    if (okup) {
      roundUp(i + 1);
      return;
    }
  }
}

function pushExp(exp: i64): void {
  if (exp < 0) {
    pushByte(45);
    exp = -exp;
  } else {
    pushByte(43);
  }
  if (exp < 10) pushByte(48);
  pushUint(<u64>exp);
}

/** %f with prec fraction digits of the current decimal. */
function pushF(prec: i64): void {
  const e = gDecExp;
  if (e > 0) {
    const m: u32 = <i64>gDecLen < e ? gDecLen : <u32>e;
    pushBytes(gDecPtr, m);
    for (let i = <i64>m; i < e; i++) pushByte(48);
  } else {
    pushByte(48);
  }
  if (prec > 0) {
    pushByte(46);
    for (let i: i64 = 0; i < prec; i++) {
      const j = e + i;
      pushByte(j >= 0 && j < <i64>gDecLen ? load<u8>(gDecPtr + <u32>j) : 48);
    }
  }
}

/** %e with prec digits after the point. */
function pushE(prec: i64): void {
  pushByte(gDecLen > 0 ? load<u8>(gDecPtr) : 48);
  if (prec > 0) {
    pushByte(46);
    let i: i64 = 1;
    const m: i64 = <i64>gDecLen < prec + 1 ? <i64>gDecLen : prec + 1;
    for (; i < m; i++) pushByte(load<u8>(gDecPtr + <u32>i));
    for (; i <= prec; i++) pushByte(48);
  }
  pushByte(101);
  pushExp(gDecLen > 0 ? gDecExp - 1 : 0);
}

/**
 * Appends Go's x.Text(format, -1) at the heap top: format 102 ('f') or 103 ('g'), shortest digits
 * for x's precision. Returns the address of the text's first byte.
 */
export function gfPushText(x: usize, format: u32): usize {
  // The decimal conversions put their digits on the heap first; the text goes after them.
  let dPtr: usize = 0, dLen: u32 = 0, dExp: i64 = 0;
  pow5K = -1;
  if (!gfIsZero(x)) {
    toDecimal(gfMant(x), gfExp(x));
    roundShortest(x);
    dPtr = gDecPtr;
    dLen = gDecLen;
    dExp = gDecExp;
  }
  gDecPtr = dPtr;
  gDecLen = dLen;
  gDecExp = dExp;
  const start = heapTop();
  if (gfNeg(x)) pushByte(45);
  if (format == 102) {
    const p = <i64>dLen - dExp;
    pushF(p > 0 ? p : 0);
  } else {
    const exp = dExp - 1;
    if (dLen > 0 && (exp < -4 || exp >= 6)) {
      pushE(<i64>dLen - 1);
    } else {
      const p = <i64>dLen - dExp;
      pushF(p > 0 ? p : 0);
    }
  }
  return start;
}

/** OPA's FloatToNumber text: 'f' for an integral value, 'g' otherwise. */
export function gfPushNumberText(x: usize): usize {
  return gfPushText(x, gfIsInt(x) ? 102 : 103);
}
