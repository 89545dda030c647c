// base64 and base64url built-ins over a string's UTF-8 bytes, with Go's encoding/base64 decoder
// (padding required, CR and LF skipped, error offsets in the input). Decoded bytes that are not
// UTF-8 become U+FFFD as a TextDecoder reads them (the host's answer; OPA keeps the raw bytes).
import { heapTop, setHeapTop, pushByte, pushBytes, pushStatic, pushCodePoint, finishText, alloc } from "./heap";
import { lenOf, strPtr, boolValue, T_STRING } from "./value";
import { is, typeError, endString } from "./bi_common";
import { rt_builtin_error } from "./host";
import { pushUint } from "./dtoa";
import { validUtf8 } from "./utf8";

const STD: string = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL: string = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function encode(name: string, s: usize, alphabet: string, pad: bool): usize {
  if (!is(s, T_STRING)) return typeError(name, 1, "string", s);
  const p = strPtr(s);
  const n = lenOf(s);
  const start = heapTop();
  let i: u32 = 0;
  while (i + 3 <= n) {
    const v = (<u32>load<u8>(p + i) << 16) | (<u32>load<u8>(p + i + 1) << 8) | <u32>load<u8>(p + i + 2);
    pushByte(<u32>alphabet.charCodeAt(<i32>(v >> 18) & 63));
    pushByte(<u32>alphabet.charCodeAt(<i32>(v >> 12) & 63));
    pushByte(<u32>alphabet.charCodeAt(<i32>(v >> 6) & 63));
    pushByte(<u32>alphabet.charCodeAt(<i32>v & 63));
    i += 3;
  }
  const rest = n - i;
  if (rest > 0) {
    let v = <u32>load<u8>(p + i) << 16;
    if (rest == 2) v |= <u32>load<u8>(p + i + 1) << 8;
    pushByte(<u32>alphabet.charCodeAt(<i32>(v >> 18) & 63));
    pushByte(<u32>alphabet.charCodeAt(<i32>(v >> 12) & 63));
    if (rest == 2) pushByte(<u32>alphabet.charCodeAt(<i32>(v >> 6) & 63));
    else if (pad) pushByte(61);
    if (pad) pushByte(61);
  }
  return endString(start);
}

export function bi_base64_encode(s: usize): usize {
  return encode("base64.encode", s, STD, true);
}

export function bi_base64url_encode(s: usize): usize {
  return encode("base64url.encode", s, URL, true);
}

export function bi_base64url_encode_no_pad(s: usize): usize {
  return encode("base64url.encode_no_pad", s, URL, false);
}

function decodeChar(c: u32, url: bool): i32 {
  if (c >= 65 && c <= 90) return <i32>c - 65;
  if (c >= 97 && c <= 122) return <i32>c - 71;
  if (c >= 48 && c <= 57) return <i32>c + 4;
  if (c == (url ? 45 : 43)) return 62;
  if (c == (url ? 95 : 47)) return 63;
  return -1;
}

/** Set by decode on failure: the offset Go reports. */
let badOffset: i64 = 0;

/**
 * Go's Encoding.DecodeString (padded, non-strict) of the n bytes at p, written at the heap top.
 * Returns the byte count, or -1 with badOffset set.
 */
function decode(p: usize, n: u32, url: bool): i32 {
  let si: u32 = 0;
  let written: i32 = 0;
  while (si < n) {
    let v: u32 = 0;
    let j: u32 = 0;
    let dlen: u32 = 4;
    let trailing = false;
    for (; j < 4; j++) {
      if (si == n) {
        if (j == 0) return written;
        badOffset = <i64>si - <i64>j; // incomplete quantum (padding required)
        return -1;
      }
      const c = <u32>load<u8>(p + si);
      si++;
      const d = decodeChar(c, url);
      if (d >= 0) {
        v = (v << 6) | <u32>d;
        continue;
      }
      if (c == 10 || c == 13) {
        j--;
        continue;
      }
      if (c != 61 || j < 2) {
        badOffset = <i64>si - 1;
        return -1;
      }
      if (j == 2) {
        // "==" expected: the first '=' is consumed
        while (si < n && (load<u8>(p + si) == 10 || load<u8>(p + si) == 13)) si++;
        if (si == n) {
          badOffset = <i64>n;
          return -1;
        }
        if (load<u8>(p + si) != 61) {
          badOffset = <i64>si - 1;
          return -1;
        }
        si++;
      }
      while (si < n && (load<u8>(p + si) == 10 || load<u8>(p + si) == 13)) si++;
      if (si < n) trailing = true;
      dlen = j;
      break;
    }
    v <<= 6 * (4 - dlen);
    if (dlen >= 2) pushByte(v >> 16);
    if (dlen >= 3) pushByte((v >> 8) & 0xff);
    if (dlen == 4) pushByte(v & 0xff);
    written += <i32>dlen - 1;
    if (trailing) {
      badOffset = <i64>si;
      return -1;
    }
  }
  return written;
}

/** A string value from decoded bytes at [start, heap top): invalid UTF-8 becomes U+FFFD. */
function decodedString(start: usize, n: u32): usize {
  if (validUtf8(start, n)) return endString(start);
  // WHATWG UTF-8 decoding (as TextDecoder): copy the bytes aside, then decode them in place
  const copy = alloc(n);
  memory.copy(copy, start, n);
  const out = heapTop();
  let needed: u32 = 0;
  let seen: u32 = 0;
  let cp: u32 = 0;
  let lower: u32 = 0x80;
  let upper: u32 = 0xbf;
  let i: u32 = 0;
  while (i < n) {
    const b = <u32>load<u8>(copy + i);
    if (needed == 0) {
      i++;
      if (b <= 0x7f) pushByte(b);
      else if (b >= 0xc2 && b <= 0xdf) {
        needed = 1;
        cp = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        if (b == 0xe0) lower = 0xa0;
        if (b == 0xed) upper = 0x9f;
        needed = 2;
        cp = b & 0xf;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b == 0xf0) lower = 0x90;
        if (b == 0xf4) upper = 0x8f;
        needed = 3;
        cp = b & 7;
      } else pushCodePoint(0xfffd);
      continue;
    }
    if (b < lower || b > upper) {
      needed = seen = cp = 0;
      lower = 0x80;
      upper = 0xbf;
      pushCodePoint(0xfffd);
      continue; // the byte is read again
    }
    i++;
    lower = 0x80;
    upper = 0xbf;
    cp = (cp << 6) | (b & 0x3f);
    if (++seen == needed) {
      pushCodePoint(cp);
      needed = seen = cp = 0;
    }
  }
  if (needed != 0) pushCodePoint(0xfffd);
  // move the text down over the raw bytes
  const len = heapTop() - out;
  memory.copy(start, out, len);
  setHeapTop(start + len);
  return endString(start);
}

function decodeError(name: string): usize {
  const p = heapTop();
  pushStatic(name);
  pushStatic(": illegal base64 data at input byte ");
  pushUint(<u64>badOffset);
  pushByte(0);
  finishText();
  return rt_builtin_error(p);
}

export function bi_base64_decode(s: usize): usize {
  if (!is(s, T_STRING)) return typeError("base64.decode", 1, "string", s);
  const start = heapTop();
  const n = decode(strPtr(s), lenOf(s), false);
  if (n < 0) {
    setHeapTop(start);
    return decodeError("base64.decode");
  }
  return decodedString(start, <u32>n);
}

export function bi_base64_is_valid(s: usize): usize {
  if (!is(s, T_STRING)) return typeError("base64.is_valid", 1, "string", s);
  const start = heapTop();
  const n = decode(strPtr(s), lenOf(s), false);
  setHeapTop(start);
  return boolValue(n >= 0);
}

export function bi_base64url_decode(s: usize): usize {
  const name = "base64url.decode";
  if (!is(s, T_STRING)) return typeError(name, 1, "string", s);
  // unpadded input is padded first (RFC 7515 appendix C), by its length in bytes
  let p = strPtr(s);
  let n = lenOf(s);
  if (n == 0 || load<u8>(p + n - 1) != 61) {
    const rest = n % 4;
    if (rest == 1) {
      const e = heapTop();
      pushStatic(name);
      pushStatic(": illegal base64url string: ");
      pushBytes(p, n);
      pushByte(0);
      finishText();
      return rt_builtin_error(e);
    }
    if (rest > 1) {
      const padded = heapTop();
      pushBytes(p, n);
      pushByte(61);
      if (rest == 2) pushByte(61);
      p = padded;
      n = <u32>(heapTop() - padded);
      finishText();
    }
  }
  const start = heapTop();
  const k = decode(p, n, true);
  if (k < 0) {
    setHeapTop(start);
    return decodeError(name);
  }
  return decodedString(start, <u32>k);
}
