// Go's strconv.FormatFloat(v, fmt, prec, 64) for the sprintf built-in: formats 'e' 'E' 'f' 'g'
// 'G' 'x' 'X' 'b' of |v| (the caller writes the sign). Fixed-precision digits are exact (big
// integers, ties to even), shortest digits come from dtoa.ts.
import { bn, bnSetU64, bnShl, bnMulPow10, bnMulSmall, bnSub, bnCmp, bnCopy, bnIsZero } from "./bignum";
import { pushShortestDigits, lastDecimalPoint, pushUint } from "./dtoa";
import { heapTop, pushByte, setHeapTop } from "./heap";
import { f64Mantissa, f64Exponent } from "./f64_parts";

const LOWER_HEX: string = "0123456789abcdef";
const UPPER_HEX: string = "0123456789ABCDEF";

/** Decimal point of the last digit generation (value = 0.d1d2… × 10^gDp). */
let gDp: i32 = 0;

/** Sets R = bn(0), S = bn(1) so that v = R/S × 10^k with 1/10 <= R/S < 1; returns k. */
function scale(v: f64): i32 {
  const bits = reinterpret<u64>(v);
  const e = f64Exponent(bits);
  const R = bn(0), S = bn(1);
  bnSetU64(R, f64Mantissa(bits));
  bnSetU64(S, 1);
  if (e >= 0) bnShl(R, <u32>e);
  else bnShl(S, <u32>-e);
  let k = <i32>Math.ceil(Math.log10(v));
  if (k >= 0) bnMulPow10(S, <u32>k);
  else bnMulPow10(R, <u32>-k);
  while (bnCmp(R, S) >= 0) {
    bnMulSmall(S, 10);
    k++;
  }
  while (true) {
    const T = bn(4);
    bnCopy(T, R);
    bnMulSmall(T, 10);
    if (bnCmp(T, S) >= 0) break;
    bnMulSmall(R, 10);
    k--;
  }
  return k;
}

/**
 * Appends the digits of positive finite v rounded (half to even) to `count` significant digits, or
 * to `count` digits after the decimal point when `fraction`; trailing zeros are dropped. Returns
 * the digit count and sets gDp.
 */
function pushFixedDigits(v: f64, count: i32, fraction: bool): i32 {
  let k = scale(v);
  const R = bn(0), S = bn(1), T = bn(4);
  const n: i32 = fraction ? k + count : count;
  const start = heapTop();
  if (n < 0) {
    gDp = k;
    return 0;
  }
  let i: i32 = 0;
  while (i < n && !bnIsZero(R)) {
    bnMulSmall(R, 10);
    let d: u32 = 0;
    while (bnCmp(R, S) >= 0) {
      bnSub(R, S);
      d++;
    }
    pushByte(48 + d);
    i++;
  }
  if (i == n) {
    bnCopy(T, R);
    bnShl(T, 1);
    const c = bnCmp(T, S);
    const lastOdd = n > 0 && (load<u8>(start + n - 1) & 1) == 1;
    if (c > 0 || (c == 0 && lastOdd)) {
      // round up: carry through trailing nines
      let j = n - 1;
      while (j >= 0 && load<u8>(start + j) == 57) {
        store<u8>(start + j, 48);
        j--;
      }
      if (j >= 0) {
        store<u8>(start + j, load<u8>(start + j) + 1);
      } else {
        if (n == 0) pushByte(48);
        store<u8>(start, 49);
        k++;
      }
    }
  }
  let nd = <i32>(heapTop() - start);
  while (nd > 0 && load<u8>(start + nd - 1) == 48) nd--;
  setHeapTop(start + nd);
  gDp = nd == 0 && !fraction ? 0 : k;
  return nd;
}

function digitAt(d: usize, nd: i32, i: i32): u32 {
  return i >= 0 && i < nd ? <u32>load<u8>(d + i) : 48;
}

function pushExponent(exp: i32, letter: u32, minDigits: i32): void {
  pushByte(letter);
  if (exp < 0) {
    pushByte(45);
    exp = -exp;
  } else {
    pushByte(43);
  }
  if (minDigits == 2 && exp < 10) pushByte(48);
  pushUint(<u64>exp);
}

/** %e: d.ddddde±dd from nd digits at d (decimal point dp). */
function pushE(d: usize, nd: i32, dp: i32, prec: i32, letter: u32): void {
  pushByte(nd == 0 ? 48 : load<u8>(d));
  if (prec > 0) {
    pushByte(46);
    for (let i = 1; i <= prec; i++) pushByte(digitAt(d, nd, i));
  }
  pushExponent(nd == 0 ? 0 : dp - 1, letter, 2);
}

/** %f: ddd.ddd from nd digits at d (decimal point dp). */
function pushF(d: usize, nd: i32, dp: i32, prec: i32): void {
  if (dp > 0) {
    for (let i = 0; i < dp; i++) pushByte(digitAt(d, nd, i));
  } else {
    pushByte(48);
  }
  if (prec > 0) {
    pushByte(46);
    for (let i = 0; i < prec; i++) pushByte(digitAt(d, nd, dp + i));
  }
}

/** %b: mantissa p exponent (decimal). */
function pushBinary(v: f64): void {
  const bits = reinterpret<u64>(v);
  let exp = <i32>((bits >> 52) & 0x7ff);
  let mant = bits & 0xfffffffffffff;
  if (exp == 0) exp++;
  else mant |= 0x10000000000000;
  exp += -1023 - 52;
  pushUint(mant);
  pushByte(112);
  if (exp >= 0) pushByte(43);
  else pushByte(45);
  pushUint(<u64>(exp < 0 ? -exp : exp));
}

/** %x / %X: 0x1.hhhhp±dd. */
function pushHex(v: f64, prec: i32, upper: bool): void {
  const bits = reinterpret<u64>(v);
  let exp = <i32>((bits >> 52) & 0x7ff);
  let mant = bits & 0xfffffffffffff;
  if (exp == 0) exp++;
  else mant |= 0x10000000000000;
  exp -= 1023;
  if (mant == 0) exp = 0;
  mant <<= 8; // leading bit at 1 << 60
  while (mant != 0 && (mant & (<u64>1 << 60)) == 0) {
    mant <<= 1;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = <u64>(prec * 4);
    const extra = (mant << shift) & ((<u64>1 << 60) - 1);
    mant >>= 60 - shift;
    if ((extra | (mant & 1)) > (<u64>1 << 59)) mant++;
    mant <<= 60 - shift;
    if ((mant & (<u64>1 << 61)) != 0) {
      mant >>= 1;
      exp++;
    }
  }
  const hex = upper ? UPPER_HEX : LOWER_HEX;
  pushByte(48);
  pushByte(upper ? 88 : 120);
  pushByte(48 + <u32>((mant >> 60) & 1));
  mant <<= 4;
  if (prec < 0 && mant != 0) {
    pushByte(46);
    while (mant != 0) {
      pushByte(<u32>hex.charCodeAt(<i32>((mant >> 60) & 15)));
      mant <<= 4;
    }
  } else if (prec > 0) {
    pushByte(46);
    for (let i = 0; i < prec; i++) {
      pushByte(<u32>hex.charCodeAt(<i32>((mant >> 60) & 15)));
      mant <<= 4;
    }
  }
  pushExponent(exp, upper ? 80 : 112, 2);
}

/**
 * Appends strconv.FormatFloat(v, verb, prec, 64) for finite v >= 0 (the sign is the caller's),
 * verb one of e E f g G x X b; prec < 0 means the shortest representation.
 */
export function pushFloatBody(v: f64, verb: u32, prec: i32): void {
  if (verb == 98) return pushBinary(v);
  if (verb == 120 || verb == 88) return pushHex(v, prec, verb == 88);
  const d = heapTop();
  let nd: i32;
  let dp: i32;
  const shortest = prec < 0;
  const isG = verb == 103 || verb == 71;
  if (v == 0) {
    nd = 0;
    dp = 0;
  } else if (shortest) {
    nd = pushShortestDigits(v);
    dp = lastDecimalPoint();
  } else if (verb == 102) {
    nd = pushFixedDigits(v, prec, true);
    dp = gDp;
  } else {
    nd = pushFixedDigits(v, isG ? (prec == 0 ? 1 : prec) : prec + 1, false);
    dp = gDp;
  }
  if (shortest) {
    if (verb == 101 || verb == 69) prec = nd > 0 ? nd - 1 : 0;
    else if (verb == 102) prec = nd - dp > 0 ? nd - dp : 0;
    else prec = nd;
  } else if (isG && prec == 0) {
    prec = 1;
  }
  const out = heapTop();
  if (verb == 101 || verb == 69) {
    pushE(d, nd, dp, prec, verb);
  } else if (verb == 102) {
    pushF(d, nd, dp, prec);
  } else {
    let eprec = prec;
    if (eprec > nd && nd >= dp) eprec = nd;
    if (shortest) eprec = 6;
    const exp = dp - 1;
    if (exp < -4 || exp >= eprec) {
      if (prec > nd) prec = nd;
      pushE(d, nd, dp, prec - 1, verb == 103 ? 101 : 69);
    } else {
      if (prec > dp) prec = nd;
      pushF(d, nd, dp, prec - dp > 0 ? prec - dp : 0);
    }
  }
  // move the text down over the digits
  const len = heapTop() - out;
  memory.copy(d, out, len);
  setHeapTop(d + len);
}

