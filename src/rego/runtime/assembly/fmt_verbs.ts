// Go's fmt verbs for the operand kinds OPA's sprintf passes to fmt.Sprintf: int (int64), float64,
// string and *big.Int. An operand is a 16-byte slot: kind u32 at 0, byte length u32 at 4, then the
// i64, the f64 or the address of the UTF-8 text (string; big integer decimal digits with sign).
import { heapTop, pushByte, pushBytes, pushStatic, pushCodePoint, reverseBytes, setHeapTop } from "./heap";
import {
  fMinus, fPlus, fSharp, fSpace, fZero, fPlusV, fSharpV, wid, widPresent, prec, precPresent, setZero,
  pushPadding, insertPadding, insertFill, padSince,
} from "./fmt_state";
import { pushFloatBody } from "./fmt_float";
import { pushGoQuoted, pushGoQuotedRune, canBackquote, validRune } from "./fmt_quote";
import { isPrint } from "./unicode";
import { byteOffset } from "./bi_common";

export const K_INT: u32 = 1;
export const K_FLOAT: u32 = 2;
export const K_STRING: u32 = 3;
export const K_BIG: u32 = 4;

const LOWER: string = "0123456789abcdefx";
const UPPER: string = "0123456789ABCDEFX";
const TAIL: usize = memory.data(16);

export function argKind(a: usize): u32 {
  return load<u32>(a);
}

function argLen(a: usize): u32 {
  return load<u32>(a, 4);
}

function argPtr(a: usize): usize {
  return load<u32>(a, 8);
}

export function argInt(a: usize): i64 {
  return load<i64>(a, 8);
}

export function pushTypeName(a: usize): void {
  const k = argKind(a);
  pushStatic(k == K_INT ? "int" : k == K_FLOAT ? "float64" : k == K_STRING ? "string" : "*big.Int");
}

function badVerb(a: usize, verb: u32): void {
  pushStatic("%!");
  pushCodePoint(verb);
  pushByte(40);
  pushTypeName(a);
  pushByte(61);
  printArg(a, 118);
  pushByte(41);
}

/** Go's fmt.fmtInteger. */
function fmtInteger(u: u64, negative: bool, base: u32, verb: u32, digits: string): void {
  const start = heapTop();
  let precision: i32 = 0;
  if (precPresent) {
    precision = prec;
    if (precision == 0 && u == 0) {
      const z = fZero;
      setZero(false);
      pushPadding(wid);
      setZero(z);
      return;
    }
  } else if (fZero && !fMinus && widPresent) {
    precision = wid;
    if (negative || fPlus || fSpace) precision--;
  }
  if (negative) pushByte(45);
  else if (fPlus) pushByte(43);
  else if (fSpace) pushByte(32);
  if (verb == 79) {
    pushByte(48);
    pushByte(111);
  }
  // digits, reversed, then put in order
  const d0 = heapTop();
  let x = u;
  do {
    pushByte(<u32>digits.charCodeAt(<i32>(x % base)));
    x /= base;
  } while (x != 0);
  const nd = <i32>(heapTop() - d0);
  for (let i = nd; i < precision; i++) pushByte(48);
  reverseBytes(d0, heapTop());
  if (fSharp) {
    const lead = load<u8>(d0);
    const at = heapTop();
    if (base == 2) {
      pushByte(48);
      pushByte(98);
    } else if (base == 8 && lead != 48) {
      pushByte(48);
    } else if (base == 16) {
      pushByte(48);
      pushByte(<u32>digits.charCodeAt(16));
    }
    // rotate the prefix in front of the digits
    const n = heapTop() - at;
    if (n > 0) {
      const len = at - d0;
      pushBytes(d0, len);
      memory.copy(d0, at, heapTop() - at);
      setHeapTop(at + n);
    }
  }
  const z = fZero;
  setZero(false);
  padSince(start);
  setZero(z);
}

function fmtUnicode(u: u64): void {
  const start = heapTop();
  let precision: i32 = 4;
  if (precPresent && prec > 4) precision = prec;
  pushByte(85);
  pushByte(43);
  const d0 = heapTop();
  let x = u;
  let nd: i32 = 0;
  do {
    pushByte(<u32>UPPER.charCodeAt(<i32>(x & 15)));
    x >>= 4;
    nd++;
  } while (x != 0);
  for (let k = nd; k < precision; k++) pushByte(48);
  reverseBytes(d0, heapTop());
  if (fSharp && u <= 0x10ffff && isPrint(<u32>u)) {
    pushByte(32);
    pushByte(39);
    pushCodePoint(<u32>u);
    pushByte(39);
  }
  const z = fZero;
  setZero(false);
  padSince(start);
  setZero(z);
}

function printInt(a: usize, verb: u32): void {
  const v = argInt(a);
  const u = <u64>v;
  const neg = v < 0;
  const mag = neg ? <u64>0 - u : u;
  if (verb == 118 || verb == 100) {
    fmtInteger(mag, neg, 10, verb, LOWER);
  } else if (verb == 98) {
    fmtInteger(mag, neg, 2, verb, LOWER);
  } else if (verb == 111 || verb == 79) {
    fmtInteger(mag, neg, 8, verb, LOWER);
  } else if (verb == 120) {
    fmtInteger(mag, neg, 16, verb, LOWER);
  } else if (verb == 88) {
    fmtInteger(mag, neg, 16, verb, UPPER);
  } else if (verb == 99) {
    const start = heapTop();
    pushCodePoint(u <= 0x10ffff && validRune(<u32>u) ? <u32>u : 0xfffd);
    padSince(start);
  } else if (verb == 113 && u <= 0x10ffff) {
    const start = heapTop();
    pushGoQuotedRune(<u32>u, fPlus);
    padSince(start);
  } else if (verb == 85) {
    fmtUnicode(u);
  } else {
    badVerb(a, verb);
  }
}

/** Go's fmt.fmtFloat with strconv verb `verb` and default precision `precision`. */
function fmtFloat(v: f64, verb: u32, precision: i32): void {
  if (precPresent) precision = prec;
  const start = heapTop();
  const neg = (reinterpret<u64>(v) >> 63) != 0;
  let sign: u32 = neg ? 45 : 43;
  if (fSpace && sign == 43 && !fPlus) sign = 32;
  pushByte(sign);
  if (v != v || v == Infinity || v == -Infinity) {
    pushStatic(v != v ? "NaN" : "Inf");
    if (v != v && !fSpace && !fPlus) {
      memory.copy(start, start + 1, 3);
      setHeapTop(start + 3);
    }
    const z = fZero;
    setZero(false);
    padSince(start);
    setZero(z);
    return;
  }
  const body = heapTop();
  pushFloatBody(neg ? -v : v, verb, precision);
  if (fSharp && verb != 98) sharpFloat(body, verb, precision);
  if (fPlus || sign != 43) {
    const len = <i32>(heapTop() - start);
    if (fZero && !fMinus && widPresent && wid > len) {
      insertPadding(start + 1, wid - len);
      return;
    }
    padSince(start);
    return;
  }
  memory.copy(start, start + 1, heapTop() - start - 1);
  setHeapTop(heapTop() - 1);
  padSince(start);
}

/** The '#' flag for floats: always a decimal point, and trailing zeros for %g / %x. */
function sharpFloat(body: usize, verb: u32, precision: i32): void {
  let digits: i32 = 0;
  if (verb == 103 || verb == 71 || verb == 120) digits = precision == -1 ? 6 : precision;
  let end = heapTop();
  let tailLen: usize = 0;
  let hasPoint = false;
  let sawNonzero = false;
  for (let p = body; p < end; p++) {
    const c = <u32>load<u8>(p);
    if (c == 46) {
      hasPoint = true;
    } else if (c == 112 || c == 80 || ((c == 101 || c == 69) && verb != 120 && verb != 88)) {
      tailLen = end - p;
      memory.copy(TAIL, p, tailLen);
      end = p;
      break;
    } else {
      if (c != 48) sawNonzero = true;
      if (sawNonzero) digits--;
    }
  }
  setHeapTop(end);
  if (!hasPoint) {
    if (end - body == 1 && load<u8>(body) == 48) digits--;
    pushByte(46);
  }
  for (; digits > 0; digits--) pushByte(48);
  pushBytes(TAIL, tailLen);
}

function printFloat(a: usize, verb: u32): void {
  const v = load<f64>(a, 8);
  if (verb == 118) fmtFloat(v, 103, -1);
  else if (verb == 98 || verb == 103 || verb == 71 || verb == 120 || verb == 88) fmtFloat(v, fSharpV ? 103 : verb, -1);
  else if (verb == 102 || verb == 101 || verb == 69) fmtFloat(v, verb, 6);
  else if (verb == 70) fmtFloat(v, 102, 6);
  else badVerb(a, verb);
}

/** Byte length of the first `prec` code points when a precision is present. */
function truncated(p: usize, n: u32): u32 {
  return precPresent && prec >= 0 ? byteOffset(p, n, <u32>prec) : n;
}

function fmtS(p: usize, n: u32): void {
  const start = heapTop();
  pushBytes(p, truncated(p, n));
  padSince(start);
}

function fmtQ(p: usize, n: u32): void {
  const start = heapTop();
  const m = truncated(p, n);
  if (fSharp && canBackquote(p, m)) {
    pushByte(96);
    pushBytes(p, m);
    pushByte(96);
  } else {
    pushGoQuoted(p, m, fPlus);
  }
  padSince(start);
}

function fmtSx(p: usize, n: u32, digits: string): void {
  let length = <i32>n;
  if (precPresent && prec < length) length = prec;
  let width = 2 * length;
  if (width > 0) {
    if (fSpace) {
      if (fSharp) width *= 2;
      width += length - 1;
    } else if (fSharp) {
      width += 2;
    }
  } else {
    if (widPresent) pushPadding(wid);
    return;
  }
  if (widPresent && wid > width && !fMinus) pushPadding(wid - width);
  if (fSharp) {
    pushByte(48);
    pushByte(<u32>digits.charCodeAt(16));
  }
  for (let i = 0; i < length; i++) {
    if (fSpace && i > 0) {
      pushByte(32);
      if (fSharp) {
        pushByte(48);
        pushByte(<u32>digits.charCodeAt(16));
      }
    }
    const c = <i32>load<u8>(p + i);
    pushByte(<u32>digits.charCodeAt(c >> 4));
    pushByte(<u32>digits.charCodeAt(c & 15));
  }
  if (widPresent && wid > width && fMinus) pushPadding(wid - width);
}

function printString(a: usize, verb: u32): void {
  const p = argPtr(a), n = argLen(a);
  if (verb == 118) {
    if (fSharpV) fmtQ(p, n);
    else fmtS(p, n);
  } else if (verb == 115) fmtS(p, n);
  else if (verb == 120) fmtSx(p, n, LOWER);
  else if (verb == 88) fmtSx(p, n, UPPER);
  else if (verb == 113) fmtQ(p, n);
  else badVerb(a, verb);
}

/** Appends the magnitude of decimal digits (p, n) in base 2, 8 or 16. */
function pushBaseDigits(p: usize, n: u32, base: u32, digits: string): void {
  const s = heapTop();
  for (let i: u32 = 0; i < n; i++) pushByte(<u32>load<u8>(p + i) - 48);
  const out = heapTop();
  let first: u32 = 0;
  while (first < n) {
    let rem: u32 = 0;
    for (let i = first; i < n; i++) {
      const cur = rem * 10 + <u32>load<u8>(s + i);
      store<u8>(s + i, <u8>(cur / base));
      rem = cur % base;
    }
    pushByte(<u32>digits.charCodeAt(<i32>rem));
    while (first < n && load<u8>(s + first) == 0) first++;
  }
  const len = heapTop() - out;
  for (let i: usize = 0; i < len / 2; i++) {
    const t = load<u8>(out + i);
    store<u8>(out + i, load<u8>(out + len - 1 - i));
    store<u8>(out + len - 1 - i, t);
  }
  memory.copy(s, out, len);
  setHeapTop(s + len);
}

/** (*big.Int).Format. */
function printBig(a: usize, verb: u32): void {
  let p = argPtr(a);
  let n = argLen(a);
  let base: u32 = 0;
  if (verb == 98) base = 2;
  else if (verb == 111 || verb == 79) base = 8;
  else if (verb == 100 || verb == 115 || verb == 118) base = 10;
  else if (verb == 120 || verb == 88) base = 16;
  if (base == 0) {
    pushStatic("%!");
    pushCodePoint(verb);
    pushStatic("(big.Int=");
    pushBytes(p, n);
    pushByte(41);
    return;
  }
  const neg = load<u8>(p) == 45;
  if (neg) {
    p++;
    n--;
  }
  const start = heapTop();
  if (neg) pushByte(45);
  else if (fPlus || fPlusV) pushByte(43);
  else if (fSpace) pushByte(32);
  if (verb == 79) {
    pushStatic("0o");
  } else if (fSharp || fSharpV) {
    if (verb == 98) pushStatic("0b");
    else if (verb == 111) pushByte(48);
    else if (verb == 120) pushStatic("0x");
    else if (verb == 88) pushStatic("0X");
  }
  const d0 = heapTop();
  if (base == 10) pushBytes(p, n);
  else pushBaseDigits(p, n, base, verb == 88 ? UPPER : LOWER);
  const nd = <i32>(heapTop() - d0);
  let zeros: i32 = 0;
  if (precPresent && nd < prec) zeros = prec - nd;
  const length = <i32>(d0 - start) + zeros + nd;
  let left: i32 = 0;
  let right: i32 = 0;
  if (widPresent && length < wid) {
    const d = wid - length;
    if (fMinus) right = d;
    else if (fZero && !precPresent) zeros = d;
    else left = d;
  }
  insertFill(d0, zeros, 48);
  insertFill(start, left, 32);
  for (let i = 0; i < right; i++) pushByte(32);
}

/** Formats operand a with the verb under the current flags (Go's printArg). */
export function printArg(a: usize, verb: u32): void {
  const k = argKind(a);
  if (verb == 84) {
    const start = heapTop();
    pushTypeName(a);
    const n = <u32>(heapTop() - start);
    setHeapTop(start + truncated(start, n));
    padSince(start);
    return;
  }
  if (verb == 112) return badVerb(a, verb);
  if (k == K_INT) printInt(a, verb);
  else if (k == K_FLOAT) printFloat(a, verb);
  else if (k == K_STRING) printString(a, verb);
  else printBig(a, verb);
}
