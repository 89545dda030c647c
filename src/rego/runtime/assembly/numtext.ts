// Number text as OPA holds it (ast.Number is the text of a json.Number): scanning, exact order,
// integer tests. Texts follow Go's strconv.ParseFloat decimal grammar, a superset of JSON's that
// to_number can produce: [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?.
//
// A scan fills a record (static memory, no heap): sign, the mantissa's place in the text, the
// decimal point, the exponent, and the significant digits (first to last non-zero digit), with
// `point` such that the value is 0.d1d2...dn × 10^point. Exponents are clamped to ±EXP_CLAMP,
// far beyond any number the runtime computes with (a difference between two exponents beyond it is
// not seen).

export const EXP_CLAMP: i64 = 1000000000000000;

/**
 * Bound on the digits the runtime computes with: integers of up to MAX_DIGITS digits, and floats
 * written with up to MAX_DIGITS mantissa digits and a decimal exponent within ±MAX_DIGITS.
 * Beyond it arithmetic reports "number too large" (OPA has no bound; the cost is quadratic).
 * Comparison and JSON have no bound.
 */
export const MAX_DIGITS: i64 = 5000;

// Record layout (48 bytes).
const R_VALID = 0; // u8
const R_NEG = 1; // u8
const R_PTR = 4; // u32 text address
const R_MSTART = 8; // u32 first mantissa byte offset
const R_MEND = 12; // u32 offset after the mantissa
const R_DOT = 16; // i32 offset of '.', -1 if none
const R_FIRST = 20; // i32 offset of the first significant digit, -1 if the value is zero
const R_NSIG = 24; // u32 number of significant digits
const R_EXP = 32; // i64 exponent written after e/E
const R_POINT = 40; // i64 decimal point position of the significant digits

/** Two scratch records for the operands of a comparison or operation, and one spare. */
export const REC_A: usize = memory.data(48, 8);
export const REC_B: usize = memory.data(48, 8);
export const REC_C: usize = memory.data(48, 8);

// @ts-ignore: decorator
@inline function isDigit(c: u32): bool {
  return c - 48 < 10;
}

export function recValid(r: usize): bool {
  return load<u8>(r, R_VALID) != 0;
}
export function recNeg(r: usize): bool {
  return load<u8>(r, R_NEG) != 0;
}
export function recPtr(r: usize): usize {
  return load<u32>(r, R_PTR);
}
export function recMantEnd(r: usize): u32 {
  return load<u32>(r, R_MEND);
}
export function recDot(r: usize): i32 {
  return load<i32>(r, R_DOT);
}
export function recIsZero(r: usize): bool {
  return load<i32>(r, R_FIRST) < 0;
}
export function recNsig(r: usize): u32 {
  return load<u32>(r, R_NSIG);
}
export function recExp(r: usize): i64 {
  return load<i64>(r, R_EXP);
}
export function recPoint(r: usize): i64 {
  return load<i64>(r, R_POINT);
}
/** Offset of the first significant digit (the value must be non-zero). */
export function recFirst(r: usize): u32 {
  return <u32>load<i32>(r, R_FIRST);
}

/** Number of mantissa digits after the decimal point. */
export function recFracDigits(r: usize): u32 {
  const d = recDot(r);
  return d < 0 ? 0 : recMantEnd(r) - <u32>d - 1;
}

/** Significant digit k (0-based) as a value 0..9; 0 beyond the last. */
export function recDigit(r: usize, k: u32): u32 {
  if (k >= recNsig(r)) return 0;
  let i = recFirst(r) + k;
  const d = recDot(r);
  if (d > <i32>recFirst(r) && i >= <u32>d) i++;
  return <u32>load<u8>(recPtr(r) + i) - 48;
}

/** Scans number text into record r; returns whether it is valid. */
export function scanNumber(r: usize, p: usize, n: u32): bool {
  store<u8>(r, 0, R_VALID);
  store<u32>(r, <u32>p, R_PTR);
  let i: u32 = 0;
  let neg = false;
  if (i < n) {
    const c = load<u8>(p);
    if (c == 45 || c == 43) {
      neg = c == 45;
      i++;
    }
  }
  store<u8>(r, neg ? 1 : 0, R_NEG);
  const ms = i;
  let dot: i32 = -1;
  let digits: u32 = 0;
  let first: i32 = -1;
  let last: i32 = -1;
  for (; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (isDigit(c)) {
      digits++;
      if (c != 48) {
        if (first < 0) first = <i32>i;
        last = <i32>i;
      }
    } else if (c == 46 && dot < 0) {
      dot = <i32>i;
    } else {
      break;
    }
  }
  if (digits == 0) return false;
  const me = i;
  let exp: i64 = 0;
  if (i < n) {
    const c = load<u8>(p + i);
    if (c != 101 && c != 69) return false;
    i++;
    let eneg = false;
    if (i < n && (load<u8>(p + i) == 43 || load<u8>(p + i) == 45)) {
      eneg = load<u8>(p + i) == 45;
      i++;
    }
    if (i >= n) return false;
    for (; i < n; i++) {
      const c = <u32>load<u8>(p + i);
      if (!isDigit(c)) return false;
      if (exp < EXP_CLAMP) exp = exp * 10 + <i64>(c - 48);
    }
    if (exp > EXP_CLAMP) exp = EXP_CLAMP;
    if (eneg) exp = -exp;
  }
  store<u32>(r, ms, R_MSTART);
  store<u32>(r, me, R_MEND);
  store<i32>(r, dot, R_DOT);
  store<i32>(r, first, R_FIRST);
  store<i64>(r, exp, R_EXP);
  if (first >= 0) {
    let nsig = <u32>(last - first + 1);
    if (dot > first && dot < last) nsig--;
    store<u32>(r, nsig, R_NSIG);
    // digits between the first significant digit and the point
    const pointAt = dot >= 0 ? dot : <i32>me;
    const before = first < pointAt ? <i64>(pointAt - first) : -<i64>(first - pointAt - 1);
    store<i64>(r, before + exp, R_POINT);
  } else {
    store<u32>(r, 0, R_NSIG);
    store<i64>(r, 0, R_POINT);
  }
  store<u8>(r, 1, R_VALID);
  return true;
}

/** Order of the magnitudes of two scanned non-zero numbers. */
function cmpMagnitude(a: usize, b: usize): i32 {
  const pa = recPoint(a);
  const pb = recPoint(b);
  if (pa != pb) return pa < pb ? -1 : 1;
  const na = recNsig(a);
  const nb = recNsig(b);
  const n = na < nb ? na : nb;
  for (let k: u32 = 0; k < n; k++) {
    const x = recDigit(a, k);
    const y = recDigit(b, k);
    if (x != y) return x < y ? -1 : 1;
  }
  // no trailing zeros: the longer one has a further non-zero digit
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Exact order of two scanned numbers (zero has no sign: -0 == 0). */
export function cmpScanned(a: usize, b: usize): i32 {
  const za = recIsZero(a);
  const zb = recIsZero(b);
  if (za && zb) return 0;
  if (za) return recNeg(b) ? 1 : -1;
  if (zb) return recNeg(a) ? -1 : 1;
  const na = recNeg(a);
  if (na != recNeg(b)) return na ? -1 : 1;
  const c = cmpMagnitude(a, b);
  return na ? -c : c;
}

/** Whether the scanned number has an integral value. */
export function recIsInteger(r: usize): bool {
  return recIsZero(r) || recPoint(r) >= <i64>recNsig(r);
}

/** Result of the last successful parseInt64 / recToI64. */
export let gI64: i64 = 0;

/**
 * Go's strconv.ParseInt(text, 10, 64), which is what OPA's Number.Int64 uses: an optional sign
 * and decimal digits only, within int64. Sets gI64.
 */
export function parseInt64(p: usize, n: u32): bool {
  let i: u32 = 0;
  let neg = false;
  if (n > 0) {
    const c = load<u8>(p);
    if (c == 45 || c == 43) {
      neg = c == 45;
      i = 1;
    }
  }
  if (i >= n) return false;
  let acc: u64 = 0;
  const limit: u64 = neg ? 9223372036854775808 : 9223372036854775807;
  for (; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (!isDigit(c)) return false;
    const d = <u64>(c - 48);
    if (acc > (limit - d) / 10) return false;
    acc = acc * 10 + d;
  }
  gI64 = neg ? <i64>(0 - acc) : <i64>acc;
  return true;
}

/** The integral value of a scanned number if it fits int64 (sets gI64). */
export function recToI64(r: usize): bool {
  if (recIsZero(r)) {
    gI64 = 0;
    return true;
  }
  if (!recIsInteger(r)) return false;
  const point = recPoint(r);
  if (point > 19) return false;
  const nsig = recNsig(r);
  const neg = recNeg(r);
  const limit: u64 = neg ? 9223372036854775808 : 9223372036854775807;
  let acc: u64 = 0;
  for (let k: u32 = 0; k < <u32>point; k++) {
    const d = <u64>(k < nsig ? recDigit(r, k) : 0);
    if (acc > (limit - d) / 10) return false;
    acc = acc * 10 + d;
  }
  gI64 = neg ? <i64>(0 - acc) : <i64>acc;
  return true;
}

/**
 * OPA's NumberCompare treats a text as a float for one shortcut when it has a decimal point and
 * Go's strings.TrimRight(text, ".0") removes something and leaves a decimal point.
 */
export function trailingZeroFloat(p: usize, n: u32): bool {
  if (n == 0) return false;
  const c = load<u8>(p + n - 1);
  if (c != 48 && c != 46) return false;
  let k = n;
  while (k > 0 && (load<u8>(p + k - 1) == 48 || load<u8>(p + k - 1) == 46)) k--;
  for (let i: u32 = 0; i < k; i++) if (load<u8>(p + i) == 46) return true;
  return false;
}

/** Whether the text contains '.', 'e' or 'E' (OPA's sprintf formats such a number as a float). */
export function floatText(p: usize, n: u32): bool {
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(p + i);
    if (c == 46 || c == 101 || c == 69) return true;
  }
  return false;
}
