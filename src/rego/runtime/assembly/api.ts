// rt_* constructors, inspection and collection operations used by generated code.
import {
  tagOf, lenOf, elemAt, keyAt, valAt, nullValue, boolValue, isBool, intValue, refValue, stringValue,
  arrayValue, objectValue, setValue, arrayPush, objectPut, objectGet, setAdd, search, copyValue,
  T_NUMBER, T_ARRAY, T_OBJECT, T_SET,
} from "./value";
import { exactInt, gInt, validNumberText } from "./number";
import { equal } from "./compare";

export function rt_null(): usize {
  return nullValue();
}
export function rt_boolean(b: i32): usize {
  return boolValue(b != 0);
}
export function rt_number_int(n: i64): usize {
  return intValue(n);
}
export function rt_number_ref(p: usize, n: u32): usize {
  return refValue(p, n);
}
export function rt_string(p: usize, n: u32): usize {
  return stringValue(p, n);
}
export function rt_array(cap: u32): usize {
  return arrayValue(cap);
}
export function rt_array_append(a: usize, v: usize): void {
  arrayPush(a, v);
}
export function rt_object(): usize {
  return objectValue(0);
}
export function rt_object_insert(o: usize, k: usize, v: usize): void {
  objectPut(o, k, v);
}
export function rt_set(): usize {
  return setValue(0);
}
export function rt_set_add(s: usize, v: usize): void {
  setAdd(s, v);
}

export function rt_type(v: usize): i32 {
  return v == 0 ? 0 : <i32>tagOf(v);
}
export function rt_is_true(v: usize): i32 {
  return isBool(v, true) ? 1 : 0;
}
export function rt_is_false(v: usize): i32 {
  return isBool(v, false) ? 1 : 0;
}
export function rt_length(v: usize): u32 {
  if (v == 0 || tagOf(v) < 4) return 0;
  return lenOf(v);
}

/**
 * Array index of an integer number value within bounds, or -1. As in OPA (Array.Get uses
 * Number.Int), the index must be written as a plain integer: 1.0 does not index an array.
 */
export function indexOf(a: usize, k: usize): i32 {
  if (k == 0 || tagOf(k) != T_NUMBER || !exactInt(k)) return -1;
  if (gInt < 0 || gInt >= <i64>lenOf(a)) return -1;
  return <i32>gInt;
}

export function getIn(c: usize, k: usize): usize {
  if (c == 0 || k == 0) return 0;
  const t = tagOf(c);
  if (t == T_ARRAY) {
    const i = indexOf(c, k);
    return i < 0 ? 0 : elemAt(c, <u32>i);
  }
  if (t == T_OBJECT) return objectGet(c, k);
  if (t == T_SET) {
    const i = search(c, k, 4);
    return i < 0 ? 0 : elemAt(c, <u32>i);
  }
  return 0;
}

export function rt_get(c: usize, k: usize): usize {
  return getIn(c, k);
}

export function rt_iter(c: usize, prev: usize): usize {
  if (c == 0) return 0;
  const t = tagOf(c);
  const n = lenOf(c);
  if (t == T_ARRAY) {
    let next: i64 = 0;
    if (prev != 0) {
      if (tagOf(prev) != T_NUMBER || !exactInt(prev)) return 0;
      next = gInt + 1;
    }
    return next >= 0 && next < <i64>n ? intValue(next) : 0;
  }
  if (t != T_OBJECT && t != T_SET) return 0;
  let i: i32 = 0;
  if (prev != 0) {
    const j = search(c, prev, t == T_OBJECT ? 8 : 4);
    i = j >= 0 ? j + 1 : -j - 1;
  }
  if (<u32>i >= n) return 0;
  return t == T_OBJECT ? keyAt(c, <u32>i) : elemAt(c, <u32>i);
}

export function rt_object_insert_once(o: usize, k: usize, v: usize): i32 {
  const old = objectGet(o, k);
  if (old != 0) return equal(old, v) ? 1 : 0;
  objectPut(o, k, v);
  return 1;
}

/** Deep merge: a's values win, except that two objects under the same key are merged. */
export function merge(a: usize, b: usize): usize {
  const r = copyValue(a);
  const n = lenOf(b);
  for (let i: u32 = 0; i < n; i++) {
    const k = keyAt(b, i);
    const bv = valAt(b, i);
    const av = objectGet(r, k);
    if (av == 0) {
      objectPut(r, k, bv);
    } else if (tagOf(av) == T_OBJECT && tagOf(bv) == T_OBJECT) {
      objectPut(r, k, merge(av, bv));
    }
  }
  return r;
}

export function rt_object_merge(a: usize, b: usize): usize {
  if (a == 0 || b == 0 || tagOf(a) != T_OBJECT || tagOf(b) != T_OBJECT) return 0;
  return merge(a, b);
}

function upsertAt(doc: usize, path: usize, i: u32, v: usize): usize {
  if (i >= lenOf(path)) return v;
  const k = elemAt(path, i);
  const o = doc != 0 && tagOf(doc) == T_OBJECT ? copyValue(doc) : objectValue(1);
  objectPut(o, k, upsertAt(objectGet(o, k), path, i + 1, v));
  return o;
}

export function rt_upsert(doc: usize, path: usize, v: usize): usize {
  if (path == 0 || tagOf(path) != T_ARRAY) return 0;
  return upsertAt(doc, path, 0, v);
}

export function rt_copy(v: usize): usize {
  return v == 0 ? 0 : copyValue(v);
}

// Keep these importable for built-ins.
export { arrayPush, objectPut, setAdd, validNumberText };
