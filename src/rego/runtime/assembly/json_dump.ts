// Serialisation: JSON (sets as arrays, non-string keys as strings) and Rego value text.
import { heapTop, pushByte, pushBytes, pushStatic, finishText, setHeapTop } from "./heap";
import {
  tagOf, numKind, lenOf, strPtr, elemAt, keyAt, valAt,
  T_NULL, T_BOOLEAN, T_NUMBER, T_STRING, T_ARRAY, T_OBJECT, T_SET, N_INT,
} from "./value";
import { pushInt } from "./dtoa";

const HEX: string = "0123456789abcdef";

/** Appends a JSON string literal for the UTF-8 bytes (p, n). */
export function pushQuoted(p: usize, n: u32): void {
  pushByte(34);
  for (let i: u32 = 0; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (c == 34 || c == 92) {
      pushByte(92);
      pushByte(c);
    } else if (c < 32) {
      pushByte(92);
      if (c == 10) pushByte(110);
      else if (c == 13) pushByte(114);
      else if (c == 9) pushByte(116);
      else if (c == 8) pushByte(98);
      else if (c == 12) pushByte(102);
      else {
        pushStatic("u00");
        pushByte(<u32>HEX.charCodeAt(<i32>(c >> 4)));
        pushByte(<u32>HEX.charCodeAt(<i32>(c & 15)));
      }
    } else {
      pushByte(c);
    }
  }
  pushByte(34);
}

/** Appends a number's text. */
export function pushNumber(v: usize): void {
  const k = numKind(v);
  if (k == N_INT) {
    pushInt(load<i64>(v, 8));
  } else {
    pushBytes(strPtr(v), lenOf(v));
  }
}

/** Appends the text of null, a boolean or a number (the same in JSON and Rego); false for others. */
export function pushAtom(v: usize): bool {
  const t = tagOf(v);
  if (t == T_NULL) pushStatic("null");
  else if (t == T_BOOLEAN) pushStatic(load<u32>(v, 4) != 0 ? "true" : "false");
  else if (t == T_NUMBER) pushNumber(v);
  else return false;
  return true;
}

function dump(v: usize, regoText: bool): void {
  if (pushAtom(v)) return;
  const t = tagOf(v);
  if (t == T_STRING) {
    pushQuoted(strPtr(v), lenOf(v));
  } else if (t == T_ARRAY || (t == T_SET && (!regoText || lenOf(v) > 0))) {
    const n = lenOf(v);
    pushByte(t == T_SET && regoText ? 123 : 91);
    for (let i: u32 = 0; i < n; i++) {
      if (i > 0) pushByte(44);
      dump(elemAt(v, i), regoText);
    }
    pushByte(t == T_SET && regoText ? 125 : 93);
  } else if (t == T_SET) {
    pushStatic("set()");
  } else if (t == T_OBJECT) {
    const n = lenOf(v);
    pushByte(123);
    for (let i: u32 = 0; i < n; i++) {
      if (i > 0) pushByte(44);
      const key = keyAt(v, i);
      if (regoText || tagOf(key) == T_STRING) {
        dump(key, regoText);
      } else {
        // JSON keys must be strings: a non-string key is written as its JSON text, quoted.
        const start = heapTop();
        dump(key, false);
        const len = <u32>(heapTop() - start);
        const tmp = start + len; // key text stays below; quote it into a second copy
        pushQuoted(start, len);
        const qlen = heapTop() - tmp;
        memory.copy(start, tmp, qlen);
        setHeapTop(start + qlen);
      }
      pushByte(58);
      dump(valAt(v, i), regoText);
    }
    pushByte(125);
  }
}

function dumpText(v: usize, regoText: bool): usize {
  const p = heapTop();
  dump(v, regoText);
  pushByte(0);
  finishText();
  return p;
}

export function opa_json_dump(v: usize): usize {
  return dumpText(v, false);
}

export function opa_value_dump(v: usize): usize {
  return dumpText(v, true);
}
