// Strict JSON (RFC 8259) parser; with `rego` on, also Rego set syntax: `{1, 2}` and `set()`.
// Returns 0 on invalid text. Nesting is limited to MAX_DEPTH.
import { alloc, pushByte, pushCodePoint, heapTop, setHeapTop, finishText } from "./heap";
import {
  nullValue, boolValue, refValue, stringValue, arrayValue, objectValue, setValue,
  arrayPush, objectPut, setAdd, tagOf, T_STRING,
} from "./value";
import { validNumberText } from "./number";

const MAX_DEPTH: i32 = 1000;

let pos: usize = 0;
let end: usize = 0;
let rego = false;
let depth: i32 = 0;

function skipWs(): void {
  while (pos < end) {
    const c = load<u8>(pos);
    if (c == 32 || c == 9 || c == 10 || c == 13) pos++;
    else break;
  }
}

function peek(): i32 {
  return pos < end ? <i32>load<u8>(pos) : -1;
}

function matchWord(w: string): bool {
  const n = <usize>w.length;
  if (pos + n > end) return false;
  for (let i: usize = 0; i < n; i++) {
    if (<i32>load<u8>(pos + i) != w.charCodeAt(<i32>i)) return false;
  }
  pos += n;
  return true;
}

function hex4(): i32 {
  if (pos + 4 > end) return -1;
  let x: i32 = 0;
  for (let i = 0; i < 4; i++) {
    const c = <i32>load<u8>(pos++);
    let d: i32;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return -1;
    x = (x << 4) | d;
  }
  return x;
}

/** Length of a valid UTF-8 sequence at p (lead byte >= 0x80), or 0 if invalid. */
function utf8Seq(p: usize, limit: usize): u32 {
  const c = <u32>load<u8>(p);
  let n: u32;
  let min: u32;
  let cp: u32;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2; min = 0x80; cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3; min = 0x800; cp = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4; min = 0x10000; cp = c & 0x07;
  } else {
    return 0;
  }
  if (p + n > limit) return 0;
  for (let i: u32 = 1; i < n; i++) {
    const d = <u32>load<u8>(p + i);
    if ((d & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return 0;
  return n;
}

/** Parses a string body after the opening quote; returns a string value or 0. */
function parseString(): usize {
  // Fast scan: no escapes → copy bytes at once.
  const start = pos;
  let p = pos;
  while (p < end) {
    const c = load<u8>(p);
    if (c == 34 || c == 92 || c < 32 || c >= 0x80) break;
    p++;
  }
  const out = heapTop();
  // Copy the plain prefix, then continue byte by byte.
  for (let q = start; q < p; q++) pushByte(load<u8>(q));
  pos = p;
  while (true) {
    if (pos >= end) return fail(out);
    const c = <u32>load<u8>(pos);
    if (c == 34) {
      pos++;
      break;
    }
    if (c < 32) return fail(out);
    if (c == 92) {
      pos++;
      if (pos >= end) return fail(out);
      const e = <u32>load<u8>(pos++);
      if (e == 34 || e == 92 || e == 47) pushByte(e);
      else if (e == 98) pushByte(8);
      else if (e == 102) pushByte(12);
      else if (e == 110) pushByte(10);
      else if (e == 114) pushByte(13);
      else if (e == 116) pushByte(9);
      else if (e == 117) {
        let u = hex4();
        if (u < 0) return fail(out);
        if (u >= 0xd800 && u < 0xdc00) {
          if (pos + 1 < end && load<u8>(pos) == 92 && load<u8>(pos + 1) == 117) {
            pos += 2;
            const lo = hex4();
            if (lo < 0xdc00 || lo >= 0xe000) return fail(out);
            u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
          } else {
            return fail(out);
          }
        } else if (u >= 0xdc00 && u < 0xe000) {
          return fail(out);
        }
        pushCodePoint(<u32>u);
      } else {
        return fail(out);
      }
      continue;
    }
    if (c >= 0x80) {
      const n = utf8Seq(pos, end);
      if (n == 0) return fail(out);
      for (let i: u32 = 0; i < n; i++) pushByte(load<u8>(pos + i));
      pos += n;
      continue;
    }
    pushByte(c);
    pos++;
  }
  const len = <u32>(heapTop() - out);
  finishText();
  return stringValue(out, len);
}

function fail(mark: usize): usize {
  setHeapTop(mark);
  return 0;
}

function parseNumber(): usize {
  const start = pos;
  while (pos < end) {
    const c = load<u8>(pos);
    if ((c >= 48 && c <= 57) || c == 45 || c == 43 || c == 46 || c == 101 || c == 69) pos++;
    else break;
  }
  const n = <u32>(pos - start);
  if (!validNumberText(start, n)) return 0;
  const text = alloc(n);
  memory.copy(text, start, n);
  return refValue(text, n);
}

function parseValue(): usize {
  skipWs();
  const c = peek();
  if (c == 34) {
    pos++;
    return parseString();
  }
  if (c == 45 || (c >= 48 && c <= 57)) return parseNumber();
  if (c == 123) return parseBrace();
  if (c == 91) return parseArray();
  if (c == 116) return matchWord("true") ? boolValue(true) : 0;
  if (c == 102) return matchWord("false") ? boolValue(false) : 0;
  if (c == 110) return matchWord("null") ? nullValue() : 0;
  if (rego && c == 115) return matchWord("set()") ? setValue(0) : 0;
  return 0;
}

function parseArray(): usize {
  pos++;
  if (++depth > MAX_DEPTH) return 0;
  const a = arrayValue(0);
  skipWs();
  if (peek() == 93) {
    pos++;
    depth--;
    return a;
  }
  while (true) {
    const v = parseValue();
    if (v == 0) return 0;
    arrayPush(a, v);
    skipWs();
    const c = peek();
    pos++;
    if (c == 44) continue;
    if (c == 93) break;
    return 0;
  }
  depth--;
  return a;
}

/** `{` starts an object, or (Rego) a set when the first element is not followed by `:`. */
function parseBrace(): usize {
  pos++;
  if (++depth > MAX_DEPTH) return 0;
  skipWs();
  if (peek() == 125) {
    pos++;
    depth--;
    return objectValue(0);
  }
  const first = parseValue();
  if (first == 0) return 0;
  skipWs();
  if (peek() != 58) {
    if (!rego) return 0;
    const s = setValue(0);
    setAdd(s, first);
    while (true) {
      skipWs();
      const c = peek();
      pos++;
      if (c == 125) break;
      if (c != 44) return 0;
      const v = parseValue();
      if (v == 0) return 0;
      setAdd(s, v);
    }
    depth--;
    return s;
  }
  if (!rego && tagOf(first) != T_STRING) return 0;
  const o = objectValue(0);
  let key = first;
  while (true) {
    skipWs();
    if (peek() != 58) return 0;
    pos++;
    const v = parseValue();
    if (v == 0) return 0;
    objectPut(o, key, v);
    skipWs();
    const c = peek();
    pos++;
    if (c == 125) break;
    if (c != 44) return 0;
    key = parseValue();
    if (key == 0) return 0;
    if (!rego && tagOf(key) != T_STRING) return 0;
  }
  depth--;
  return o;
}

function parseText(p: usize, n: usize, allowSets: bool): usize {
  pos = p;
  end = p + n;
  rego = allowSets;
  depth = 0;
  const mark = heapTop();
  const v = parseValue();
  if (v != 0) {
    skipWs();
    if (pos == end) return v;
  }
  setHeapTop(mark);
  return 0;
}

export function opa_json_parse(p: usize, n: usize): usize {
  return parseText(p, n, false);
}

export function opa_value_parse(p: usize, n: usize): usize {
  return parseText(p, n, true);
}
