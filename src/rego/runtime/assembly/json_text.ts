// JSON text as Go's encoding/json reads it for OPA (json.is_valid: json.Valid; json.unmarshal: a
// json.Decoder with UseNumber): RFC 8259 grammar, nesting up to 10000, numbers kept as their text,
// lone surrogate escapes as U+FFFD, duplicate keys last-wins, and Go's error messages ("invalid
// character 'x' looking for beginning of value", "unexpected EOF", …). Iterative: no recursion.
import { heapTop, setHeapTop, pushByte, pushStatic, pushCodePoint, finishText, alloc } from "./heap";
import {
  nullValue, boolValue, refValue, stringValue, arrayValue, objectValue, arrayPush, objectPut,
} from "./value";
import { bufNew, bufLen, bufAt, bufPush, bufSetLen } from "./re_class";

const MAX_DEPTH: u32 = 10000;

let p: usize = 0;
let n: u32 = 0;
let i: u32 = 0;
let build = false;

// The error: a message (static), and the offending byte for "invalid character" messages.
export let jsonErrorKind: i32 = 0; // 0 none, 1 invalid character, 2 unexpected EOF, 3 EOF, 4 max depth
export let jsonErrorChar: u32 = 0;
export let jsonErrorContext: string = "";

function invalid(context: string): usize {
  if (i >= n) {
    jsonErrorKind = 2;
    return 0;
  }
  jsonErrorKind = 1;
  jsonErrorChar = <u32>load<u8>(p + i);
  jsonErrorContext = context;
  return 0;
}

function isSpace(c: u32): bool {
  return c == 32 || c == 9 || c == 10 || c == 13;
}

function skipSpace(): void {
  while (i < n && isSpace(<u32>load<u8>(p + i))) i++;
}

// @ts-ignore: decorator
@inline function at(k: u32): u32 {
  return k < n ? <u32>load<u8>(p + k) : 0xffffffff;
}

function literal(word: string, value: usize): usize {
  // the first character is known; the rest must follow
  const len = <u32>word.length;
  for (let k: u32 = 1; k < len; k++) {
    i++;
    const want = <u32>word.charCodeAt(<i32>k);
    if (at(i) != want) {
      if (i >= n) {
        jsonErrorKind = 2;
        return 0;
      }
      // "in literal true (expecting 'r')"
      jsonErrorKind = 1;
      jsonErrorChar = at(i);
      jsonErrorContext = word;
      literalExpected = want;
      return 0;
    }
  }
  i++;
  return value;
}
export let literalExpected: u32 = 0;

function isDigit(c: u32): bool {
  return c >= 48 && c <= 57;
}

function number(): usize {
  const start = i;
  if (at(i) == 45) {
    i++;
    if (!isDigit(at(i))) return invalid("in numeric literal");
  }
  if (at(i) == 48) i++;
  else while (isDigit(at(i))) i++;
  if (at(i) == 46) {
    i++;
    if (!isDigit(at(i))) return invalid("after decimal point in numeric literal");
    while (isDigit(at(i))) i++;
  }
  if (at(i) == 101 || at(i) == 69) {
    i++;
    if (at(i) == 43 || at(i) == 45) i++;
    if (!isDigit(at(i))) return invalid("in exponent of numeric literal");
    while (isDigit(at(i))) i++;
  }
  if (!build) return 1;
  const len = i - start;
  const text = alloc(len);
  memory.copy(text, p + start, len);
  return refValue(text, len);
}

function hex4(k: u32): i32 {
  let x: i32 = 0;
  for (let j: u32 = 0; j < 4; j++) {
    const c = at(k + j);
    let d: i32 = 0;
    if (c >= 48 && c <= 57) d = <i32>c - 48;
    else if (c >= 97 && c <= 102) d = <i32>c - 87;
    else if (c >= 65 && c <= 70) d = <i32>c - 55;
    else return -1 - <i32>j;
    x = (x << 4) | d;
  }
  return x;
}

/** A string after its opening quote; its value (build) or 1, 0 on error. */
function str(): usize {
  const out = heapTop();
  while (true) {
    if (i >= n) {
      if (build) setHeapTop(out);
      jsonErrorKind = 2;
      return 0;
    }
    const c = <u32>load<u8>(p + i);
    if (c == 34) {
      i++;
      break;
    }
    if (c < 32) {
      if (build) setHeapTop(out);
      return invalid("in string literal");
    }
    if (c != 92) {
      if (build) pushByte(c);
      i++;
      continue;
    }
    i++;
    const e = at(i);
    if (e == 117) { // \u
      const u = hex4(i + 1);
      if (u < 0) {
        i += <u32>(-u);
        if (build) setHeapTop(out);
        return invalid("in \\u hexadecimal character escape");
      }
      i += 5;
      let cp = <u32>u;
      if (cp >= 0xd800 && cp < 0xe000) {
        cp = 0xfffd;
        // a high surrogate followed by an escaped low one makes a pair
        if (u < 0xdc00 && at(i) == 92 && at(i + 1) == 117) {
          const lo = hex4(i + 2);
          if (lo >= 0xdc00 && lo < 0xe000) {
            cp = 0x10000 + ((<u32>u - 0xd800) << 10) + (<u32>lo - 0xdc00);
            i += 6;
          }
        }
      }
      if (build) pushCodePoint(cp);
      continue;
    }
    let r: u32 = 0;
    if (e == 34 || e == 92 || e == 47) r = e;
    else if (e == 98) r = 8;
    else if (e == 102) r = 12;
    else if (e == 110) r = 10;
    else if (e == 114) r = 13;
    else if (e == 116) r = 9;
    else {
      if (build) setHeapTop(out);
      return invalid("in string escape code");
    }
    if (build) pushByte(r);
    i++;
  }
  if (!build) return 1;
  const len = <u32>(heapTop() - out);
  finishText();
  return stringValue(out, len);
}

// Containers being built: [container, pending key or 0] pairs; kinds by the container's tag.
let stack: usize = 0;
let depth: u32 = 0;

const IN_ARRAY: u32 = 1;
const IN_OBJECT: u32 = 2;

/** A value starting at i (after spaces); 0 on error. */
function scalarOrOpen(): usize {
  const c = at(i);
  if (c == 34) {
    i++;
    return str();
  }
  if (c == 45 || isDigit(c)) return number();
  if (c == 116) return literal("true", boolValue(true));
  if (c == 102) return literal("false", boolValue(false));
  if (c == 110) return literal("null", nullValue());
  return invalid("looking for beginning of value");
}

/**
 * Scans the n bytes at text; builds the value when build is set. Returns the value (or 1 when not
 * building), 0 on error (jsonErrorKind etc. set). Trailing non-space text is an error.
 */
export function scanJson(text: usize, len: u32, toBuild: bool): usize {
  p = text;
  n = len;
  i = 0;
  build = toBuild;
  jsonErrorKind = 0;
  stack = bufNew(16); // [kind, container, key] triples
  depth = 0;
  skipSpace();
  if (i >= n) {
    jsonErrorKind = 3; // io.EOF: nothing at all
    return 0;
  }
  let value: usize = 0;
  // the loop alternates: read a value (possibly opening a container), then close/continue
  while (true) {
    skipSpace();
    const c = at(i);
    if (c == 91 || c == 123) {
      if (++depth > MAX_DEPTH) {
        jsonErrorKind = 4;
        return 0;
      }
      i++;
      const container = build ? (c == 91 ? arrayValue(0) : objectValue(0)) : 1;
      bufPush(stack, <i32>(c == 91 ? IN_ARRAY : IN_OBJECT));
      bufPush(stack, <i32>container);
      bufPush(stack, 0);
      skipSpace();
      if (c == 91) {
        if (at(i) == 93) {
          i++;
          value = closeTop();
        } else {
          continue; // read the first element
        }
      } else {
        if (at(i) == 125) {
          i++;
          value = closeTop();
        } else {
          if (at(i) != 34) return invalid("looking for beginning of object key string");
          i++;
          const key = str();
          if (key == 0) return 0;
          setKey(key);
          skipSpace();
          if (at(i) != 58) return invalid("after object key");
          i++;
          continue; // read the value
        }
      }
    } else {
      value = scalarOrOpen();
      if (value == 0) return 0;
    }
    // a value is complete: hand it to the enclosing containers
    while (true) {
      if (bufLen(stack) == 0) {
        skipSpace();
        if (i < n) return invalid("after top-level value");
        return value;
      }
      const top = bufLen(stack) - 3;
      const kind = <u32>bufAt(stack, top);
      const container = <usize><u32>bufAt(stack, top + 1);
      skipSpace();
      if (kind == IN_ARRAY) {
        if (build) arrayPush(container, value);
        if (at(i) == 44) {
          i++;
          break; // next element
        }
        if (at(i) == 93) {
          i++;
          value = closeTop();
          continue;
        }
        return invalid("after array element");
      }
      if (build) objectPut(container, <usize><u32>bufAt(stack, top + 2), value);
      if (at(i) == 44) {
        i++;
        skipSpace();
        if (at(i) != 34) return invalid("looking for beginning of object key string");
        i++;
        const key = str();
        if (key == 0) return 0;
        setKey(key);
        skipSpace();
        if (at(i) != 58) return invalid("after object key");
        i++;
        break; // the value
      }
      if (at(i) == 125) {
        i++;
        value = closeTop();
        continue;
      }
      return invalid("after object key:value pair");
    }
  }
}

function setKey(key: usize): void {
  const top = bufLen(stack) - 3;
  store<i32>(<usize>load<u32>(stack) + (<usize>(top + 2) << 2), <i32>key);
}

function closeTop(): usize {
  const top = bufLen(stack) - 3;
  const container = <usize><u32>bufAt(stack, top + 1);
  bufSetLen(stack, top);
  depth--;
  return container;
}

/** Appends Go's message for the last error at the heap top (no NUL). */
export function pushJsonError(): void {
  if (jsonErrorKind == 2) {
    pushStatic("unexpected EOF");
  } else if (jsonErrorKind == 3) {
    pushStatic("EOF");
  } else if (jsonErrorKind == 4) {
    pushStatic("exceeded max depth");
  } else {
    pushStatic("invalid character ");
    pushQuoteChar(jsonErrorChar);
    pushByte(32);
    const ctx = jsonErrorContext;
    if (ctx == "true" || ctx == "false" || ctx == "null") {
      pushStatic("in literal ");
      pushStatic(ctx);
      pushStatic(" (expecting ");
      pushQuoteChar(literalExpected);
      pushByte(41);
    } else {
      pushStatic(ctx);
    }
  }
}

/** Go's quoteChar: the byte as a rune in single quotes, escaped as strconv.Quote does. */
function pushQuoteChar(c: u32): void {
  pushByte(39);
  if (c == 39) {
    pushStatic("\\'");
  } else if (c == 34) {
    pushByte(34);
  } else if (c == 92) {
    pushStatic("\\\\");
  } else if (c == 7) pushStatic("\\a");
  else if (c == 8) pushStatic("\\b");
  else if (c == 12) pushStatic("\\f");
  else if (c == 10) pushStatic("\\n");
  else if (c == 13) pushStatic("\\r");
  else if (c == 9) pushStatic("\\t");
  else if (c == 11) pushStatic("\\v");
  else if (c < 32 || c == 127) {
    pushStatic("\\x");
    pushByte(<u32>HEX.charCodeAt(<i32>(c >> 4)));
    pushByte(<u32>HEX.charCodeAt(<i32>(c & 15)));
  } else if ((c >= 0x80 && c < 0xa0) || c == 0xa0 || c == 0xad) {
    pushStatic("\\u00");
    pushByte(<u32>HEX.charCodeAt(<i32>(c >> 4)));
    pushByte(<u32>HEX.charCodeAt(<i32>(c & 15)));
  } else {
    pushCodePoint(c); // a byte >= 0x80 reads as the rune of that value (Latin-1)
  }
  pushByte(39);
}

const HEX: string = "0123456789abcdef";
