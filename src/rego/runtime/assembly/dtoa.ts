// Shortest round-trip decimal digits of an f64 (free-format algorithm of Steele & White /
// Burger & Dybvig, on exact big integers), formatted as Go's strconv.FormatFloat 'g' does.
import { bn, bnSetU64, bnShl, bnMulPow10, bnMulSmall, bnAdd, bnSub, bnCmp, bnCopy } from "./bignum";
import { pushByte } from "./heap";
import { f64Mantissa, f64Exponent } from "./f64_parts";

const DIGITS: usize = memory.data(24);

let decimalPoint: i32 = 0;

/**
 * Appends the shortest round-trip digits of the positive finite v at the heap top; returns their
 * count and sets the decimal point (lastDecimalPoint) so that v = 0.d1d2...dn × 10^point.
 */
export function pushShortestDigits(v: f64): i32 {
  const n = shortestDigits(v);
  for (let i = 0; i < n; i++) pushByte(load<u8>(DIGITS + i));
  return n;
}

/** The decimal point of the last pushShortestDigits. */
export function lastDecimalPoint(): i32 {
  return decimalPoint;
}

/**
 * Writes the shortest digits of the positive finite v into DIGITS; returns the count and sets
 * `decimalPoint` so that v = 0.d1d2...dn × 10^decimalPoint.
 */
function shortestDigits(v: f64): i32 {
  const bits = reinterpret<u64>(v);
  const f = f64Mantissa(bits);
  const e = f64Exponent(bits);
  const even = (f & 1) == 0;
  const R = bn(0), S = bn(1), MP = bn(2), MM = bn(3), T = bn(4);
  const unequal = f == 0x10000000000000 && e > -1074;
  if (e >= 0) {
    if (!unequal) {
      bnSetU64(R, f); bnShl(R, <u32>e + 1);
      bnSetU64(S, 2);
      bnSetU64(MP, 1); bnShl(MP, <u32>e);
      bnSetU64(MM, 1); bnShl(MM, <u32>e);
    } else {
      bnSetU64(R, f); bnShl(R, <u32>e + 2);
      bnSetU64(S, 4);
      bnSetU64(MP, 1); bnShl(MP, <u32>e + 1);
      bnSetU64(MM, 1); bnShl(MM, <u32>e);
    }
  } else {
    if (!unequal) {
      bnSetU64(R, f); bnShl(R, 1);
      bnSetU64(S, 1); bnShl(S, <u32>(1 - e));
      bnSetU64(MP, 1);
      bnSetU64(MM, 1);
    } else {
      bnSetU64(R, f); bnShl(R, 2);
      bnSetU64(S, 1); bnShl(S, <u32>(2 - e));
      bnSetU64(MP, 2);
      bnSetU64(MM, 1);
    }
  }
  let k = <i32>Math.ceil(Math.log10(v) - 1e-10);
  if (k >= 0) {
    bnMulPow10(S, <u32>k);
  } else {
    bnMulPow10(R, <u32>-k);
    bnMulPow10(MP, <u32>-k);
    bnMulPow10(MM, <u32>-k);
  }
  // Fix the estimate: we need (r + m+) / s < 1 (or <= 1 when the high bound is exclusive).
  bnAdd(T, R, MP);
  const c0 = bnCmp(T, S);
  if (even ? c0 >= 0 : c0 > 0) {
    bnMulSmall(S, 10);
    k++;
  }
  let n: i32 = 0;
  while (true) {
    bnMulSmall(R, 10);
    bnMulSmall(MP, 10);
    bnMulSmall(MM, 10);
    let d: u32 = 0;
    while (bnCmp(R, S) >= 0) {
      bnSub(R, S);
      d++;
    }
    const cl = bnCmp(R, MM);
    const tc1 = even ? cl <= 0 : cl < 0;
    bnAdd(T, R, MP);
    const ch = bnCmp(T, S);
    const tc2 = even ? ch >= 0 : ch > 0;
    if (!tc1 && !tc2) {
      store<u8>(DIGITS + n++, <u8>(48 + d));
      if (n >= 20) break;
      continue;
    }
    if (tc1 && tc2) {
      bnCopy(T, R);
      bnShl(T, 1);
      const c = bnCmp(T, S);
      if (c > 0 || (c == 0 && (d & 1) == 1)) d++; // ties go to the even digit, as in JavaScript
    } else if (tc2) {
      d++;
    }
    store<u8>(DIGITS + n++, <u8>(48 + d));
    break;
  }
  decimalPoint = k;
  return n;
}

/**
 * Appends Go's strconv.FormatFloat(v, 'g', -1, 64) at the heap top: the shortest digits, in
 * exponent form (at least two exponent digits) below 1e-4 and from 1e6 on (Go's 'g' decides with
 * precision 6 for shortest output). This is the text OPA gives a float64 (ast.FloatNumberTerm).
 */
export function pushF64G(v: f64): void {
  if (v != v) {
    pushStaticAscii("NaN");
    return;
  }
  if (v < 0 || (v == 0 && 1 / v < 0)) {
    pushByte(45);
    v = -v;
  } else if (v == Infinity) {
    pushByte(43);
  }
  if (v == Infinity) {
    pushStaticAscii("Inf");
    return;
  }
  if (v == 0) {
    pushByte(48);
    return;
  }
  const n = shortestDigits(v);
  const k = decimalPoint;
  const exp = k - 1;
  if (exp < -4 || exp >= 6) {
    pushByte(load<u8>(DIGITS));
    if (n > 1) {
      pushByte(46);
      for (let i = 1; i < n; i++) pushByte(load<u8>(DIGITS + i));
    }
    pushByte(101);
    let x = exp;
    if (x < 0) {
      pushByte(45);
      x = -x;
    } else {
      pushByte(43);
    }
    if (x < 10) pushByte(48);
    pushUint(<u64>x);
    return;
  }
  // %f with n - k fraction digits
  if (k > 0) {
    for (let i = 0; i < k; i++) pushByte(i < n ? load<u8>(DIGITS + i) : 48);
  } else {
    pushByte(48);
  }
  if (n > k) {
    pushByte(46);
    for (let i = k; i < n; i++) pushByte(i >= 0 ? load<u8>(DIGITS + i) : 48);
  }
}

function pushStaticAscii(s: string): void {
  for (let i = 0; i < s.length; i++) pushByte(<u32>s.charCodeAt(i));
}

/** Appends a decimal unsigned integer. */
export function pushUint(x: u64): void {
  const buf = DIGITS;
  let n = 0;
  do {
    store<u8>(buf + n++, <u8>(48 + <u32>(x % 10)));
    x /= 10;
  } while (x != 0);
  while (n > 0) pushByte(load<u8>(buf + --n));
}

/** Appends a decimal signed integer. */
export function pushInt(x: i64): void {
  if (x < 0) {
    pushByte(45);
    pushUint(<u64>(-(x + 1)) + 1);
  } else {
    pushUint(<u64>x);
  }
}
