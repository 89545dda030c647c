// Numbers as OPA holds them: the text of a JSON number (a "ref", kept verbatim from input, data
// and literals, and produced by arithmetic) or, as a fast path, an exact i64 whose text is its
// decimal form. Order is exact (OPA's ast.NumberCompare); see README.md ("Numbers").
import { textToF64, recToF64, gF64Overflow } from "./atof";
import {
  REC_A, REC_B, scanNumber, cmpScanned, parseInt64, recToI64, gI64, trailingZeroFloat,
} from "./numtext";
import { heapTop, setHeapTop } from "./heap";
import { tagOf, numKind, lenOf, strPtr, intValue, floatValue, T_NUMBER, N_INT } from "./value";

export { textToF64 };

/** Result of the last successful toInt / exactInt / floatToInt. */
export let gInt: i64 = 0;

/** Checks number text (JSON grammar); returns false if it is not a number. */
export function validNumberText(p: usize, n: u32): bool {
  let i: u32 = 0;
  if (i < n && load<u8>(p + i) == 45) i++;
  if (i >= n) return false;
  let c = load<u8>(p + i);
  if (c == 48) {
    i++;
  } else if (c >= 49 && c <= 57) {
    while (i < n && load<u8>(p + i) >= 48 && load<u8>(p + i) <= 57) i++;
  } else {
    return false;
  }
  if (i < n && load<u8>(p + i) == 46) {
    i++;
    const s = i;
    while (i < n && load<u8>(p + i) >= 48 && load<u8>(p + i) <= 57) i++;
    if (i == s) return false;
  }
  return exponentEnds(p, n, i);
}

/** True if the text (p, n) from i on is an optional exponent ("e"/"E", sign, digits) and nothing more. */
export function exponentEnds(p: usize, n: u32, i: u32): bool {
  if (i < n && (load<u8>(p + i) | 32) == 101) {
    i++;
    if (i < n && (load<u8>(p + i) == 43 || load<u8>(p + i) == 45)) i++;
    const s = i;
    while (i < n && load<u8>(p + i) >= 48 && load<u8>(p + i) <= 57) i++;
    if (i == s) return false;
  }
  return i == n;
}

/** Whether f is integral and exactly representable as i64 (sets gInt). */
export function floatToInt(f: f64): bool {
  if (f != Math.floor(f)) return false;
  if (f >= 9223372036854775808.0 || f < -9223372036854775808.0) return false;
  gInt = <i64>f;
  return true;
}

/**
 * Whether the number v has an integral value that fits i64, in any form (1, 1.0, 1e3); sets
 * gInt. This is how OPA's BigIntOperand and NumberToInt read a number.
 */
export function toInt(v: usize): bool {
  const k = numKind(v);
  if (k == N_INT) {
    gInt = load<i64>(v, 8);
    return true;
  }
  const p = strPtr(v), n = lenOf(v);
  if (parseInt64(p, n)) {
    gInt = gI64;
    return true;
  }
  if (!scanNumber(REC_A, p, n) || !recToI64(REC_A)) return false;
  gInt = gI64;
  return true;
}

/** The number v as the nearest f64 (Go's ParseFloat; ±Inf beyond its range). */
export function toF64(v: usize): f64 {
  const k = numKind(v);
  if (k == N_INT) return <f64>load<i64>(v, 8);
  return textToF64(strPtr(v), lenOf(v));
}

/**
 * Whether the number is an i64 written as a plain integer (OPA's Number.Int64, strconv.ParseInt:
 * 1 but not 1.0); sets gInt. Array indexes and IntOperand read numbers this way.
 */
export function exactInt(v: usize): bool {
  const k = numKind(v);
  if (k == N_INT) {
    gInt = load<i64>(v, 8);
    return true;
  }
  if (!parseInt64(strPtr(v), lenOf(v))) return false;
  gInt = gI64;
  return true;
}

export function isNumber(v: usize): bool {
  return v != 0 && tagOf(v) == T_NUMBER;
}

/** Decimal text of an i64 in a 24-byte static buffer (one per comparison operand). */
const INT_TEXT_A: usize = memory.data(24);
const INT_TEXT_B: usize = memory.data(24);
let gTextLen: u32 = 0;

function intText(buf: usize, x: i64): usize {
  let u: u64 = x < 0 ? <u64>(-(x + 1)) + 1 : <u64>x;
  let i: i32 = 23;
  do {
    store<u8>(buf + i, <u8>(48 + <u32>(u % 10)));
    u /= 10;
    i--;
  } while (u != 0);
  if (x < 0) store<u8>(buf + i--, 45);
  gTextLen = <u32>(23 - i);
  return buf + i + 1;
}

/** The text of a number (refs as they are; integers written into buf). Sets gTextLen. */
function numberText(v: usize, buf: usize): usize {
  const k = numKind(v);
  if (k == N_INT) return intText(buf, load<i64>(v, 8));
  gTextLen = lenOf(v);
  return strPtr(v);
}

/**
 * OPA's ast.NumberCompare on two number texts: equal texts are equal, two int64 texts compare as
 * integers, two texts with trailing zeros after a decimal point are equal if their float64 values
 * are (OPA's shortcut), anything else compares exactly. Text that is not a number sorts after
 * every number, by its bytes.
 */
function compareTexts(p: usize, n: u32, q: usize, m: u32): i32 {
  if (n == m && memory.compare(p, q, n) == 0) return 0;
  if (parseInt64(p, n)) {
    const x = gI64;
    if (parseInt64(q, m)) return x < gI64 ? -1 : x > gI64 ? 1 : 0;
  }
  const va = scanNumber(REC_A, p, n);
  const vb = scanNumber(REC_B, q, m);
  if (!va || !vb) {
    if (va != vb) return va ? -1 : 1;
    const c = memory.compare(p, q, n < m ? n : m);
    return c != 0 ? c : n < m ? -1 : n > m ? 1 : 0;
  }
  const c = cmpScanned(REC_A, REC_B);
  if (c != 0 && !exactOrder && trailingZeroFloat(p, n) && trailingZeroFloat(q, m) && sameFloat64()) return 0;
  return c;
}

/** Set while sets and objects are searched: their order leaves out the float64 shortcut. */
let exactOrder = false;

export function setExactNumberOrder(on: bool): void {
  exactOrder = on;
}

/** Whether the scanned REC_A and REC_B have the same float64 value (both within its range). */
function sameFloat64(): bool {
  // Exact rounding of long mantissas works on the heap: release it after (comparisons leave the
  // heap as they found it).
  const mark = heapTop();
  const x = recToF64(REC_A);
  const xo = gF64Overflow;
  const y = recToF64(REC_B);
  const yo = gF64Overflow;
  setHeapTop(mark);
  return !xo && !yo && x == y;
}

/** Numeric order of two numbers (OPA's ast.NumberCompare). */
export function compareNumbers(a: usize, b: usize): i32 {
  const ka = numKind(a);
  const kb = numKind(b);
  if (ka == N_INT && kb == N_INT) {
    const x = load<i64>(a, 8);
    const y = load<i64>(b, 8);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const p = numberText(a, INT_TEXT_A);
  const n = gTextLen;
  const q = numberText(b, INT_TEXT_B);
  return compareTexts(p, n, q, gTextLen);
}

/**
 * Whether the number key, looked up in (or added to) a set or object, matches the member y that
 * compares equal to it, as OPA's hash tables decide (ast/term.go, set.insert / object.get): an
 * integer written as one (1) matches only integers so written, not 1.0; any other number matches
 * a number of exactly its value (not one NumberCompare's float64 shortcut calls equal, 1.10 and
 * 1.1000000000000000000010), and beyond float64's range, where OPA hashes the text, only the same
 * text (1e400 is not 10e399).
 */
export function sameMember(key: usize, y: usize): bool {
  if (exactInt(key)) return exactInt(y);
  const p = strPtr(key), n = lenOf(key);
  const q = numberText(y, INT_TEXT_B);
  const m = gTextLen;
  if (!scanNumber(REC_A, p, n) || !scanNumber(REC_B, q, m)) return n == m && memory.compare(p, q, n) == 0;
  if (cmpScanned(REC_A, REC_B) != 0) return false;
  const mark = heapTop();
  recToF64(REC_A);
  const overflow = gF64Overflow;
  setHeapTop(mark);
  return !overflow || (n == m && memory.compare(p, q, n) == 0);
}

/** A number value for f: an integer value when f is integral and fits, else a float. */
export function numberFromF64(f: f64): usize {
  if (floatToInt(f) && f > -9007199254740992.0 && f < 9007199254740992.0 && !(f == 0 && 1 / f < 0)) {
    return intValue(gInt);
  }
  return floatValue(f);
}
