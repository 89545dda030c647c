// json.marshal, json.unmarshal, json.is_valid, json.filter and json.remove as OPA has them.
// json.marshal writes what Go's encoding/json writes for the value OPA converts (ast.JSON): compact,
// object keys sorted (a non-string key becomes its own JSON text), sets as arrays, numbers as their
// text, strings HTML-safe (<, >, & and U+2028/U+2029 escaped). Parsing is in json_text.ts.
import { heapTop, setHeapTop, pushByte, pushBytes, pushStatic, finishText } from "./heap";
import {
  tagOf, lenOf, strPtr, elemAt, keyAt, valAt, boolValue, nullValue, arrayValue, arrayPush, objectValue,
  objectPut, objectGet, setValue, setAdd, T_NULL, T_STRING, T_ARRAY, T_OBJECT, T_SET,
} from "./value";
import { is, typeError, endString, typeName } from "./bi_common";
import { pushAtom } from "./json_dump";
import { rt_builtin_error } from "./host";
import { scanJson, pushJsonError } from "./json_text";
import { gRune, gWidth, decodeRune } from "./utf8";
import { pushUint } from "./dtoa";

const HEX: string = "0123456789abcdef";

function pushU4(c: u32): void {
  pushStatic("\\u");
  pushByte(<u32>HEX.charCodeAt(<i32>(c >> 12) & 15));
  pushByte(<u32>HEX.charCodeAt(<i32>(c >> 8) & 15));
  pushByte(<u32>HEX.charCodeAt(<i32>(c >> 4) & 15));
  pushByte(<u32>HEX.charCodeAt(<i32>c & 15));
}

/** A JSON string as Go's encoding/json writes it with HTML escaping. */
function pushGoQuoted(p: usize, n: u32): void {
  pushByte(34);
  let i: u32 = 0;
  while (i < n) {
    const c = <u32>load<u8>(p + i);
    if (c < 0x80) {
      i++;
      if (c == 34 || c == 92) {
        pushByte(92);
        pushByte(c);
      } else if (c == 10) pushStatic("\\n");
      else if (c == 13) pushStatic("\\r");
      else if (c == 9) pushStatic("\\t");
      else if (c == 8) pushStatic("\\b");
      else if (c == 12) pushStatic("\\f");
      else if (c < 32 || c == 60 || c == 62 || c == 38) pushU4(c);
      else pushByte(c);
      continue;
    }
    decodeRune(p + i, n - i);
    if (gRune == 0xfffd && gWidth == 1) pushStatic("\\ufffd");
    else if (gRune == 0x2028 || gRune == 0x2029) pushU4(<u32>gRune);
    else pushBytes(p + i, gWidth);
    i += gWidth;
  }
  pushByte(34);
}

function marshal(v: usize): void {
  if (pushAtom(v)) return;
  const t = tagOf(v);
  if (t == T_STRING) {
    pushGoQuoted(strPtr(v), lenOf(v));
    return;
  }
  const n = lenOf(v);
  if (t == T_ARRAY || t == T_SET) {
    pushByte(91);
    for (let i: u32 = 0; i < n; i++) {
      if (i > 0) pushByte(44);
      marshal(elemAt(v, i));
    }
    pushByte(93);
    return;
  }
  let stringKeys = true;
  for (let i: u32 = 0; i < n && stringKeys; i++) stringKeys = tagOf(keyAt(v, i)) == T_STRING;
  pushByte(123);
  if (stringKeys) {
    // runtime objects keep string keys in byte order: Go's map order
    for (let i: u32 = 0; i < n; i++) {
      if (i > 0) pushByte(44);
      const k = keyAt(v, i);
      pushGoQuoted(strPtr(k), lenOf(k));
      pushByte(58);
      marshal(valAt(v, i));
    }
  } else {
    marshalMixedKeys(v);
  }
  pushByte(125);
}

/**
 * An object with non-string keys: each key becomes its JSON text (ast.JSON), entries sort by that
 * text, and of equal texts the last one in the object's order wins (a Go map).
 */
function marshalMixedKeys(v: usize): void {
  const n = lenOf(v);
  // the key texts are written aside, below the output: move the output start after them
  const out = heapTop();
  const keys = objectValue(n);
  for (let i: u32 = 0; i < n; i++) {
    const k = keyAt(v, i);
    let text: usize;
    if (tagOf(k) == T_STRING) {
      text = k;
    } else {
      const s = heapTop();
      marshal(k);
      text = endString(s);
    }
    objectPut(keys, text, valAt(v, i));
  }
  // objectPut kept keys sorted (strings by bytes) with the last value of equal texts
  const tmp = heapTop();
  for (let i: u32 = 0; i < lenOf(keys); i++) {
    if (i > 0) pushByte(44);
    const k = keyAt(keys, i);
    pushGoQuoted(strPtr(k), lenOf(k));
    pushByte(58);
    marshal(valAt(keys, i));
  }
  // the entries were written after the aside data: move them to where the output continues
  const len = heapTop() - tmp;
  memory.copy(out, tmp, len);
  setHeapTop(out + len);
}

export function bi_json_marshal(x: usize): usize {
  // the text is built at the heap top; mixed keys write aside data first and move it down
  const start = heapTop();
  marshal(x);
  return endString(start);
}

export function bi_json_is_valid(x: usize): usize {
  if (!is(x, T_STRING)) return boolValue(false);
  const mark = heapTop();
  const ok = scanJson(strPtr(x), lenOf(x), false) != 0;
  setHeapTop(mark);
  return boolValue(ok);
}

export function bi_json_unmarshal(x: usize): usize {
  if (!is(x, T_STRING)) return typeError("json.unmarshal", 1, "string", x);
  const mark = heapTop();
  const v = scanJson(strPtr(x), lenOf(x), true);
  if (v != 0) return v;
  setHeapTop(mark);
  const p = heapTop();
  pushStatic("json.unmarshal: ");
  pushJsonError();
  pushByte(0);
  finishText();
  return rt_builtin_error(p);
}

// --- json.filter / json.remove ---------------------------------------------------------------

const E_PATHS = "one of {set, array}";

/** OPA's parsePath: a "/a/b" JSON pointer (~1 is /, ~0 is ~) or an array of segments. */
function parsePath(name: string, path: usize): usize {
  const t = tagOf(path);
  if (t == T_ARRAY) return path;
  if (t != T_STRING) {
    const p = heapTop();
    pushStatic(name);
    pushStatic(": operand 2 must be one of {set, array} containing string paths or array of path segments but got ");
    pushStatic(typeName(path));
    pushByte(0);
    finishText();
    rt_builtin_error(p);
    return 0;
  }
  const out = arrayValue(0);
  const s = strPtr(path);
  const n = lenOf(path);
  if (n == 0) return out;
  let i: u32 = 0;
  while (i < n && load<u8>(s + i) == 47) i++;
  while (true) {
    let j = i;
    while (j < n && load<u8>(s + j) != 47) j++;
    // the segment [i, j) with ~1 → / first, then ~0 → ~
    const start = heapTop();
    let k = i;
    while (k < j) {
      const c = <u32>load<u8>(s + k);
      if (c == 126 && k + 1 < j && load<u8>(s + k + 1) == 49) {
        pushByte(47);
        k += 2;
      } else {
        pushByte(c);
        k++;
      }
    }
    // second pass: ~0 → ~ over what the first produced
    const len1 = <u32>(heapTop() - start);
    let w: u32 = 0;
    let r: u32 = 0;
    while (r < len1) {
      const c = load<u8>(start + r);
      if (c == 126 && r + 1 < len1 && load<u8>(start + r + 1) == 48) {
        store<u8>(start + w, 126);
        r += 2;
      } else {
        store<u8>(start + w, c);
        r++;
      }
      w++;
    }
    setHeapTop(start + w);
    arrayPush(out, endString(start));
    if (j >= n) break;
    i = j + 1;
  }
  return out;
}

/** OPA's pathsToObject: nested objects of path segments, null at each path's end. */
function pathsToObject(name: string, paths: usize): usize {
  const root = objectValue(0);
  const count = lenOf(paths);
  for (let i: u32 = 0; i < count; i++) {
    const path = parsePath(name, elemAt(paths, i));
    if (path == 0) return 0;
    const n = lenOf(path);
    if (n == 0) continue;
    let node = root;
    let done = false;
    for (let k: u32 = 0; k + 1 < n && !done; k++) {
      const key = elemAt(path, k);
      const child = objectGet(node, key);
      if (child == 0) {
        const o = objectValue(0);
        objectPut(node, key, o);
        node = o;
      } else if (tagOf(child) == T_NULL) {
        done = true;
      } else {
        node = child;
      }
    }
    if (!done) objectPut(node, elemAt(path, n - 1), nullValue());
  }
  return root;
}

function indexKey(i: u32): usize {
  const s = heapTop();
  pushUint(<u64>i);
  return endString(s);
}

/** OPA's filterObject: keep what the filter object names (null: everything below). */
function filterValue(v: usize, filter: usize): usize {
  if (tagOf(filter) == T_NULL) return v;
  const t = tagOf(v);
  const n = lenOf(v);
  if (t == T_ARRAY) {
    const out = arrayValue(0);
    for (let i: u32 = 0; i < n; i++) {
      const sub = objectGet(filter, indexKey(i));
      if (sub != 0) arrayPush(out, filterValue(elemAt(v, i), sub));
    }
    return out;
  }
  if (t == T_SET) {
    const out = setValue(0);
    for (let i: u32 = 0; i < n; i++) {
      const e = elemAt(v, i);
      const sub = objectGet(filter, e);
      if (sub != 0) setAdd(out, filterValue(e, sub));
    }
    return out;
  }
  if (t == T_OBJECT) {
    const out = objectValue(0);
    for (let i: u32 = 0; i < n; i++) {
      const sub = objectGet(filter, keyAt(v, i));
      if (sub != 0) objectPut(out, keyAt(v, i), filterValue(valAt(v, i), sub));
    }
    return out;
  }
  return v;
}

/** OPA's jsonRemove: the value without what the object b names; 0 when removed entirely. */
function removeValue(a: usize, b: usize): usize {
  if (b == 0) return a;
  const tb = tagOf(b);
  if (tb == T_NULL) return 0;
  if (tb != T_OBJECT) return a;
  const t = tagOf(a);
  const n = lenOf(a);
  if (t == T_OBJECT) {
    const out = objectValue(0);
    for (let i: u32 = 0; i < n; i++) {
      const d = removeValue(valAt(a, i), objectGet(b, keyAt(a, i)));
      if (d != 0) objectPut(out, keyAt(a, i), d);
    }
    return out;
  }
  if (t == T_SET) {
    const out = setValue(0);
    for (let i: u32 = 0; i < n; i++) {
      const e = elemAt(a, i);
      const d = removeValue(e, objectGet(b, e));
      if (d != 0) setAdd(out, d);
    }
    return out;
  }
  if (t == T_ARRAY) {
    const out = arrayValue(0);
    for (let i: u32 = 0; i < n; i++) {
      const d = removeValue(elemAt(a, i), objectGet(b, indexKey(i)));
      if (d != 0) arrayPush(out, d);
    }
    return out;
  }
  return a;
}

function pathsOperand(name: string, o: usize, paths: usize): bool {
  if (!is(o, T_OBJECT)) {
    typeError(name, 1, "object", o);
    return false;
  }
  if (!is(paths, T_ARRAY) && !is(paths, T_SET)) {
    typeError(name, 2, E_PATHS, paths);
    return false;
  }
  return true;
}

export function bi_json_filter(o: usize, paths: usize): usize {
  if (!pathsOperand("json.filter", o, paths)) return 0;
  const filter = pathsToObject("json.filter", paths);
  if (filter == 0) return 0;
  return filterValue(o, filter);
}

export function bi_json_remove(o: usize, paths: usize): usize {
  if (!pathsOperand("json.remove", o, paths)) return 0;
  const b = pathsToObject("json.remove", paths);
  if (b == 0) return 0;
  const r = removeValue(o, b);
  return r;
}
