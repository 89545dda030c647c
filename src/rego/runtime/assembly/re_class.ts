// Character classes of the regular-expression engine: sorted lists of [lo, hi] code point ranges
// (i32 pairs) built in a growable buffer, with Go's regexp/syntax operations (append a range, its
// case folding, a Unicode table, negation; clean = sort and merge).
import { alloc, grow } from "./heap";
import { toLower, toUpper } from "./unicode";
import { CASE_ENTRIES, CASE_TABLE } from "./unicode_tables";
import {
  CATEGORY_COUNT, TABLE_COUNT, UNICODE_NAMES, UNICODE_INDEX, UNICODE_DATA, CASE_ORBIT_ENTRIES, CASE_ORBIT,
} from "./re_tables";

export const MAX_RUNE: i32 = 0x10ffff;

// --- growable i32 buffer: [ptr, len (entries), cap] -------------------------------------------

export function bufNew(cap: u32): usize {
  const b = alloc(12);
  store<u32>(b, cap > 0 ? <u32>alloc(<usize>cap << 2) : 0);
  store<u32>(b, 0, 4);
  store<u32>(b, cap, 8);
  return b;
}

// @ts-ignore: decorator
@inline export function bufPtr(b: usize): usize {
  return load<u32>(b);
}
// @ts-ignore: decorator
@inline export function bufLen(b: usize): u32 {
  return load<u32>(b, 4);
}
// @ts-ignore: decorator
@inline export function bufAt(b: usize, i: u32): i32 {
  return load<i32>(bufPtr(b) + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline function bufSet(b: usize, i: u32, x: i32): void {
  store<i32>(bufPtr(b) + (<usize>i << 2), x);
}

export function bufSetLen(b: usize, n: u32): void {
  store<u32>(b, n, 4);
}

export function bufPush(b: usize, x: i32): void {
  const n = bufLen(b);
  const cap = load<u32>(b, 8);
  if (n == cap) {
    const ncap: u32 = cap < 8 ? 8 : cap * 2;
    store<u32>(b, <u32>grow(bufPtr(b), <usize>cap << 2, <usize>ncap << 2));
    store<u32>(b, ncap, 8);
  }
  store<i32>(bufPtr(b) + (<usize>n << 2), x);
  store<u32>(b, n + 1, 4);
}

// --- simple case folding (Go's unicode.SimpleFold) -------------------------------------------

/** The next code point of r's fold orbit (r itself if none), as Go's unicode.SimpleFold. */
export function simpleFold(r: i32): i32 {
  if (r < 0 || r > MAX_RUNE) return r;
  let lo: i32 = 0;
  let hi: i32 = CASE_ORBIT_ENTRIES - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = load<i32>(CASE_ORBIT + (<usize>mid << 3));
    if (r < c) hi = mid - 1;
    else if (r > c) lo = mid + 1;
    else return load<i32>(CASE_ORBIT + (<usize>mid << 3), 4);
  }
  const l = <i32>toLower(<u32>r);
  if (l != r) return l;
  return <i32>toUpper(<u32>r);
}

/** The smallest code point fold-equivalent to r. */
export function minFold(r: i32): i32 {
  let m = r;
  for (let f = simpleFold(r); f != r; f = simpleFold(f)) if (f < m) m = f;
  return m;
}

// --- class operations ------------------------------------------------------------------------

/** Appends [lo, hi], extending one of the last two ranges when it overlaps or abuts. */
export function appendRange(b: usize, lo: i32, hi: i32): void {
  const n = bufLen(b);
  for (let i: u32 = 2; i <= 4; i += 2) {
    if (n >= i) {
      const rlo = bufAt(b, n - i);
      const rhi = bufAt(b, n - i + 1);
      if (lo <= rhi + 1 && rlo <= hi + 1) {
        if (lo < rlo) bufSet(b, n - i, lo);
        if (hi > rhi) bufSet(b, n - i + 1, hi);
        return;
      }
    }
  }
  bufPush(b, lo);
  bufPush(b, hi);
}

function appendOrbit(b: usize, c: i32): void {
  appendRange(b, c, c);
  for (let f = simpleFold(c); f != c; f = simpleFold(f)) appendRange(b, f, f);
}

/** Appends [lo, hi] and every code point fold-equivalent to one in it. */
export function appendFoldedRange(b: usize, lo: i32, hi: i32): void {
  appendRange(b, lo, hi);
  // Only code points with a case mapping or a fold orbit fold to something else. The case
  // table's runs are sorted: start at the last run beginning at or before lo.
  let start: i32 = 0;
  let top: i32 = CASE_ENTRIES - 1;
  while (start < top) {
    const mid = (start + top + 1) >>> 1;
    if (<i32>(load<u32>(CASE_TABLE + <usize>mid * 12) & 0x1fffff) <= lo) start = mid;
    else top = mid - 1;
  }
  for (let i: i32 = start; i < CASE_ENTRIES; i++) {
    const w = load<u32>(CASE_TABLE + <usize>i * 12);
    const first = <i32>(w & 0x1fffff);
    const last = first + <i32>(w >>> 21);
    if (last < lo) continue;
    if (first > hi) break;
    const from = first > lo ? first : lo;
    const to = last < hi ? last : hi;
    for (let c = from; c <= to; c++) appendOrbit(b, c);
  }
  for (let i: i32 = 0; i < CASE_ORBIT_ENTRIES; i++) {
    const c = load<i32>(CASE_ORBIT + (<usize>i << 3));
    if (c >= lo && c <= hi) appendOrbit(b, c);
  }
}

/** Appends the clean class at (p, n entries). */
export function appendClassAt(b: usize, p: usize, n: u32, folded: bool): void {
  for (let i: u32 = 0; i < n; i += 2) {
    const lo = load<i32>(p + (<usize>i << 2));
    const hi = load<i32>(p + (<usize>(i + 1) << 2));
    if (folded) appendFoldedRange(b, lo, hi);
    else appendRange(b, lo, hi);
  }
}

/** Appends the complement of the clean class at (p, n entries). */
export function appendNegatedAt(b: usize, p: usize, n: u32): void {
  let next: i32 = 0;
  for (let i: u32 = 0; i < n; i += 2) {
    const lo = load<i32>(p + (<usize>i << 2));
    const hi = load<i32>(p + (<usize>(i + 1) << 2));
    if (next <= lo - 1) appendRange(b, next, lo - 1);
    next = hi + 1;
  }
  if (next <= MAX_RUNE) appendRange(b, next, MAX_RUNE);
}

// @ts-ignore: decorator
@inline function pairLess(p: usize, i: u32, j: u32): bool {
  const a = load<i32>(p + (<usize>i << 3));
  const b = load<i32>(p + (<usize>j << 3));
  return a < b || (a == b && load<i32>(p + (<usize>i << 3), 4) > load<i32>(p + (<usize>j << 3), 4));
}

function pairSwap(p: usize, i: u32, j: u32): void {
  const a = load<u64>(p + (<usize>i << 3));
  store<u64>(p + (<usize>i << 3), load<u64>(p + (<usize>j << 3)));
  store<u64>(p + (<usize>j << 3), a);
}

function siftDown(p: usize, root: u32, n: u32): void {
  let r = root;
  while (true) {
    let child: u32 = 2 * r + 1;
    if (child >= n) return;
    if (child + 1 < n && pairLess(p, child, child + 1)) child++;
    if (!pairLess(p, r, child)) return;
    pairSwap(p, r, child);
    r = child;
  }
}

/** Sorts the ranges (lo ascending, hi descending), merges overlapping and abutting ones. */
export function cleanClass(b: usize): void {
  const p = bufPtr(b);
  const n = bufLen(b) >> 1;
  if (n < 2) return;
  let sorted = true;
  for (let i: u32 = 1; i < n && sorted; i++) if (pairLess(p, i, i - 1)) sorted = false;
  if (!sorted) {
    for (let i = <i32>(n >> 1) - 1; i >= 0; i--) siftDown(p, <u32>i, n);
    for (let end = n - 1; end > 0; end--) {
      pairSwap(p, 0, end);
      siftDown(p, 0, end);
    }
  }
  let w: u32 = 2;
  for (let i: u32 = 2; i < n * 2; i += 2) {
    const lo = bufAt(b, i);
    const hi = bufAt(b, i + 1);
    if (lo <= bufAt(b, w - 1) + 1) {
      if (hi > bufAt(b, w - 1)) bufSet(b, w - 1, hi);
      continue;
    }
    bufSet(b, w, lo);
    bufSet(b, w + 1, hi);
    w += 2;
  }
  bufSetLen(b, w);
}

/** Replaces the clean class in b by its complement. */
export function negateClass(b: usize): void {
  const n = bufLen(b);
  const copy = alloc(<usize>n << 2);
  memory.copy(copy, bufPtr(b), <usize>n << 2);
  bufSetLen(b, 0);
  appendNegatedAt(b, copy, n);
}

/** Whether r is in the clean class at (p, n entries). */
export function inClass(r: i32, p: usize, n: u32): bool {
  if (n <= 8) {
    for (let i: u32 = 0; i < n; i += 2) {
      if (r < load<i32>(p + (<usize>i << 2))) return false;
      if (r <= load<i32>(p + (<usize>(i + 1) << 2))) return true;
    }
    return false;
  }
  let lo: i32 = 0;
  let hi: i32 = <i32>(n >> 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = p + (<usize>mid << 3);
    if (r < load<i32>(at)) hi = mid - 1;
    else if (r > load<i32>(at, 4)) lo = mid + 1;
    else return true;
  }
  return false;
}

// --- Unicode tables --------------------------------------------------------------------------

function nameEquals(i: i32, p: usize, n: u32): bool {
  const w = load<u32>(UNICODE_INDEX + <usize>i * 12);
  if ((w >>> 16) != n) return false;
  return memory.compare(UNICODE_NAMES + (w & 0xffff), p, n) == 0;
}

function readLeb(at: usize): u32 {
  let x: u32 = 0;
  let shift: u32 = 0;
  while (true) {
    const b = <u32>load<u8>(at + lebLen);
    lebLen++;
    x |= (b & 0x7f) << shift;
    if (b < 0x80) return x;
    shift += 7;
  }
}
let lebLen: usize = 0;

/** Appends the ranges of table i (see re_tables.ts). */
function appendTable(b: usize, i: i32, folded: bool): void {
  const data = UNICODE_DATA + load<u32>(UNICODE_INDEX + <usize>i * 12, 4);
  const len = <usize>load<u32>(UNICODE_INDEX + <usize>i * 12, 8);
  lebLen = 0;
  let next: i32 = 0;
  while (lebLen < len) {
    const lo = next + <i32>readLeb(data);
    const hi = lo + <i32>readLeb(data);
    if (folded) appendFoldedRange(b, lo, hi);
    else appendRange(b, lo, hi);
    next = hi + 1;
  }
}

/**
 * Appends the Unicode class named by the bytes (p, n): Any, a general category (one or two
 * letters), or a script, as Go's unicode.Categories and unicode.Scripts name them, with its case
 * folding when folded. Returns false for an unknown name.
 */
export function appendUnicodeClass(b: usize, p: usize, n: u32, folded: bool): bool {
  if (n == 3 && load<u8>(p) == 65 && load<u8>(p + 1) == 110 && load<u8>(p + 2) == 121) { // Any
    appendRange(b, 0, MAX_RUNE);
    return true;
  }
  if (n == 1) {
    const c = load<u8>(p);
    let found = false;
    for (let i: i32 = 0; i < CATEGORY_COUNT; i++) {
      const w = load<u32>(UNICODE_INDEX + <usize>i * 12);
      if (load<u8>(UNICODE_NAMES + (w & 0xffff)) == c) {
        appendTable(b, i, folded);
        found = true;
      }
    }
    return found;
  }
  for (let i: i32 = 0; i < TABLE_COUNT; i++) {
    if (nameEquals(i, p, n)) {
      appendTable(b, i, folded);
      return true;
    }
  }
  return false;
}
