// Value layout. Every value starts with a 16-byte header (8-byte aligned):
//   byte 0: type tag (1 null, 2 boolean, 3 number, 4 string, 5 array, 6 object, 7 set)
//   byte 1: number kind (0 integer i64, 2 ref = the number's text; 1, a raw f64, is no longer made)
//   boolean: u32 at 4 (0/1)
//   number:  integer i64 at 8 | ref: u32 length at 4, u32 text address at 8
//   string:  u32 length (bytes) at 4, u32 address of the UTF-8 bytes at 8
//   array:   u32 length at 4, u32 capacity at 8, u32 address of the element slots at 12
//   set:     as array; elements kept sorted (OPA's order) and unique
//   object:  as array, but each slot is a (key, value) pair of u32 addresses, sorted by key
import { alloc, grow, heapTop, finishText } from "./heap";
import { pushF64G } from "./dtoa";
import { compare } from "./compare";
import { sameMember, setExactNumberOrder } from "./number";

export const T_NULL: u8 = 1;
export const T_BOOLEAN: u8 = 2;
export const T_NUMBER: u8 = 3;
export const T_STRING: u8 = 4;
export const T_ARRAY: u8 = 5;
export const T_OBJECT: u8 = 6;
export const T_SET: u8 = 7;

export const N_INT: u8 = 0;
export const N_FLOAT: u8 = 1;
export const N_REF: u8 = 2;

const NULL_VALUE: usize = memory.data<u32>([1, 0, 0, 0]);
const FALSE_VALUE: usize = memory.data<u32>([2, 0, 0, 0]);
const TRUE_VALUE: usize = memory.data<u32>([2, 1, 0, 0]);

// @ts-ignore: decorator
@inline export function tagOf(v: usize): u8 {
  return load<u8>(v);
}
// @ts-ignore: decorator
@inline export function numKind(v: usize): u8 {
  return load<u8>(v, 1);
}
// @ts-ignore: decorator
@inline export function lenOf(v: usize): u32 {
  return load<u32>(v, 4);
}
// @ts-ignore: decorator
@inline export function strPtr(v: usize): usize {
  return load<u32>(v, 8);
}
// @ts-ignore: decorator
@inline export function slots(v: usize): usize {
  return load<u32>(v, 12);
}
/** Element i of an array or set. */
// @ts-ignore: decorator
@inline export function elemAt(v: usize, i: u32): usize {
  return load<u32>(slots(v) + (<usize>i << 2));
}
/** Key i of an object. */
// @ts-ignore: decorator
@inline export function keyAt(v: usize, i: u32): usize {
  return load<u32>(slots(v) + (<usize>i << 3));
}
/** Value i of an object. */
// @ts-ignore: decorator
@inline export function valAt(v: usize, i: u32): usize {
  return load<u32>(slots(v) + (<usize>i << 3), 4);
}

export function nullValue(): usize {
  return NULL_VALUE;
}

export function boolValue(b: bool): usize {
  return b ? TRUE_VALUE : FALSE_VALUE;
}

export function isBool(v: usize, b: bool): bool {
  return v != 0 && tagOf(v) == T_BOOLEAN && (load<u32>(v, 4) != 0) == b;
}

export function intValue(n: i64): usize {
  const v = alloc(16);
  store<u32>(v, <u32>T_NUMBER | (<u32>N_INT << 8));
  store<u32>(v, 0, 4);
  store<i64>(v, n, 8);
  return v;
}

/** A number for a float64: its text as OPA gives it (Go's FormatFloat 'g', shortest). */
export function floatValue(f: f64): usize {
  const p = heapTop();
  pushF64G(f);
  const n = <u32>(heapTop() - p);
  finishText();
  return refValue(p, n);
}

export function refValue(ptr: usize, len: u32): usize {
  const v = alloc(16);
  store<u32>(v, <u32>T_NUMBER | (<u32>N_REF << 8));
  store<u32>(v, len, 4);
  store<u32>(v, <u32>ptr, 8);
  store<u32>(v, 0, 12);
  return v;
}

export function stringValue(ptr: usize, len: u32): usize {
  const v = alloc(16);
  store<u32>(v, <u32>T_STRING);
  store<u32>(v, len, 4);
  store<u32>(v, <u32>ptr, 8);
  store<u32>(v, 0, 12);
  return v;
}

function collection(tag: u8, cap: u32, slotSize: u32): usize {
  const v = alloc(16);
  store<u32>(v, <u32>tag);
  store<u32>(v, 0, 4);
  store<u32>(v, cap, 8);
  store<u32>(v, cap > 0 ? <u32>alloc(<usize>cap * slotSize) : 0, 12);
  return v;
}

export function arrayValue(cap: u32): usize {
  return collection(T_ARRAY, cap, 4);
}
export function objectValue(cap: u32): usize {
  return collection(T_OBJECT, cap, 8);
}
export function setValue(cap: u32): usize {
  return collection(T_SET, cap, 4);
}

/** Makes room for one more slot of slotSize bytes. */
function reserve(v: usize, slotSize: u32): void {
  const len = lenOf(v);
  const cap = load<u32>(v, 8);
  if (len < cap) return;
  const ncap: u32 = cap < 4 ? 4 : cap * 2;
  const p = grow(slots(v), <usize>cap * slotSize, <usize>ncap * slotSize);
  store<u32>(v, ncap, 8);
  store<u32>(v, <u32>p, 12);
}

export function arrayPush(a: usize, x: usize): void {
  reserve(a, 4);
  const len = lenOf(a);
  store<u32>(slots(a) + (<usize>len << 2), <u32>x);
  store<u32>(a, len + 1, 4);
}

/**
 * Binary search of a sorted set (stride 4) or object (stride 8) for key. Returns the index if found,
 * else -(insertion point) - 1.
 */
export function search(v: usize, key: usize, stride: u32): i32 {
  if (tagOf(key) == T_NUMBER) return searchNumber(v, key, stride);
  let lo: i32 = 0;
  let hi: i32 = <i32>lenOf(v) - 1;
  const base = slots(v);
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compare(load<u32>(base + <usize>mid * stride), key);
    if (c < 0) lo = mid + 1;
    else if (c > 0) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}

/**
 * search for a number key. Sets and objects are ordered by exact value (NumberCompare's float64
 * shortcut, which is not transitive, is left out), and members of equal value are told apart as
 * OPA's hash tables do (searchEqualNumbers).
 */
function searchNumber(v: usize, key: usize, stride: u32): i32 {
  setExactNumberOrder(true);
  let lo: i32 = 0;
  let hi: i32 = <i32>lenOf(v) - 1;
  const base = slots(v);
  let r: i32 = 0;
  while (true) {
    if (lo > hi) {
      r = -lo - 1;
      break;
    }
    const mid = (lo + hi) >>> 1;
    const c = compare(load<u32>(base + <usize>mid * stride), key);
    if (c < 0) lo = mid + 1;
    else if (c > 0) hi = mid - 1;
    else {
      r = searchEqualNumbers(v, key, stride, mid);
      break;
    }
  }
  setExactNumberOrder(false);
  return r;
}

/**
 * A number key met numbers of equal value: OPA's sets and objects (hash tables) tell them apart
 * by sameMember, so a collection may hold 1.0 and 1 (inserted in that order), kept here in
 * insertion order. A set probes its members in insertion order (open addressing), an object its
 * keys newest first (a chain each insertion is put in front of). Returns the index of the first
 * member the key matches, or the insertion point after them.
 */
function searchEqualNumbers(v: usize, key: usize, stride: u32, mid: i32): i32 {
  const base = slots(v);
  const n = <i32>lenOf(v);
  let lo = mid;
  while (lo > 0 && compare(load<u32>(base + <usize>(lo - 1) * stride), key) == 0) lo--;
  let hi = mid;
  while (hi + 1 < n && compare(load<u32>(base + <usize>(hi + 1) * stride), key) == 0) hi++;
  if (stride == 4) {
    for (let i = lo; i <= hi; i++) if (sameMember(key, load<u32>(base + <usize>i * stride))) return i;
  } else {
    for (let i = hi; i >= lo; i--) if (sameMember(key, load<u32>(base + <usize>i * stride))) return i;
  }
  return -(hi + 1) - 1;
}

/** Opens a gap of one slot at index i. */
function insertGap(v: usize, i: u32, stride: u32): usize {
  reserve(v, stride);
  const len = lenOf(v);
  const at = slots(v) + <usize>i * stride;
  if (i < len) memory.copy(at + stride, at, <usize>(len - i) * stride);
  store<u32>(v, len + 1, 4);
  return at;
}

/** Adds x to a set unless present. */
export function setAdd(s: usize, x: usize): void {
  // Fast path: appending in order (common when building from sorted input).
  const len = lenOf(s);
  if (len > 0) {
    const c = compare(elemAt(s, len - 1), x);
    if (c == 0 && tagOf(x) != T_NUMBER) return;
    if (c < 0) {
      store<u32>(insertGap(s, len, 4), <u32>x);
      return;
    }
  }
  const i = search(s, x, 4);
  if (i >= 0) return;
  store<u32>(insertGap(s, <u32>(-i - 1), 4), <u32>x);
}

/** Inserts or replaces key in an object. */
export function objectPut(o: usize, k: usize, x: usize): void {
  const len = lenOf(o);
  let i: i32;
  if (len > 0 && compare(keyAt(o, len - 1), k) < 0) {
    i = -(<i32>len) - 1;
  } else {
    i = search(o, k, 8);
  }
  if (i >= 0) {
    store<u32>(slots(o) + (<usize>i << 3), <u32>x, 4);
    return;
  }
  const at = insertGap(o, <u32>(-i - 1), 8);
  store<u32>(at, <u32>k);
  store<u32>(at, <u32>x, 4);
}

/** Value for key in an object, or 0. */
export function objectGet(o: usize, k: usize): usize {
  const i = search(o, k, 8);
  return i >= 0 ? valAt(o, <u32>i) : 0;
}

/** Shallow copy of a collection; other values are returned as they are. */
export function copyValue(v: usize): usize {
  const t = tagOf(v);
  if (t < T_ARRAY) return v;
  const stride: u32 = t == T_OBJECT ? 8 : 4;
  const len = lenOf(v);
  const c = collection(t, len, stride);
  if (len > 0) memory.copy(slots(c), slots(v), <usize>len * stride);
  store<u32>(c, len, 4);
  return c;
}
