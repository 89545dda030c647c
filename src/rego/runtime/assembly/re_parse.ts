// Parser of RE2 syntax as Go's regexp/syntax.Parse(pattern, syntax.Perl) reads it: same
// operators, flags, classes, escapes, limits and error messages ("error parsing regexp: <code>:
// `<expr>`"). The tree is not factored or simplified (which only changes its shape); counted
// repetitions are expanded by the compiler (re_compile.ts). Parse trees live on the heap.
import { allocZero } from "./heap";
import { gRune, gWidth, decodeRune, RUNE_ERROR } from "./utf8";
import {
  bufNew, bufPtr, bufLen, bufAt, bufPush, bufSetLen, appendRange, appendFoldedRange, appendClassAt,
  appendNegatedAt, cleanClass, negateClass, appendUnicodeClass, simpleFold, minFold, MAX_RUNE,
} from "./re_class";

// Node operators (Go's Op order is not relied upon).
export const OP_NO_MATCH: u8 = 1;
export const OP_EMPTY: u8 = 2;
export const OP_LITERAL: u8 = 3;
export const OP_CLASS: u8 = 4;
export const OP_ANY_NOT_NL: u8 = 5;
export const OP_ANY: u8 = 6;
export const OP_BEGIN_LINE: u8 = 7;
export const OP_END_LINE: u8 = 8;
export const OP_BEGIN_TEXT: u8 = 9;
export const OP_END_TEXT: u8 = 10;
export const OP_WORD_BOUNDARY: u8 = 11;
export const OP_NO_WORD_BOUNDARY: u8 = 12;
export const OP_CAPTURE: u8 = 13;
export const OP_STAR: u8 = 14;
export const OP_PLUS: u8 = 15;
export const OP_QUEST: u8 = 16;
export const OP_REPEAT: u8 = 17;
export const OP_CONCAT: u8 = 18;
export const OP_ALTERNATE: u8 = 19;
const OP_PSEUDO: u8 = 128;
const OP_LEFT_PAREN: u8 = 128;
const OP_VERTICAL_BAR: u8 = 129;

// Flags.
export const FOLD_CASE: u32 = 1;
const CLASS_NL: u32 = 4;
const DOT_NL: u32 = 8;
const ONE_LINE: u32 = 16;
export const NON_GREEDY: u32 = 32;
const PERL_X: u32 = 64;
const UNICODE_GROUPS: u32 = 128;
const PERL: u32 = CLASS_NL | ONE_LINE | PERL_X | UNICODE_GROUPS;

/** Largest repetition count, and largest product of nested counts (Go's maxRepeat). */
const MAX_REPEAT: i32 = 1000;
/** Deepest parse tree (Go's maxHeight). */
const MAX_HEIGHT: i32 = 1000;
/**
 * Largest estimated program, in instructions (Go's calcSize). Go allows 3.3 million; here a
 * pattern must stay within what one evaluation can hold: larger ones are "expression too large".
 */
export const MAX_SIZE: i64 = 100000;
/** Most class range bounds over all classes (Go: 32 million runes). */
const MAX_RUNES: i64 = 1 << 20;

// Node layout (48 bytes).
// @ts-ignore: decorator
@inline export function nodeOp(n: usize): u8 {
  return load<u8>(n);
}
// @ts-ignore: decorator
@inline export function nodeFlags(n: usize): u32 {
  return <u32>load<u16>(n, 2);
}
// @ts-ignore: decorator
@inline export function nodeMin(n: usize): i32 {
  return load<i32>(n, 4);
}
// @ts-ignore: decorator
@inline export function nodeMax(n: usize): i32 {
  return load<i32>(n, 8);
}
// @ts-ignore: decorator
@inline export function nodeCap(n: usize): i32 {
  return load<i32>(n, 12);
}
// @ts-ignore: decorator
@inline export function nodeRunes(n: usize): usize {
  return load<u32>(n, 16);
}
// @ts-ignore: decorator
@inline export function nodeRuneCount(n: usize): u32 {
  return load<u32>(n, 20);
}
// @ts-ignore: decorator
@inline export function nodeSubCount(n: usize): u32 {
  return load<u32>(n, 28);
}
// @ts-ignore: decorator
@inline export function nodeSub(n: usize, i: u32): usize {
  return <usize>load<u32>(<usize>load<u32>(n, 24) + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline export function nodeSize(n: usize): i64 {
  return load<i64>(n, 32);
}
// @ts-ignore: decorator
@inline export function nodeRune(n: usize): i32 {
  return load<i32>(n, 44);
}

// --- parser state ----------------------------------------------------------------------------

let pat: usize = 0;
let patLen: u32 = 0;
let flags: u32 = 0;
let stack: usize = 0;
let numCap: i32 = 0;
let numRunes: i64 = 0;

/** The error of the last failed parse: a static code and the offending text. */
export let errCode: string = "";
export let errPtr: usize = 0;
export let errLen: u32 = 0;
/** Capture groups of the last successful parse. */
export let parsedCaps: i32 = 0;

function fail(code: string, from: u32, to: u32): i32 {
  errCode = code;
  errPtr = pat + from;
  errLen = to - from;
  return -1;
}

function failWhole(code: string): i32 {
  return fail(code, 0, patLen);
}

const E_INVALID_CHAR_RANGE = "invalid character class range";
const E_INVALID_ESCAPE = "invalid escape sequence";
const E_INVALID_NAMED_CAPTURE = "invalid named capture";
const E_INVALID_PERL_OP = "invalid or unsupported Perl syntax";
const E_INVALID_REPEAT_OP = "invalid nested repetition operator";
const E_INVALID_REPEAT_SIZE = "invalid repeat count";
const E_INVALID_UTF8 = "invalid UTF-8";
const E_MISSING_BRACKET = "missing closing ]";
const E_MISSING_PAREN = "missing closing )";
const E_MISSING_REPEAT_ARGUMENT = "missing argument to repetition operator";
const E_TRAILING_BACKSLASH = "trailing backslash at end of expression";
const E_UNEXPECTED_PAREN = "unexpected )";
const E_NESTING_DEPTH = "expression nests too deeply";
export const E_LARGE = "expression too large";

// @ts-ignore: decorator
@inline function at(i: u32): u32 {
  return <u32>load<u8>(pat + i);
}

/** Decodes the rune at i into gRune/gWidth; an invalid sequence is an error (-1). */
function nextRune(i: u32): i32 {
  decodeRune(pat + i, patLen - i);
  if (gRune == RUNE_ERROR && gWidth == 1) return fail(E_INVALID_UTF8, i, patLen);
  return 0;
}

/** Checks [from, to) is valid UTF-8 (errors with the text from the first bad rune). */
function checkUtf8(from: u32, to: u32): i32 {
  let i = from;
  while (i < to) {
    decodeRune(pat + i, patLen - i);
    if (gRune == RUNE_ERROR && gWidth == 1) return fail(E_INVALID_UTF8, i, to);
    i += gWidth;
  }
  return 0;
}

// --- nodes and the stack ---------------------------------------------------------------------

function newNode(op: u8): usize {
  const n = allocZero(48);
  store<u8>(n, op);
  return n;
}

function setSubs(n: usize, subs: usize, count: u32): void {
  store<u32>(n, <u32>subs, 24);
  store<u32>(n, count, 28);
}

function setOneSub(n: usize, sub: usize): void {
  const subs = allocZero(4);
  store<u32>(subs, <u32>sub);
  setSubs(n, subs, 1);
}

/** Go's calcSize (estimated instructions) and the tree height, from the subtrees'. */
function measure(n: usize): void {
  const op = nodeOp(n);
  const count = nodeSubCount(n);
  let size: i64 = 0;
  let height: i32 = 1;
  for (let i: u32 = 0; i < count; i++) {
    const h = load<i32>(nodeSub(n, i), 40);
    if (h + 1 > height) height = h + 1;
  }
  const sub: i64 = count > 0 ? nodeSize(nodeSub(n, 0)) : 0;
  if (op == OP_LITERAL) size = 1;
  else if (op == OP_CAPTURE || op == OP_STAR) size = 2 + sub;
  else if (op == OP_PLUS || op == OP_QUEST) size = 1 + sub;
  else if (op == OP_CONCAT || op == OP_ALTERNATE) {
    for (let i: u32 = 0; i < count; i++) size += nodeSize(nodeSub(n, i));
    if (op == OP_ALTERNATE && count > 1) size += <i64>count - 1;
  } else if (op == OP_REPEAT) {
    const min = <i64>nodeMin(n);
    const max = <i64>nodeMax(n);
    if (max == -1) size = min == 0 ? 2 + sub : 1 + min * sub;
    else size = max * sub + (max - min);
  }
  if (size < 1) size = 1;
  if (size > MAX_SIZE * 1000) size = MAX_SIZE * 1000; // no overflow in products
  store<i64>(n, size, 32);
  store<i32>(n, height, 40);
}

function checkLimits(n: usize): i32 {
  measure(n);
  if (numRunes > MAX_RUNES) return failWhole(E_LARGE);
  if (nodeSize(n) > MAX_SIZE) return failWhole(E_LARGE);
  if (load<i32>(n, 40) > MAX_HEIGHT) return failWhole(E_NESTING_DEPTH);
  return 0;
}

function push(n: usize): i32 {
  numRunes += <i64>nodeRuneCount(n);
  bufPush(stack, <i32>n);
  return checkLimits(n);
}

function top(): usize {
  return <usize><u32>bufAt(stack, bufLen(stack) - 1);
}

function op(o: u8): i32 {
  const n = newNode(o);
  store<u16>(n, <u16>flags, 2);
  return push(n);
}

function literal(r: i32): i32 {
  const n = newNode(OP_LITERAL);
  store<u16>(n, <u16>flags, 2);
  if ((flags & FOLD_CASE) != 0) {
    r = minFold(r);
    if (simpleFold(r) != r) {
      // the fold orbit as a class
      const b = bufNew(8);
      appendRange(b, r, r);
      for (let f = simpleFold(r); f != r; f = simpleFold(f)) appendRange(b, f, f);
      cleanClass(b);
      store<u32>(n, <u32>bufPtr(b), 16);
      store<u32>(n, bufLen(b), 20);
    }
  }
  store<i32>(n, r, 44);
  return push(n);
}

function classNode(b: usize): i32 {
  const n = newNode(OP_CLASS);
  store<u16>(n, <u16>flags, 2);
  store<u32>(n, <u32>bufPtr(b), 16);
  store<u32>(n, bufLen(b), 20);
  return push(n);
}

/** Index of the first stack entry above the topmost pseudo-operator. */
function aboveMarker(): u32 {
  let i = bufLen(stack);
  while (i > 0 && nodeOp(<usize><u32>bufAt(stack, i - 1)) < OP_PSEUDO) i--;
  return i;
}

/** op over the stack entries from i up, hoisting subexpressions of the same op. */
function collapse(i: u32, o: u8): usize {
  const n = bufLen(stack);
  if (n - i == 1) return <usize><u32>bufAt(stack, i);
  let count: u32 = 0;
  for (let j = i; j < n; j++) {
    const s = <usize><u32>bufAt(stack, j);
    count += nodeOp(s) == o ? nodeSubCount(s) : 1;
  }
  const subs = allocZero(<usize>count << 2);
  let k: u32 = 0;
  for (let j = i; j < n; j++) {
    const s = <usize><u32>bufAt(stack, j);
    if (nodeOp(s) == o) {
      for (let m: u32 = 0; m < nodeSubCount(s); m++) store<u32>(subs + (<usize>(k++) << 2), <u32>nodeSub(s, m));
    } else {
      store<u32>(subs + (<usize>(k++) << 2), <u32>s);
    }
  }
  const r = newNode(o);
  setSubs(r, subs, count);
  return r;
}

function concat(): i32 {
  const i = aboveMarker();
  if (i == bufLen(stack)) return push(newNode(OP_EMPTY));
  const r = collapse(i, OP_CONCAT);
  bufSetLen(stack, i);
  return push(r);
}

function alternate(): i32 {
  const i = aboveMarker();
  if (i == bufLen(stack)) return push(newNode(OP_NO_MATCH));
  const r = collapse(i, OP_ALTERNATE);
  bufSetLen(stack, i);
  return push(r);
}

/** If the top is above a vertical bar, swaps them and returns true. */
function swapVerticalBar(): bool {
  const n = bufLen(stack);
  if (n >= 2 && nodeOp(<usize><u32>bufAt(stack, n - 2)) == OP_VERTICAL_BAR) {
    const p = bufPtr(stack) + (<usize>(n - 2) << 2);
    const a = load<u32>(p);
    store<u32>(p, load<u32>(p, 4));
    store<u32>(p, a, 4);
    return true;
  }
  return false;
}

function parseVerticalBar(): i32 {
  if (concat() < 0) return -1;
  if (!swapVerticalBar()) return op(OP_VERTICAL_BAR);
  return 0;
}

function parseRightParen(): i32 {
  if (concat() < 0) return -1;
  if (swapVerticalBar()) bufSetLen(stack, bufLen(stack) - 1);
  if (alternate() < 0) return -1;
  const n = bufLen(stack);
  if (n < 2) return failWhole(E_UNEXPECTED_PAREN);
  const re1 = <usize><u32>bufAt(stack, n - 1);
  const re2 = <usize><u32>bufAt(stack, n - 2);
  bufSetLen(stack, n - 2);
  if (nodeOp(re2) != OP_LEFT_PAREN) return failWhole(E_UNEXPECTED_PAREN);
  flags = nodeFlags(re2);
  if (nodeCap(re2) == 0) {
    numRunes -= <i64>nodeRuneCount(re1);
    return push(re1);
  }
  store<u8>(re2, OP_CAPTURE);
  setOneSub(re2, re1);
  return push(re2);
}

// --- repetition ------------------------------------------------------------------------------

let gMin: i32 = 0;
let gMax: i32 = 0;
let gAfter: u32 = 0;
let gInt: i32 = 0;

/** Go's parseInt at i: digits without leading zeros; returns the end or -1. Too big: gInt -1. */
function parseInt(i: u32): i32 {
  if (i >= patLen || at(i) < 48 || at(i) > 57) return -1;
  if (i + 1 < patLen && at(i) == 48 && at(i + 1) >= 48 && at(i + 1) <= 57) return -1;
  let j = i;
  let n: i32 = 0;
  while (j < patLen && at(j) >= 48 && at(j) <= 57) {
    if (n >= 0) n = n >= 100000000 ? -1 : n * 10 + <i32>at(j) - 48;
    j++;
  }
  gInt = n;
  return <i32>j;
}

/** Go's parseRepeat at `{`: {min}, {min,} (max -1), {min,max}; false if not of that form. */
function parseRepeat(i: u32): bool {
  let j = parseInt(i + 1);
  if (j < 0) return false;
  gMin = gInt;
  if (<u32>j >= patLen) return false;
  if (at(<u32>j) != 44) {
    gMax = gMin;
  } else {
    j++;
    if (<u32>j >= patLen) return false;
    if (at(<u32>j) == 125) {
      gMax = -1;
    } else {
      j = parseInt(<u32>j);
      if (j < 0) return false;
      gMax = gInt;
      if (gMax < 0) gMin = -1;
    }
  }
  if (<u32>j >= patLen || at(<u32>j) != 125) return false;
  gAfter = <u32>j + 1;
  return true;
}

function repeatIsValid(n: usize, limit: i32): bool {
  if (nodeOp(n) == OP_REPEAT) {
    let m = nodeMax(n);
    if (m == 0) return true;
    if (m < 0) m = nodeMin(n);
    if (m > limit) return false;
    if (m > 0) limit /= m;
  }
  const count = nodeSubCount(n);
  for (let i: u32 = 0; i < count; i++) if (!repeatIsValid(nodeSub(n, i), limit)) return false;
  return true;
}

/** Replaces the top of the stack by its repetition; returns the index after the operator. */
function repeat(o: u8, min: i32, max: i32, before: u32, after: u32, lastRepeat: i32): i32 {
  let f = flags;
  if (after < patLen && at(after) == 63) {
    after++;
    f ^= NON_GREEDY;
  }
  if (lastRepeat >= 0) return fail(E_INVALID_REPEAT_OP, <u32>lastRepeat, after);
  const n = bufLen(stack);
  if (n == 0) return fail(E_MISSING_REPEAT_ARGUMENT, before, after);
  const sub = top();
  if (nodeOp(sub) >= OP_PSEUDO) return fail(E_MISSING_REPEAT_ARGUMENT, before, after);
  const re = newNode(o);
  store<i32>(re, min, 4);
  store<i32>(re, max, 8);
  store<u16>(re, <u16>f, 2);
  setOneSub(re, sub);
  store<u32>(bufPtr(stack) + (<usize>(n - 1) << 2), <u32>re);
  if (checkLimits(re) < 0) return -1;
  if (o == OP_REPEAT && (min >= 2 || max >= 2) && !repeatIsValid(re, MAX_REPEAT)) {
    return fail(E_INVALID_REPEAT_SIZE, before, after);
  }
  return <i32>after;
}

// --- groups and flags ------------------------------------------------------------------------

function isAlnum(c: u32): bool {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** After `(?`: named group, flags, or non-capturing group. Returns the index after it. */
function parsePerlFlags(t: u32): i32 {
  const rest = patLen - t;
  const startsWithP = rest > 4 && at(t + 2) == 80 && at(t + 3) == 60; // (?P<
  const startsWithName = rest > 3 && at(t + 2) == 60; // (?<
  if (startsWithP || startsWithName) {
    const begin: u32 = startsWithName ? 3 : 4;
    let end = t;
    while (end < patLen && at(end) != 62) end++;
    if (end >= patLen) {
      if (checkUtf8(t, patLen) < 0) return -1;
      return fail(E_INVALID_NAMED_CAPTURE, t, patLen);
    }
    if (checkUtf8(t + begin, end) < 0) return -1;
    let valid = end > t + begin;
    for (let i = t + begin; i < end && valid; i++) valid = at(i) == 95 || isAlnum(at(i));
    if (!valid) return fail(E_INVALID_NAMED_CAPTURE, t, end + 1);
    numCap++;
    if (op(OP_LEFT_PAREN) < 0) return -1;
    store<i32>(top(), numCap, 12);
    return <i32>end + 1;
  }
  let i = t + 2;
  let f = flags;
  let sign: i32 = 1;
  let sawFlag = false;
  while (i < patLen) {
    if (nextRune(i) < 0) return -1;
    const c = gRune;
    i += gWidth;
    if (c == 105) { // i
      f |= FOLD_CASE;
      sawFlag = true;
    } else if (c == 109) { // m
      f &= ~ONE_LINE;
      sawFlag = true;
    } else if (c == 115) { // s
      f |= DOT_NL;
      sawFlag = true;
    } else if (c == 85) { // U
      f |= NON_GREEDY;
      sawFlag = true;
    } else if (c == 45) { // -
      if (sign < 0) break;
      sign = -1;
      f = ~f;
      sawFlag = false;
    } else if (c == 58 || c == 41) { // : )
      if (sign < 0) {
        if (!sawFlag) break;
        f = ~f;
      }
      if (c == 58) {
        if (op(OP_LEFT_PAREN) < 0) return -1;
      }
      flags = f & 0xffff;
      return <i32>i;
    } else {
      break;
    }
  }
  return fail(E_INVALID_PERL_OP, t, i);
}

// --- escapes and classes ---------------------------------------------------------------------

function unhex(c: i32): i32 {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** An escape at s (`\`…): the rune, with gAfter set; -1 on error. */
function parseEscape(s: u32): i32 {
  let t = s + 1;
  if (t >= patLen) {
    errCode = E_TRAILING_BACKSLASH;
    errPtr = pat;
    errLen = 0;
    return -1;
  }
  if (nextRune(t) < 0) return -1;
  let c = gRune;
  t += gWidth;
  if (c < 0x80 && !isAlnum(<u32>c)) {
    gAfter = t;
    return c;
  }
  if (c >= 49 && c <= 55) {
    // \1-\7 alone is a backreference: not supported
    if (t >= patLen || at(t) < 48 || at(t) > 55) return fail(E_INVALID_ESCAPE, s, t);
  }
  if (c >= 48 && c <= 55) {
    let r = c - 48;
    for (let k = 1; k < 3; k++) {
      if (t >= patLen || at(t) < 48 || at(t) > 55) break;
      r = r * 8 + <i32>at(t) - 48;
      t++;
    }
    gAfter = t;
    return r;
  }
  if (c == 120) { // x
    if (t >= patLen) return fail(E_INVALID_ESCAPE, s, t);
    if (nextRune(t) < 0) return -1;
    c = gRune;
    t += gWidth;
    if (c == 123) { // {
      let nhex = 0;
      let r: i32 = 0;
      while (true) {
        if (t >= patLen) return fail(E_INVALID_ESCAPE, s, t);
        if (nextRune(t) < 0) return -1;
        c = gRune;
        t += gWidth;
        if (c == 125) break;
        const v = unhex(c);
        if (v < 0) return fail(E_INVALID_ESCAPE, s, t);
        r = r * 16 + v;
        if (r > MAX_RUNE) return fail(E_INVALID_ESCAPE, s, t);
        nhex++;
      }
      if (nhex == 0) return fail(E_INVALID_ESCAPE, s, t);
      gAfter = t;
      return r;
    }
    const x = unhex(c);
    let y: i32 = -1;
    if (t < patLen) {
      if (nextRune(t) < 0) return -1;
      y = unhex(gRune);
      t += gWidth;
    }
    if (x < 0 || y < 0) return fail(E_INVALID_ESCAPE, s, t);
    gAfter = t;
    return x * 16 + y;
  }
  gAfter = t;
  if (c == 97) return 7; // \a
  if (c == 102) return 12; // \f
  if (c == 110) return 10; // \n
  if (c == 114) return 13; // \r
  if (c == 116) return 9; // \t
  if (c == 118) return 11; // \v
  return fail(E_INVALID_ESCAPE, s, t);
}

// Perl and POSIX groups: clean lists of [lo, hi] pairs.
const DIGIT: usize = memory.data<i32>([0x30, 0x39]);
const SPACE: usize = memory.data<i32>([0x9, 0xa, 0xc, 0xd, 0x20, 0x20]);
const WORD: usize = memory.data<i32>([0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]);
const P_ALNUM: usize = memory.data<i32>([0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a]);
const P_ALPHA: usize = memory.data<i32>([0x41, 0x5a, 0x61, 0x7a]);
const P_ASCII: usize = memory.data<i32>([0x0, 0x7f]);
const P_BLANK: usize = memory.data<i32>([0x9, 0x9, 0x20, 0x20]);
const P_CNTRL: usize = memory.data<i32>([0x0, 0x1f, 0x7f, 0x7f]);
const P_GRAPH: usize = memory.data<i32>([0x21, 0x7e]);
const P_LOWER: usize = memory.data<i32>([0x61, 0x7a]);
const P_PRINT: usize = memory.data<i32>([0x20, 0x7e]);
const P_PUNCT: usize = memory.data<i32>([0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e]);
const P_SPACE: usize = memory.data<i32>([0x9, 0xd, 0x20, 0x20]);
const P_UPPER: usize = memory.data<i32>([0x41, 0x5a]);
const P_XDIGIT: usize = memory.data<i32>([0x30, 0x39, 0x41, 0x46, 0x61, 0x66]);

/** Appends a group (positive or negated), case-folded under the i flag. */
function appendGroup(b: usize, p: usize, n: u32, negated: bool): void {
  if ((flags & FOLD_CASE) == 0) {
    if (negated) appendNegatedAt(b, p, n);
    else appendClassAt(b, p, n, false);
    return;
  }
  const tmp = bufNew(n * 2);
  appendClassAt(tmp, p, n, true);
  cleanClass(tmp);
  if (negated) appendNegatedAt(b, bufPtr(tmp), bufLen(tmp));
  else appendClassAt(b, bufPtr(tmp), bufLen(tmp), false);
}

/** `\d \D \s \S \w \W` at t: appends and returns the index after, or -2. */
function parsePerlClassEscape(t: u32, b: usize): i32 {
  if (t + 1 >= patLen || at(t) != 92) return -2;
  const c = at(t + 1);
  const lower = c | 0x20;
  const negated = c < 97;
  if (lower == 100) appendGroup(b, DIGIT, 2, negated);
  else if (lower == 115) appendGroup(b, SPACE, 6, negated);
  else if (lower == 119) appendGroup(b, WORD, 8, negated);
  else return -2;
  return <i32>t + 2;
}

function nameIs(from: u32, to: u32, s: string): bool {
  if (to - from != <u32>s.length) return false;
  for (let i: u32 = 0; i < to - from; i++) if (at(from + i) != <u32>s.charCodeAt(<i32>i)) return false;
  return true;
}

/** `[:alpha:]` at t (inside a class): appends and returns the index after; -2 if not one. */
function parseNamedClass(t: u32, b: usize): i32 {
  let end = t + 2;
  while (end + 1 < patLen && !(at(end) == 58 && at(end + 1) == 93)) end++;
  if (end + 1 >= patLen) return -2;
  let from = t + 2;
  const negated = at(from) == 94;
  if (negated) from++;
  let p: usize = 0;
  let n: u32 = 0;
  if (nameIs(from, end, "alnum")) { p = P_ALNUM; n = 6; }
  else if (nameIs(from, end, "alpha")) { p = P_ALPHA; n = 4; }
  else if (nameIs(from, end, "ascii")) { p = P_ASCII; n = 2; }
  else if (nameIs(from, end, "blank")) { p = P_BLANK; n = 4; }
  else if (nameIs(from, end, "cntrl")) { p = P_CNTRL; n = 4; }
  else if (nameIs(from, end, "digit")) { p = DIGIT; n = 2; }
  else if (nameIs(from, end, "graph")) { p = P_GRAPH; n = 2; }
  else if (nameIs(from, end, "lower")) { p = P_LOWER; n = 2; }
  else if (nameIs(from, end, "print")) { p = P_PRINT; n = 2; }
  else if (nameIs(from, end, "punct")) { p = P_PUNCT; n = 8; }
  else if (nameIs(from, end, "space")) { p = P_SPACE; n = 4; }
  else if (nameIs(from, end, "upper")) { p = P_UPPER; n = 2; }
  else if (nameIs(from, end, "word")) { p = WORD; n = 8; }
  else if (nameIs(from, end, "xdigit")) { p = P_XDIGIT; n = 6; }
  else return fail(E_INVALID_CHAR_RANGE, t, end + 2);
  appendGroup(b, p, n, negated);
  return <i32>end + 2;
}

/** `\pX`, `\p{Name}`, `\PX`, `\P{^Name}` at t: appends and returns the index after; -2 if not one. */
function parseUnicodeClass(t: u32, b: usize): i32 {
  if ((flags & UNICODE_GROUPS) == 0 || t + 1 >= patLen || at(t) != 92) return -2;
  const p = at(t + 1);
  if (p != 112 && p != 80) return -2;
  let negated = p == 80;
  let i = t + 2;
  let seqEnd: u32;
  let nameFrom: u32;
  let nameTo: u32;
  if (i < patLen && at(i) == 123) {
    let end = t;
    while (end < patLen && at(end) != 125) end++;
    if (end >= patLen) {
      if (checkUtf8(t, patLen) < 0) return -1;
      return fail(E_INVALID_CHAR_RANGE, t, patLen);
    }
    seqEnd = end + 1;
    nameFrom = t + 3;
    nameTo = end;
    if (checkUtf8(nameFrom, nameTo) < 0) return -1;
  } else {
    if (i < patLen) {
      if (nextRune(i) < 0) return -1;
      i += gWidth;
    }
    seqEnd = i;
    nameFrom = t + 2;
    nameTo = i;
  }
  if (nameTo > nameFrom && at(nameFrom) == 94) {
    negated = !negated;
    nameFrom++;
  }
  const folded = (flags & FOLD_CASE) != 0;
  const tmp = bufNew(64);
  if (!appendUnicodeClass(tmp, pat + nameFrom, nameTo - nameFrom, folded)) {
    return fail(E_INVALID_CHAR_RANGE, t, seqEnd);
  }
  cleanClass(tmp);
  if (negated) appendNegatedAt(b, bufPtr(tmp), bufLen(tmp));
  else appendClassAt(b, bufPtr(tmp), bufLen(tmp), false);
  return <i32>seqEnd;
}

/** A class character at t (plain or escaped); the rune with gAfter set, or -1. */
function parseClassChar(t: u32, wholeClass: u32): i32 {
  if (t >= patLen) return fail(E_MISSING_BRACKET, wholeClass, patLen);
  if (at(t) == 92) return parseEscape(t);
  if (nextRune(t) < 0) return -1;
  gAfter = t + gWidth;
  return gRune;
}

/** A bracketed class at s (`[`…`]`); returns the index after it. */
function parseClass(s: u32): i32 {
  let t = s + 1;
  const b = bufNew(8);
  let negated = false;
  if (t < patLen && at(t) == 94) {
    negated = true;
    t++;
  }
  let first = true;
  while (t >= patLen || at(t) != 93 || first) {
    first = false;
    if (t + 2 < patLen && at(t) == 91 && at(t + 1) == 58) {
      const r = parseNamedClass(t, b);
      if (r == -1) return -1;
      if (r >= 0) {
        t = <u32>r;
        continue;
      }
    }
    let r = parseUnicodeClass(t, b);
    if (r == -1) return -1;
    if (r >= 0) {
      t = <u32>r;
      continue;
    }
    r = parsePerlClassEscape(t, b);
    if (r >= 0) {
      t = <u32>r;
      continue;
    }
    const rng = t;
    const lo = parseClassChar(t, s);
    if (lo < 0) return -1;
    t = gAfter;
    let hi = lo;
    if (t + 1 < patLen && at(t) == 45 && at(t + 1) != 93) {
      t++;
      hi = parseClassChar(t, s);
      if (hi < 0) return -1;
      t = gAfter;
      if (hi < lo) return fail(E_INVALID_CHAR_RANGE, rng, t);
    }
    if ((flags & FOLD_CASE) == 0) appendRange(b, lo, hi);
    else appendFoldedRange(b, lo, hi);
  }
  t++;
  cleanClass(b);
  if (negated) negateClass(b);
  if (classNode(b) < 0) return -1;
  return <i32>t;
}

// --- main loop -------------------------------------------------------------------------------

/**
 * Parses the n bytes at p. Returns the tree, or 0 with errCode/errPtr/errLen set. parsedCaps is
 * the number of capture groups.
 */
export function parseRegexp(p: usize, n: u32): usize {
  pat = p;
  patLen = n;
  flags = PERL;
  stack = bufNew(16);
  numCap = 0;
  numRunes = 0;
  let t: u32 = 0;
  let lastRepeat: i32 = -1;
  while (t < n) {
    let repeatAt: i32 = -1;
    const c = at(t);
    let r: i32 = 0;
    if (c == 40) { // (
      if (t + 1 < n && at(t + 1) == 63) {
        r = parsePerlFlags(t);
        if (r < 0) return 0;
        t = <u32>r;
      } else {
        numCap++;
        if (op(OP_LEFT_PAREN) < 0) return 0;
        store<i32>(top(), numCap, 12);
        t++;
      }
    } else if (c == 124) { // |
      if (parseVerticalBar() < 0) return 0;
      t++;
    } else if (c == 41) { // )
      if (parseRightParen() < 0) return 0;
      t++;
    } else if (c == 94) { // ^
      if (op((flags & ONE_LINE) != 0 ? OP_BEGIN_TEXT : OP_BEGIN_LINE) < 0) return 0;
      t++;
    } else if (c == 36) { // $
      if (op((flags & ONE_LINE) != 0 ? OP_END_TEXT : OP_END_LINE) < 0) return 0;
      t++;
    } else if (c == 46) { // .
      if (op((flags & DOT_NL) != 0 ? OP_ANY : OP_ANY_NOT_NL) < 0) return 0;
      t++;
    } else if (c == 91) { // [
      r = parseClass(t);
      if (r < 0) return 0;
      t = <u32>r;
    } else if (c == 42 || c == 43 || c == 63) { // * + ?
      const o = c == 42 ? OP_STAR : c == 43 ? OP_PLUS : OP_QUEST;
      r = repeat(o, 0, 0, t, t + 1, lastRepeat);
      if (r < 0) return 0;
      repeatAt = <i32>t;
      t = <u32>r;
    } else if (c == 123) { // {
      if (!parseRepeat(t)) {
        if (literal(123) < 0) return 0;
        t++;
      } else {
        if (gMin < 0 || gMin > MAX_REPEAT || gMax > MAX_REPEAT || (gMax >= 0 && gMin > gMax)) {
          fail(E_INVALID_REPEAT_SIZE, t, gAfter);
          return 0;
        }
        r = repeat(OP_REPEAT, gMin, gMax, t, gAfter, lastRepeat);
        if (r < 0) return 0;
        repeatAt = <i32>t;
        t = <u32>r;
      }
    } else if (c == 92) { // backslash
      r = parseBackslash(t);
      if (r < 0) return 0;
      t = <u32>r;
    } else {
      if (nextRune(t) < 0) return 0;
      const w = gWidth;
      if (literal(gRune) < 0) return 0;
      t += w;
    }
    lastRepeat = repeatAt;
  }
  if (concat() < 0) return 0;
  if (swapVerticalBar()) bufSetLen(stack, bufLen(stack) - 1);
  if (alternate() < 0) return 0;
  if (bufLen(stack) != 1) {
    failWhole(E_MISSING_PAREN);
    return 0;
  }
  parsedCaps = numCap;
  return top();
}

/** A backslash sequence at t outside a class; returns the index after it. */
function parseBackslash(t: u32): i32 {
  if (t + 1 < patLen) {
    const c = at(t + 1);
    if (c == 65) { // \A
      if (op(OP_BEGIN_TEXT) < 0) return -1;
      return <i32>t + 2;
    }
    if (c == 98) { // \b
      if (op(OP_WORD_BOUNDARY) < 0) return -1;
      return <i32>t + 2;
    }
    if (c == 66) { // \B
      if (op(OP_NO_WORD_BOUNDARY) < 0) return -1;
      return <i32>t + 2;
    }
    if (c == 67) return fail(E_INVALID_ESCAPE, t, t + 2); // \C: any byte, not supported
    if (c == 81) { // \Q … \E
      let end = t + 2;
      while (end < patLen && !(at(end) == 92 && end + 1 < patLen && at(end + 1) == 69)) end++;
      const litEnd = end;
      let i = t + 2;
      while (i < litEnd) {
        decodeRune(pat + i, litEnd - i);
        if (gRune == RUNE_ERROR && gWidth == 1) return fail(E_INVALID_UTF8, i, litEnd);
        const w = gWidth;
        if (literal(gRune) < 0) return -1;
        i += w;
      }
      return <i32>(end < patLen ? end + 2 : patLen);
    }
    if (c == 122) { // \z
      if (op(OP_END_TEXT) < 0) return -1;
      return <i32>t + 2;
    }
  }
  const b = bufNew(8);
  if (t + 1 < patLen && (at(t + 1) == 112 || at(t + 1) == 80)) {
    const r = parseUnicodeClass(t, b);
    if (r == -1) return -1;
    if (r >= 0) {
      if (classNode(b) < 0) return -1;
      return r;
    }
  }
  const r = parsePerlClassEscape(t, b);
  if (r >= 0) {
    cleanClass(b);
    if (classNode(b) < 0) return -1;
    return r;
  }
  const rune = parseEscape(t);
  if (rune < 0) return -1;
  const after = gAfter;
  if (literal(rune) < 0) return -1;
  return <i32>after;
}
