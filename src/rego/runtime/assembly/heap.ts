// Bump allocator: the whole heap is described by one pointer (opa_heap_ptr_get/set).
import { abortStatic } from "./host";

let heapPtr: usize = 0;

/**
 * Incremented whenever the host or the start function sets the heap pointer (a new evaluation):
 * data cached on the heap (compiled regular expressions) is valid only within one epoch.
 */
export let heapEpoch: u32 = 0;

// @ts-ignore: decorator
@inline function align8(n: usize): usize {
  return (n + 7) & ~(<usize>7);
}

/** The current heap pointer; before rt_heap_init it starts at __heap_base (aligned). */
export function heapTop(): usize {
  if (heapPtr == 0) heapPtr = align8(__heap_base);
  return heapPtr;
}

/** Makes sure memory reaches `end`, growing it if needed. */
export function ensureMemory(end: usize): void {
  const have = (<usize>memory.size()) << 16;
  if (end <= have) return;
  const pages = <i32>((end - have + 0xffff) >>> 16);
  if (memory.grow(pages) < 0) abortStatic("opa_malloc: out of memory");
}

/** Allocates n bytes, 8-byte aligned. */
export function alloc(n: usize): usize {
  const p = heapTop();
  const end = align8(p + n);
  ensureMemory(end);
  heapPtr = end;
  return p;
}

/** Allocates n zeroed bytes. */
export function allocZero(n: usize): usize {
  const p = alloc(n);
  memory.fill(p, 0, n);
  return p;
}

/**
 * Resizes a buffer of oldSize bytes to newSize bytes. A buffer that ends at the heap top grows
 * in place; any other is copied (the old bytes are abandoned, as on any bump heap).
 */
export function grow(ptr: usize, oldSize: usize, newSize: usize): usize {
  if (ptr != 0 && align8(ptr + oldSize) == heapTop()) {
    const end = align8(ptr + newSize);
    ensureMemory(end);
    heapPtr = end;
    return ptr;
  }
  const q = alloc(newSize);
  if (oldSize > 0) memory.copy(q, ptr, oldSize);
  return q;
}

/** Sets the heap pointer (no alignment applied: the host gives back what it got). */
export function setHeapTop(p: usize): void {
  heapPtr = p;
}

/** Appends one byte at the heap top (used to build text contiguously). */
export function pushByte(b: u32): void {
  const p = heapTop();
  ensureMemory(p + 1);
  store<u8>(p, <u8>b);
  heapPtr = p + 1;
}

/** Appends n bytes from src at the heap top. */
export function pushBytes(src: usize, n: usize): void {
  const p = heapTop();
  ensureMemory(p + n);
  memory.copy(p, src, n);
  heapPtr = p + n;
}

/** Reverses the bytes in [from, to) in place (digits are generated least significant first). */
export function reverseBytes(from: usize, to: usize): void {
  let i = from;
  let j = to - 1;
  while (i < j) {
    const t = load<u8>(i);
    store<u8>(i, load<u8>(j));
    store<u8>(j, t);
    i++;
    j--;
  }
}

/** Appends an ASCII/UTF-16 static string as UTF-8 at the heap top. */
export function pushStatic(s: string): void {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = <u32>s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
      const d = <u32>s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    pushCodePoint(c);
  }
}

/** Appends a code point as UTF-8 at the heap top. */
export function pushCodePoint(c: u32): void {
  if (c < 0x80) {
    pushByte(c);
  } else if (c < 0x800) {
    pushByte(0xc0 | (c >> 6));
    pushByte(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    pushByte(0xe0 | (c >> 12));
    pushByte(0x80 | ((c >> 6) & 0x3f));
    pushByte(0x80 | (c & 0x3f));
  } else {
    pushByte(0xf0 | (c >> 18));
    pushByte(0x80 | ((c >> 12) & 0x3f));
    pushByte(0x80 | ((c >> 6) & 0x3f));
    pushByte(0x80 | (c & 0x3f));
  }
}

/** Finishes text started at `start` (pushed with push*): rounds the heap top up to alignment. */
export function finishText(): void {
  heapPtr = align8(heapTop());
  ensureMemory(heapPtr);
}

// --- OPA ABI ---

export function opa_malloc(n: usize): usize {
  return alloc(n);
}

export function opa_free(_p: usize): void {}

export function opa_heap_ptr_get(): usize {
  return heapTop();
}

export function opa_heap_ptr_set(p: usize): void {
  heapPtr = p;
  heapEpoch++;
}

export function rt_heap_init(p: usize): void {
  heapPtr = align8(p);
  heapEpoch++;
}
