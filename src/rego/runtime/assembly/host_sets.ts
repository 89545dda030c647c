// The set codec of host built-in calls. The SDK passes values to the host as JSON (opa_json_dump)
// and loads results as JSON (opa_json_parse), and JSON has no sets. For host built-ins whose
// declared types may hold a set, the emitted code passes each argument through rt_host_arg and the
// result through rt_host_result:
//   - a set travels as the object {"\u0000": [elements]} (a one-key object, its key one NUL byte);
//   - an object key (a string) that starts with a NUL byte gets one more NUL in front, so no real
//     object can be taken for a set; the other direction removes it.
// The host side (src/engine/builtins/set_codec.ts) speaks the same codec. Keys that are not strings
// are left as they are (JSON writes them as strings either way).
import { alloc } from "./heap";
import {
  tagOf, lenOf, strPtr, elemAt, keyAt, valAt, stringValue, arrayValue, objectValue, setValue, arrayPush,
  objectPut, setAdd, slots, T_STRING, T_ARRAY, T_OBJECT, T_SET,
} from "./value";

const NUL_BYTE: usize = memory.data<u8>([0]);

/** A string key starting with a NUL byte: escaped on the way out, unescaped on the way in. */
function nulKey(k: usize): bool {
  return tagOf(k) == T_STRING && lenOf(k) > 0 && load<u8>(strPtr(k)) == 0;
}

/** Whether v holds a set or a NUL-prefixed key anywhere (else it goes to the host unchanged). */
function needsEncoding(v: usize): bool {
  const t = tagOf(v);
  if (t == T_SET) return true;
  const n = lenOf(v);
  if (t == T_ARRAY) {
    for (let i: u32 = 0; i < n; i++) if (needsEncoding(elemAt(v, i))) return true;
  } else if (t == T_OBJECT) {
    for (let i: u32 = 0; i < n; i++) {
      if (nulKey(keyAt(v, i)) || needsEncoding(valAt(v, i))) return true;
    }
  }
  return false;
}

function encode(v: usize): usize {
  const t = tagOf(v);
  const n = lenOf(v);
  if (t == T_SET || t == T_ARRAY) {
    const a = arrayValue(n);
    for (let i: u32 = 0; i < n; i++) arrayPush(a, encode(elemAt(v, i)));
    if (t == T_ARRAY) return a;
    const o = objectValue(1);
    objectPut(o, stringValue(NUL_BYTE, 1), a);
    return o;
  }
  if (t != T_OBJECT) return v;
  const o = objectValue(n);
  for (let i: u32 = 0; i < n; i++) {
    let k = keyAt(v, i);
    if (nulKey(k)) {
      const len = lenOf(k);
      const p = alloc(<usize>len + 1);
      store<u8>(p, 0);
      memory.copy(p + 1, strPtr(k), len);
      k = stringValue(p, len + 1);
    }
    objectPut(o, k, encode(valAt(v, i)));
  }
  return o;
}

/** An argument for a host built-in: v itself, or a copy with its sets and NUL keys encoded. */
export function rt_host_arg(v: usize): usize {
  if (v == 0 || !needsEncoding(v)) return v;
  return encode(v);
}

/** The encoded set {"\u0000": [...]}: a one-key object whose key is exactly one NUL byte. */
function isEncodedSet(v: usize): bool {
  if (lenOf(v) != 1) return false;
  const k = keyAt(v, 0);
  return tagOf(k) == T_STRING && lenOf(k) == 1 && load<u8>(strPtr(k)) == 0 &&
    tagOf(valAt(v, 0)) == T_ARRAY;
}

/**
 * Decodes in place where it can: v was just parsed from the host's JSON, so nothing else refers
 * to it. Removing one leading NUL from the escaped keys keeps the object's key order (they all
 * still start with NUL, and sort among themselves as before).
 */
function decode(v: usize): usize {
  const t = tagOf(v);
  const n = lenOf(v);
  if (t == T_ARRAY) {
    for (let i: u32 = 0; i < n; i++) store<u32>(slots(v) + (<usize>i << 2), <u32>decode(elemAt(v, i)));
    return v;
  }
  if (t != T_OBJECT) return v;
  if (isEncodedSet(v)) {
    const items = valAt(v, 0);
    const m = lenOf(items);
    const s = setValue(m);
    for (let i: u32 = 0; i < m; i++) setAdd(s, decode(elemAt(items, i)));
    return s;
  }
  const at = slots(v);
  for (let i: u32 = 0; i < n; i++) {
    const k = keyAt(v, i);
    if (nulKey(k)) store<u32>(at + (<usize>i << 3), <u32>stringValue(strPtr(k) + 1, lenOf(k) - 1));
    store<u32>(at + (<usize>i << 3), <u32>decode(valAt(v, i)), 4);
  }
  return v;
}

/** A host built-in's result (0: undefined) with the codec's sets and NUL keys decoded. */
export function rt_host_result(v: usize): usize {
  return v == 0 ? 0 : decode(v);
}
