// Native built-ins on strings (UTF-8; indices and counts in code points where OPA uses runes).
import {
  tagOf, lenOf, strPtr, elemAt, keyAt, valAt, boolValue, intValue, arrayValue, arrayPush, stringValue,
  numKind, T_NUMBER, T_STRING, T_ARRAY, T_OBJECT, T_SET, N_INT,
} from "./value";
import { heapTop, pushByte, pushBytes, pushCodePoint, reverseBytes } from "./heap";
import { exactInt } from "./number";
import { floatFromValue, tooLarge } from "./arith";
import { gfTrunc, gfNeg, gfClearTooLarge, gfTooLarge } from "./gofloat";
import { pushNatDecimal, pushNatBase, natIsZero } from "./nat";
import { intFromRec, gBigNeg, gBigTooLarge, bigClearTooLarge } from "./bigint";
import { scanNumber, REC_A } from "./numtext";
import { pushUint } from "./dtoa";
import { toLower, toUpper } from "./unicode";
import {
  is, typeError, elementError, fail, intOperand, gInt, endString, codePoints, byteOffset, seqLen, decodeAt,
  findBytes, hasPrefix, hasSuffix,
} from "./bi_common";

export function bi_concat(d: usize, c: usize): usize {
  if (!is(d, T_STRING)) return typeError("concat", 1, "string", d);
  if (!is(c, T_ARRAY) && !is(c, T_SET)) return typeError("concat", 2, "one of {set, array}", c);
  const n = lenOf(c);
  for (let i: u32 = 0; i < n; i++) {
    const e = elemAt(c, i);
    if (!is(e, T_STRING)) return elementError("concat", 2, c, "string", e);
  }
  const start = heapTop();
  for (let i: u32 = 0; i < n; i++) {
    if (i > 0) pushBytes(strPtr(d), lenOf(d));
    const e = elemAt(c, i);
    pushBytes(strPtr(e), lenOf(e));
  }
  return endString(start);
}

function twoStrings(name: string, a: usize, b: usize): bool {
  if (!is(a, T_STRING)) {
    typeError(name, 1, "string", a);
    return false;
  }
  if (!is(b, T_STRING)) {
    typeError(name, 2, "string", b);
    return false;
  }
  return true;
}

export function bi_contains(a: usize, b: usize): usize {
  if (!twoStrings("contains", a, b)) return 0;
  return boolValue(findBytes(strPtr(a), lenOf(a), strPtr(b), lenOf(b), 0) >= 0);
}

export function bi_startswith(a: usize, b: usize): usize {
  if (!twoStrings("startswith", a, b)) return 0;
  return boolValue(hasPrefix(strPtr(a), lenOf(a), strPtr(b), lenOf(b)));
}

export function bi_endswith(a: usize, b: usize): usize {
  if (!twoStrings("endswith", a, b)) return 0;
  return boolValue(hasSuffix(strPtr(a), lenOf(a), strPtr(b), lenOf(b)));
}

export function bi_indexof(a: usize, b: usize): usize {
  if (!twoStrings("indexof", a, b)) return 0;
  if (lenOf(b) == 0) return fail("indexof", "empty search character");
  const i = findBytes(strPtr(a), lenOf(a), strPtr(b), lenOf(b), 0);
  return intValue(i < 0 ? -1 : <i64>codePoints(strPtr(a), <u32>i));
}

function changeCase(name: string, s: usize, upper: bool): usize {
  if (!is(s, T_STRING)) return typeError(name, 1, "string", s);
  const p = strPtr(s);
  const n = lenOf(s);
  const start = heapTop();
  let i: u32 = 0;
  while (i < n) {
    const b = <u32>load<u8>(p + i);
    const k = seqLen(b);
    const c = decodeAt(p + i);
    pushCodePoint(upper ? toUpper(c) : toLower(c));
    i += k;
  }
  return endString(start);
}

export function bi_lower(s: usize): usize {
  return changeCase("lower", s, false);
}

export function bi_upper(s: usize): usize {
  return changeCase("upper", s, true);
}

/** Go's strings.Replace(s, old, new, -1). */
function replaceAll(s: usize, old: usize, rep: usize): usize {
  const p = strPtr(s), n = lenOf(s), q = strPtr(old), m = lenOf(old), r = strPtr(rep), k = lenOf(rep);
  const start = heapTop();
  if (m == 0) {
    // insert at every code point boundary, including both ends
    let i: u32 = 0;
    pushBytes(r, k);
    while (i < n) {
      const l = seqLen(load<u8>(p + i));
      pushBytes(p + i, l);
      pushBytes(r, k);
      i += l;
    }
    return endString(start);
  }
  let i: u32 = 0;
  while (i < n) {
    const j = findBytes(p, n, q, m, i);
    if (j < 0) break;
    pushBytes(p + i, <u32>j - i);
    pushBytes(r, k);
    i = <u32>j + m;
  }
  pushBytes(p + i, n - i);
  return endString(start);
}

export function bi_replace(s: usize, old: usize, rep: usize): usize {
  if (!is(s, T_STRING)) return typeError("replace", 1, "string", s);
  if (!is(old, T_STRING)) return typeError("replace", 2, "string", old);
  if (!is(rep, T_STRING)) return typeError("replace", 3, "string", rep);
  return replaceAll(s, old, rep);
}

export function bi_split(s: usize, d: usize): usize {
  if (!twoStrings("split", s, d)) return 0;
  const p = strPtr(s), n = lenOf(s), q = strPtr(d), m = lenOf(d);
  const a = arrayValue(0);
  if (m == 0) {
    let i: u32 = 0;
    while (i < n) {
      const l = seqLen(load<u8>(p + i));
      arrayPush(a, stringValue(p + i, l));
      i += l;
    }
    return a;
  }
  let i: u32 = 0;
  while (true) {
    const j = findBytes(p, n, q, m, i);
    if (j < 0) break;
    arrayPush(a, stringValue(p + i, <u32>j - i));
    i = <u32>j + m;
  }
  arrayPush(a, stringValue(p + i, n - i));
  return a;
}

export function bi_substring(s: usize, off: usize, len: usize): usize {
  if (!is(s, T_STRING)) return typeError("substring", 1, "string", s);
  if (!intOperand("substring", 2, off)) return 0;
  const start = gInt;
  if (!intOperand("substring", 3, len)) return 0;
  const count = gInt;
  const p = strPtr(s);
  const n = lenOf(s);
  const runes = <i64>codePoints(p, n);
  if (start >= runes) return stringValue(p, 0);
  if (start < 0) return fail("substring", "negative offset");
  const b0 = byteOffset(p, n, <u32>start);
  let b1 = n;
  if (count >= 0 && start + count < runes) b1 = byteOffset(p, n, <u32>(start + count));
  return stringValue(p + b0, b1 - b0);
}

/** Whether code point c occurs in the UTF-8 cutset. */
function inCutset(c: u32, q: usize, m: u32): bool {
  let i: u32 = 0;
  while (i < m) {
    if (decodeAt(q + i) == c) return true;
    i += seqLen(load<u8>(q + i));
  }
  return false;
}

/** Byte length of the code point ending at p + end (exclusive). */
function prevLen(p: usize, end: u32): u32 {
  let l: u32 = 1;
  while (l < end && l < 4 && (load<u8>(p + end - l) & 0xc0) == 0x80) l++;
  return l;
}

function isSpace(c: u32): bool {
  if (c == 32 || (c >= 9 && c <= 13)) return true;
  if (c < 0x85) return false;
  return c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 ||
    c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

/** Trims code points from the left and/or right; cutset 0 means Unicode white space. */
function trimWith(s: usize, cut: usize, left: bool, right: bool): usize {
  const p = strPtr(s);
  let a: u32 = 0;
  let b = lenOf(s);
  const q = cut != 0 ? strPtr(cut) : 0;
  const m = cut != 0 ? lenOf(cut) : 0;
  if (left) {
    while (a < b) {
      const c = decodeAt(p + a);
      if (cut != 0 ? !inCutset(c, q, m) : !isSpace(c)) break;
      a += seqLen(load<u8>(p + a));
    }
  }
  if (right) {
    while (b > a) {
      const l = prevLen(p, b);
      const c = decodeAt(p + b - l);
      if (cut != 0 ? !inCutset(c, q, m) : !isSpace(c)) break;
      b -= l;
    }
  }
  return stringValue(p + a, b - a);
}

export function bi_trim(s: usize, cut: usize): usize {
  if (!twoStrings("trim", s, cut)) return 0;
  return trimWith(s, cut, true, true);
}

export function bi_trim_left(s: usize, cut: usize): usize {
  if (!twoStrings("trim_left", s, cut)) return 0;
  return trimWith(s, cut, true, false);
}

export function bi_trim_right(s: usize, cut: usize): usize {
  if (!twoStrings("trim_right", s, cut)) return 0;
  return trimWith(s, cut, false, true);
}

export function bi_trim_space(s: usize): usize {
  if (!is(s, T_STRING)) return typeError("trim_space", 1, "string", s);
  return trimWith(s, 0, true, true);
}

export function bi_trim_prefix(s: usize, pre: usize): usize {
  if (!twoStrings("trim_prefix", s, pre)) return 0;
  const p = strPtr(s), n = lenOf(s), m = lenOf(pre);
  if (hasPrefix(p, n, strPtr(pre), m)) return stringValue(p + m, n - m);
  return s;
}

export function bi_trim_suffix(s: usize, suf: usize): usize {
  if (!twoStrings("trim_suffix", s, suf)) return 0;
  const p = strPtr(s), n = lenOf(s), m = lenOf(suf);
  if (hasSuffix(p, n, strPtr(suf), m)) return stringValue(p, n - m);
  return s;
}

/**
 * strings.replace_n(patterns, s): at each position the first pattern (in key order) that matches
 * is replaced, as Go's strings.Replacer does. An empty pattern matches at every position except
 * right after its own match (Go's genericReplacer: "ignore the empty match iff the previous loop
 * found the empty match"), so it is inserted between characters and at both ends.
 */
export function bi_strings_replace_n(pats: usize, s: usize): usize {
  if (!is(pats, T_OBJECT)) return typeError("strings.replace_n", 1, "object", pats);
  if (!is(s, T_STRING)) return typeError("strings.replace_n", 2, "string", s);
  const np = lenOf(pats);
  for (let j: u32 = 0; j < np; j++) {
    if (!is(keyAt(pats, j), T_STRING)) return fail("strings.replace_n", "non-string key found in pattern object");
    if (!is(valAt(pats, j), T_STRING)) return fail("strings.replace_n", "non-string value found in pattern object");
  }
  const p = strPtr(s), n = lenOf(s);
  const start = heapTop();
  let i: u32 = 0;
  let prevMatchEmpty = false;
  while (i <= n) {
    let hit = false;
    for (let j: u32 = 0; j < np; j++) {
      const k = keyAt(pats, j);
      const m = lenOf(k);
      if (m == 0 ? !prevMatchEmpty : hasPrefix(p + i, n - i, strPtr(k), m)) {
        const v = valAt(pats, j);
        pushBytes(strPtr(v), lenOf(v));
        i += m;
        prevMatchEmpty = m == 0;
        hit = true;
        break;
      }
    }
    if (hit) continue;
    prevMatchEmpty = false;
    if (i == n) break;
    // One whole character (an empty pattern is never inserted inside a UTF-8 sequence).
    const l = min<u32>(seqLen(load<u8>(p + i)), n - i);
    pushBytes(p + i, l);
    i += l;
  }
  return endString(start);
}

export function bi_strings_reverse(s: usize): usize {
  if (!is(s, T_STRING)) return typeError("strings.reverse", 1, "string", s);
  const p = strPtr(s);
  let b = lenOf(s);
  const start = heapTop();
  while (b > 0) {
    const l = prevLen(p, b);
    pushBytes(p + b - l, l);
    b -= l;
  }
  return endString(start);
}

export function bi_strings_count(s: usize, sub: usize): usize {
  if (!twoStrings("strings.count", s, sub)) return 0;
  const p = strPtr(s), n = lenOf(s), q = strPtr(sub), m = lenOf(sub);
  if (m == 0) return intValue(<i64>codePoints(p, n) + 1);
  let c: i64 = 0;
  let i: u32 = 0;
  while (true) {
    const j = findBytes(p, n, q, m, i);
    if (j < 0) break;
    c++;
    i = <u32>j + m;
  }
  return intValue(c);
}

/** Checks a string or an array/set of strings operand. */
function stringsOperand(name: string, pos: u32, v: usize): bool {
  if (is(v, T_STRING)) return true;
  if (!is(v, T_ARRAY) && !is(v, T_SET)) {
    typeError(name, pos, "one of {string, set, array}", v);
    return false;
  }
  const n = lenOf(v);
  for (let i: u32 = 0; i < n; i++) {
    const e = elemAt(v, i);
    if (!is(e, T_STRING)) {
      elementError(name, pos, v, "string", e);
      return false;
    }
  }
  return true;
}

function anyMatch(name: string, a: usize, b: usize, suffix: bool): usize {
  if (!stringsOperand(name, 1, a) || !stringsOperand(name, 2, b)) return 0;
  const na: u32 = tagOf(a) == T_STRING ? 1 : lenOf(a);
  const nb: u32 = tagOf(b) == T_STRING ? 1 : lenOf(b);
  for (let i: u32 = 0; i < na; i++) {
    const x = tagOf(a) == T_STRING ? a : elemAt(a, i);
    for (let j: u32 = 0; j < nb; j++) {
      const y = tagOf(b) == T_STRING ? b : elemAt(b, j);
      const ok = suffix
        ? hasSuffix(strPtr(x), lenOf(x), strPtr(y), lenOf(y))
        : hasPrefix(strPtr(x), lenOf(x), strPtr(y), lenOf(y));
      if (ok) return boolValue(true);
    }
  }
  return boolValue(false);
}

export function bi_strings_any_prefix_match(a: usize, b: usize): usize {
  return anyMatch("strings.any_prefix_match", a, b, false);
}

export function bi_strings_any_suffix_match(a: usize, b: usize): usize {
  return anyMatch("strings.any_suffix_match", a, b, true);
}

const HEX_DIGITS: string = "0123456789abcdef";

/** format_int's base as OPA reads it: the number's text must be "2", "8", "10" or "16". */
function formatBase(v: usize): u32 {
  if (numKind(v) == N_INT) {
    const b = load<i64>(v, 8);
    return b == 2 || b == 8 || b == 10 || b == 16 ? <u32>b : 0;
  }
  const p = strPtr(v), n = lenOf(v);
  if (n == 1) {
    const c = load<u8>(p);
    return c == 50 ? 2 : c == 56 ? 8 : 0;
  }
  if (n == 2 && load<u8>(p) == 49) {
    const c = load<u8>(p + 1);
    return c == 48 ? 10 : c == 54 ? 16 : 0;
  }
  return 0;
}

/**
 * format_int(x, base) as OPA (with opa#8857): an integer written as one (of any size) is formatted
 * exactly; anything else goes through NumberToFloat (64-bit mantissa) and is truncated.
 */
export function bi_format_int(x: usize, base: usize): usize {
  if (!is(x, T_NUMBER)) return typeError("format_int", 1, "number", x);
  if (!is(base, T_NUMBER)) return typeError("format_int", 2, "number", base);
  const b = formatBase(base);
  if (b == 0) return fail("format_int", "operand 2 must be one of {2, 8, 10, 16}");
  if (exactInt(x)) {
    const v = gInt;
    const start = heapTop();
    let u: u64;
    if (v < 0) {
      pushByte(45);
      u = <u64>(-(v + 1)) + 1;
    } else {
      u = <u64>v;
    }
    if (b == 10) {
      pushUint(u);
      return endString(start);
    }
    // digits in reverse into the heap, then reverse them in place
    const d0 = heapTop();
    do {
      pushByte(<u32>HEX_DIGITS.charCodeAt(<i32>(u % b)));
      u /= b;
    } while (u != 0);
    reverseBytes(d0, heapTop());
    return endString(start);
  }
  let m: usize;
  let neg: bool;
  if (integerText(strPtr(x), lenOf(x))) {
    scanNumber(REC_A, strPtr(x), lenOf(x));
    bigClearTooLarge();
    m = intFromRec(REC_A);
    neg = gBigNeg;
    if (gBigTooLarge) return tooLarge("format_int");
  } else {
    gfClearTooLarge();
    const f = floatFromValue(x);
    if (f == 0 || gfTooLarge) return tooLarge("format_int");
    m = gfTrunc(f);
    neg = gfNeg(f) && !natIsZero(m);
  }
  // the digits are pushed after working memory: the text starts where they do
  let p: usize;
  if (b == 10) {
    const n = pushNatDecimal(m);
    p = heapTop() - n;
  } else {
    p = heapTop();
    pushNatBase(m, b);
  }
  if (neg) {
    // shift the digits one byte up to make room for the sign
    const n = <usize>(heapTop() - p);
    pushByte(0);
    memory.copy(p + 1, p, n);
    store<u8>(p, 45);
  }
  return endString(p);
}

/** Go's big.Int SetString(s, 10): an optional sign and decimal digits. */
function integerText(p: usize, n: u32): bool {
  let i: u32 = n > 0 && (load<u8>(p) == 45 || load<u8>(p) == 43) ? 1 : 0;
  if (i >= n) return false;
  for (; i < n; i++) {
    const c = load<u8>(p + i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
