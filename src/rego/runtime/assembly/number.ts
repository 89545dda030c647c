// Number conversions. A number is an exact i64, an f64, or a ref (its original text), converted
// lazily: integral text that fits i64 → i64, anything else → f64.
import { correctF64 } from "./atof";
import { tagOf, numKind, lenOf, strPtr, intValue, floatValue, T_NUMBER, N_INT, N_FLOAT } from "./value";

/** Result of the last successful toInt. */
export let gInt: i64 = 0;

const POW10: usize = memory.data<f64>([
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]);

function pow10(e: i32): f64 {
  return load<f64>(POW10 + (<usize>e << 3));
}

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

/** Parses plain integer text ("-"? digits) exactly; false if not plain or out of i64 range. */
function textToInt(p: usize, n: u32): bool {
  let i: u32 = 0;
  let neg = false;
  if (n > 0 && load<u8>(p) == 45) {
    neg = true;
    i = 1;
  }
  if (i >= n) return false;
  let acc: u64 = 0;
  const limit: u64 = neg ? 9223372036854775808 : 9223372036854775807;
  for (; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (c < 48 || c > 57) return false;
    const d = <u64>(c - 48);
    if (acc > (limit - d) / 10) return false;
    acc = acc * 10 + d;
  }
  gInt = neg ? <i64>(0 - acc) : <i64>acc;
  return true;
}

/** Decimal text → f64 (exact for up to 19 significant digits and small exponents). */
export function textToF64(p: usize, n: u32): f64 {
  let i: u32 = 0;
  let neg = false;
  if (i < n && load<u8>(p) == 45) {
    neg = true;
    i++;
  }
  let mant: u64 = 0;
  let digits: i32 = 0;
  let exp10: i32 = 0;
  let seenDot = false;
  let truncated = false;
  for (; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (c == 46) {
      seenDot = true;
      continue;
    }
    if (c < 48 || c > 57) break;
    if (digits < 19) {
      if (mant != 0 || c != 48) digits++;
      mant = mant * 10 + <u64>(c - 48);
      if (seenDot) exp10--;
    } else {
      if (!seenDot) exp10++;
      if (c != 48) truncated = true;
    }
  }
  if (i < n && (load<u8>(p + i) | 32) == 101) {
    i++;
    let eneg = false;
    if (i < n && (load<u8>(p + i) == 43 || load<u8>(p + i) == 45)) {
      eneg = load<u8>(p + i) == 45;
      i++;
    }
    let e: i32 = 0;
    for (; i < n; i++) {
      const c = <i32>load<u8>(p + i);
      if (c < 48 || c > 57) break;
      if (e < 100000) e = e * 10 + (c - 48);
    }
    exp10 += eneg ? -e : e;
  }
  let r: f64;
  if (mant == 0) {
    r = 0;
  } else if (mant <= 9007199254740992 && exp10 >= -22 && exp10 <= 22) {
    r = exp10 >= 0 ? <f64>mant * pow10(exp10) : <f64>mant / pow10(-exp10);
  } else {
    r = <f64>mant;
    let e = exp10;
    while (e > 22) {
      r *= 1e22;
      e -= 22;
    }
    while (e < -22) {
      r /= 1e22;
      e += 22;
    }
    r = e >= 0 ? r * pow10(e) : r / pow10(-e);
    if (digits < 19 || !truncated) r = correctF64(mant, exp10, r);
  }
  return neg ? -r : r;
}

/** Whether f is integral and exactly representable as i64 (sets gInt). */
export function floatToInt(f: f64): bool {
  if (f != Math.floor(f)) return false;
  if (f >= 9223372036854775808.0 || f < -9223372036854775808.0) return false;
  gInt = <i64>f;
  return true;
}

/** Whether the number v has an exact integer value (sets gInt). */
export function toInt(v: usize): bool {
  const k = numKind(v);
  if (k == N_INT) {
    gInt = load<i64>(v, 8);
    return true;
  }
  if (k == N_FLOAT) return floatToInt(load<f64>(v, 8));
  if (textToInt(strPtr(v), lenOf(v))) return true;
  return floatToInt(textToF64(strPtr(v), lenOf(v)));
}

/** The number v as f64. */
export function toF64(v: usize): f64 {
  const k = numKind(v);
  if (k == N_INT) return <f64>load<i64>(v, 8);
  if (k == N_FLOAT) return load<f64>(v, 8);
  if (textToInt(strPtr(v), lenOf(v))) return <f64>gInt;
  return textToF64(strPtr(v), lenOf(v));
}

/** Whether the number is an exact i64 in plain form (integer kind, or a ref of integer text). */
export function exactInt(v: usize): bool {
  const k = numKind(v);
  if (k == N_INT) {
    gInt = load<i64>(v, 8);
    return true;
  }
  if (k == N_FLOAT) return false;
  return textToInt(strPtr(v), lenOf(v));
}

export function isNumber(v: usize): bool {
  return v != 0 && tagOf(v) == T_NUMBER;
}

/** Compares an i64 with an f64 exactly. */
export function cmpIntFloat(a: i64, b: f64): i32 {
  if (b >= 9223372036854775808.0) return -1;
  if (b < -9223372036854775808.0) return 1;
  const fb = Math.floor(b);
  const ib = <i64>fb;
  if (a < ib) return -1;
  if (a > ib) return 1;
  return fb < b ? -1 : 0;
}

/** Numeric order of two numbers. */
export function compareNumbers(a: usize, b: usize): i32 {
  if (numKind(a) != N_FLOAT && numKind(b) != N_FLOAT) {
    // Identical texts are equal without conversion.
    if (exactInt(a)) {
      const x = gInt;
      if (exactInt(b)) return x < gInt ? -1 : x > gInt ? 1 : 0;
      return cmpIntFloat(x, toF64(b));
    }
    if (exactInt(b)) return -cmpIntFloat(gInt, toF64(a));
  } else if (numKind(a) == N_INT) {
    return cmpIntFloat(load<i64>(a, 8), toF64(b));
  } else if (numKind(b) == N_INT) {
    return -cmpIntFloat(load<i64>(b, 8), toF64(a));
  }
  const x = toF64(a);
  const y = toF64(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A number value for f: an integer value when f is integral and fits, else a float. */
export function numberFromF64(f: f64): usize {
  if (floatToInt(f) && f > -9007199254740992.0 && f < 9007199254740992.0) return intValue(gInt);
  return floatValue(f);
}
