// glob.match and glob.quote_meta as OPA has them, with the gobwas/glob library (v0.2.3): its lexer
// and parser are followed token for token (what it accepts, how it reads `[a-b]`, `[!…]`, `{a,b}`,
// escapes, and its error messages). `*` is any run of non-delimiter characters, `**` any run, `?`
// one non-delimiter character, `[…]` one character. Delimiters: null → none, [] → ["."],
// otherwise the given single characters. The glob becomes an anchored RE2 pattern (characters as
// \x{…}) run by the regexp engine: linear time, cached per evaluation like a regexp.
import { heapTop, setHeapTop, pushByte, pushStatic, pushCodePoint, finishText } from "./heap";
import { rt_builtin_error } from "./host";
import { lenOf, strPtr, elemAt, boolValue, T_STRING, T_ARRAY, T_NULL } from "./value";
import { is, typeError, elementError, fail, endString } from "./bi_common";
import { regexpFor, uncachedMark, cacheHit, KIND_GLOB } from "./re_cache";
import { execAt } from "./re_exec";
import { gRune, gWidth, decodeRune } from "./utf8";

const HEX: string = "0123456789abcdef";

function pushHexRune(c: i32): void {
  pushStatic("\\x{");
  let shift: i32 = 20;
  while (shift > 0 && ((c >> shift) & 15) == 0) shift -= 4;
  for (; shift >= 0; shift -= 4) pushByte(<u32>HEX.charCodeAt((c >> shift) & 15));
  pushByte(125);
}

// --- gobwas/glob's lexer (syntax/lexer, v0.2.3): tokens are pulled one by one; a lexer error
// (set while fetching) is reported by the next pull, before any queued token -------------------

const T_EOF: u32 = 0;
const T_ERROR: u32 = 1;
const T_TEXT: u32 = 2;
const T_ANY: u32 = 3;
const T_SUPER: u32 = 4;
const T_SINGLE: u32 = 5;
const T_NOT: u32 = 6;
const T_SEPARATOR: u32 = 7;
const T_RANGE_OPEN: u32 = 8;
const T_RANGE_CLOSE: u32 = 9;
const T_RANGE_LO: u32 = 10;
const T_RANGE_HI: u32 = 11;
const T_RANGE_BETWEEN: u32 = 12;
const T_TERMS_OPEN: u32 = 13;
const T_TERMS_CLOSE: u32 = 14;

// Token queue: [type, a, b] (text: source span [a, b); lo/hi: the rune in a).
const QUEUE: usize = memory.data(16 * 12);
let qHead: u32 = 0;
let qLen: u32 = 0;
let tokA: u32 = 0;
let tokB: u32 = 0;

let src: usize = 0;
let srcLen: u32 = 0;
let pos: u32 = 0;
let lastSize: u32 = 0;
let termsLevel: i32 = 0;
let lexError: string = "";
let globError: string = "";

function pushToken(t: u32, a: u32, b: u32): void {
  const at = QUEUE + <usize>((qHead + qLen) & 15) * 12;
  store<u32>(at, t);
  store<u32>(at, a, 4);
  store<u32>(at, b, 8);
  qLen++;
}

const EOF_RUNE: i32 = 0;

/** The rune at pos and its width (0 at the end); U+FFFD is an error, as gobwas reads it. */
function peek(): i32 {
  if (pos >= srcLen) {
    gWidthPeek = 0;
    return EOF_RUNE;
  }
  decodeRune(src + pos, srcLen - pos);
  if (gRune == 0xfffd) {
    lexError = "could not read rune";
    gWidthPeek = 0;
    return EOF_RUNE;
  }
  gWidthPeek = gWidth;
  return gRune;
}
let gWidthPeek: u32 = 0;

function read(): i32 {
  const r = peek();
  pos += gWidthPeek;
  lastSize = gWidthPeek;
  return r;
}

function unread(): void {
  pos -= lastSize;
}

function isBreaker(r: i32, inRange: bool): bool {
  if (inRange) return r == 93; // ]
  if (r == 63 || r == 42 || r == 91 || r == 123) return true; // ? * [ {
  return termsLevel > 0 && (r == 125 || r == 44); // } ,
}

function fetchText(inRange: bool): void {
  const start = pos;
  let end = pos;
  let escaped = false;
  let any = false;
  while (true) {
    end = pos;
    const r = read();
    if (r == EOF_RUNE) break; // a NUL rune is consumed and ends the text, as gobwas' eof
    if (!escaped) {
      if (r == 92) {
        escaped = true;
        continue;
      }
      if (isBreaker(r, inRange)) {
        unread();
        break;
      }
    }
    escaped = false;
    any = true;
  }
  if (any) pushToken(T_TEXT, start, end);
}

function fetchRange(): void {
  let wantHi = false;
  let wantClose = false;
  let seenNot = false;
  while (true) {
    const r = read();
    if (r == EOF_RUNE) {
      lexError = "unexpected end of input";
      return;
    }
    if (wantClose) {
      if (r != 93) lexError = "expected close range character";
      else pushToken(T_RANGE_CLOSE, 0, 0);
      return;
    }
    if (wantHi) {
      pushToken(T_RANGE_HI, <u32>r, 0);
      wantClose = true;
      continue;
    }
    if (!seenNot && r == 33) { // !
      pushToken(T_NOT, 0, 0);
      seenNot = true;
      continue;
    }
    if (peek() == 45) { // -
      pos += gWidthPeek;
      pushToken(T_RANGE_LO, <u32>r, 0);
      pushToken(T_RANGE_BETWEEN, 0, 0);
      wantHi = true;
      continue;
    }
    unread();
    fetchText(true);
    wantClose = true;
  }
}

function fetchItem(): void {
  const r = read();
  if (r == EOF_RUNE) {
    pushToken(T_EOF, 0, 0);
  } else if (r == 123) { // {
    termsLevel++;
    pushToken(T_TERMS_OPEN, 0, 0);
  } else if (r == 44 && termsLevel > 0) { // ,
    pushToken(T_SEPARATOR, 0, 0);
  } else if (r == 125 && termsLevel > 0) { // }
    pushToken(T_TERMS_CLOSE, 0, 0);
    termsLevel--;
  } else if (r == 91) { // [
    pushToken(T_RANGE_OPEN, 0, 0);
    fetchRange();
  } else if (r == 63) { // ?
    pushToken(T_SINGLE, 0, 0);
  } else if (r == 42) { // *
    if (read() == 42) {
      pushToken(T_SUPER, 0, 0);
    } else {
      unread();
      pushToken(T_ANY, 0, 0);
    }
  } else {
    unread();
    fetchText(false);
  }
}

function next(): u32 {
  while (true) {
    if (lexError != "") return T_ERROR;
    if (qLen > 0) {
      const at = QUEUE + <usize>(qHead & 15) * 12;
      qHead++;
      qLen--;
      tokA = load<u32>(at, 4);
      tokB = load<u32>(at, 8);
      return load<u32>(at);
    }
    fetchItem();
  }
}

// --- translation to RE2 (gobwas/glob's parser, syntax/ast) --------------------------------------

let delims: usize = 0; // array value of one-rune strings, or 0 for none

/** [^delimiters] (one non-delimiter character), or any character without delimiters. */
function pushNotDelim(): void {
  if (delims == 0) {
    pushStatic("(?s:.)");
    return;
  }
  pushStatic("[^");
  const n = lenOf(delims);
  for (let k: u32 = 0; k < n; k++) {
    const d = elemAt(delims, k);
    decodeRune(strPtr(d), lenOf(d));
    pushHexRune(gRune);
  }
  pushByte(93);
}

/** The runes of a text token (escapes resolved, a trailing backslash dropped). */
function pushText(from: u32, to: u32): void {
  let k = from;
  let escaped = false;
  while (k < to) {
    decodeRune(src + k, to - k);
    k += gWidth;
    if (!escaped && gRune == 92) {
      escaped = true;
      continue;
    }
    escaped = false;
    pushHexRune(gRune);
  }
}

function parseRange(): bool {
  let not = false;
  let lo: i32 = 0;
  let hi: i32 = 0;
  let textFrom: u32 = 0;
  let textTo: u32 = 0;
  let hasText = false;
  while (true) {
    const t = next();
    if (t == T_EOF) {
      globError = "unexpected end";
      return false;
    } else if (t == T_ERROR) {
      globError = lexError;
      return false;
    } else if (t == T_NOT) {
      not = true;
    } else if (t == T_RANGE_LO) {
      lo = <i32>tokA;
    } else if (t == T_RANGE_HI) {
      hi = <i32>tokA;
      if (hi < lo) {
        // "hi character 'X' should be greater than lo 'Y'": built at the heap top
        rangeHi = hi;
        rangeLo = lo;
        globError = RANGE_ORDER;
        return false;
      }
    } else if (t == T_TEXT) {
      textFrom = tokA;
      textTo = tokB;
      hasText = true;
    } else if (t == T_RANGE_CLOSE) {
      const isRange = lo != 0 && hi != 0;
      if (hasText == isRange) {
        globError = "could not parse range";
        return false;
      }
      pushStatic(not ? "[^" : "[");
      if (isRange) {
        pushHexRune(lo);
        pushByte(45);
        pushHexRune(hi);
      } else {
        pushText(textFrom, textTo);
      }
      pushByte(93);
      return true;
    }
  }
}

const RANGE_ORDER = "range order";
let rangeHi: i32 = 0;
let rangeLo: i32 = 0;

/** Translates the whole glob; false with globError set. */
function translate(): bool {
  let depth: i32 = 0;
  while (true) {
    const t = next();
    if (t == T_EOF) {
      for (; depth > 0; depth--) pushByte(41);
      return true;
    } else if (t == T_ERROR) {
      globError = lexError;
      return false;
    } else if (t == T_TEXT) {
      pushText(tokA, tokB);
    } else if (t == T_ANY) {
      pushNotDelim();
      pushByte(42);
    } else if (t == T_SUPER) {
      pushStatic("(?s:.)*");
    } else if (t == T_SINGLE) {
      pushNotDelim();
    } else if (t == T_RANGE_OPEN) {
      if (!parseRange()) return false;
    } else if (t == T_TERMS_OPEN) {
      depth++;
      pushStatic("(?:");
    } else if (t == T_SEPARATOR) {
      pushByte(124);
    } else if (t == T_TERMS_CLOSE) {
      depth--;
      pushByte(41);
    } else {
      globError = "unexpected token";
      return false;
    }
  }
}

function delimiterOperand(d: usize): bool {
  if (is(d, T_NULL)) {
    delims = 0;
    return true;
  }
  if (!is(d, T_ARRAY)) {
    typeError("glob.match", 2, "one of {array, null}", d);
    return false;
  }
  const n = lenOf(d);
  for (let k: u32 = 0; k < n; k++) {
    const e = elemAt(d, k);
    if (!is(e, T_STRING)) {
      elementError("glob.match", 2, d, "string", e);
      return false;
    }
    let runes: u32 = 0;
    let at: u32 = 0;
    while (at < lenOf(e)) {
      decodeRune(strPtr(e) + at, lenOf(e) - at);
      at += gWidth;
      runes++;
    }
    if (runes != 1) {
      elementError("glob.match", 2, d, "rune", e);
      return false;
    }
  }
  delims = n > 0 ? d : DEFAULT_DELIMS;
  return true;
}

// [] means ["."]: an array value of one string "."
const DOT: usize = memory.data<u8>([46]);
const DEFAULT_STRING: usize = memory.data<u32>([4, 1, <u32>DOT, 0]);
const DEFAULT_SLOTS: usize = memory.data<u32>([<u32>DEFAULT_STRING]);
const DEFAULT_DELIMS: usize = memory.data<u32>([5, 1, 1, <u32>DEFAULT_SLOTS]);

export function bi_glob_match(pattern: usize, delimiters: usize, match: usize): usize {
  if (!is(pattern, T_STRING)) return typeError("glob.match", 1, "string", pattern);
  if (!delimiterOperand(delimiters)) return 0;
  if (!is(match, T_STRING)) return typeError("glob.match", 3, "string", match);
  src = strPtr(pattern);
  srcLen = lenOf(pattern);
  pos = 0;
  lastSize = 0;
  termsLevel = 0;
  qHead = 0;
  qLen = 0;
  lexError = "";
  globError = "";
  const text = heapTop();
  pushStatic("\\A(?:");
  if (!translate()) {
    setHeapTop(text);
    if (globError != RANGE_ORDER) return fail("glob.match", globError);
    const p = heapTop();
    pushStatic("glob.match: hi character '");
    pushCodePoint(<u32>rangeHi);
    pushStatic("' should be greater than lo '");
    pushCodePoint(<u32>rangeLo);
    pushStatic("'");
    pushByte(0);
    finishText();
    return rt_builtin_error(p);
  }
  pushStatic(")\\z");
  const textLen = <u32>(heapTop() - text);
  finishText();
  const m = regexpFor(text, textLen, KIND_GLOB);
  if (m == 0) {
    setHeapTop(text);
    return fail("glob.match", "internal error: invalid translation");
  }
  const hit = cacheHit;
  const ok = execAt(m, strPtr(match), lenOf(match), 0, 0);
  if (hit || uncachedMark != 0) setHeapTop(text);
  return boolValue(ok);
}

export function bi_glob_quote_meta(pattern: usize): usize {
  if (!is(pattern, T_STRING)) return typeError("glob.quote_meta", 1, "string", pattern);
  const p = strPtr(pattern);
  const n = lenOf(pattern);
  const start = heapTop();
  for (let k: u32 = 0; k < n; k++) {
    const c = <u32>load<u8>(p + k);
    // * ? \ [ ] { }
    if (c == 42 || c == 63 || c == 92 || c == 91 || c == 93 || c == 123 || c == 125) pushByte(92);
    pushByte(c);
  }
  return endString(start);
}
