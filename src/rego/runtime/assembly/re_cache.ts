// Compiled regular expressions, cached for one evaluation (the heap is reset between evaluations:
// see heapEpoch). Keyed by the pattern's bytes and a kind (regexp, glob). The cache holds a bounded
// number of entries and bytes; a pattern beyond that is compiled for one call and its memory
// given back afterwards (see regexpFor), so hostile patterns cannot grow the heap per call.
import { heapTop, setHeapTop, heapEpoch } from "./heap";
import { parseRegexp, parsedCaps, nodeSize, errCode, errPtr, errLen, E_LARGE } from "./re_parse";
import { compileRegexp, compiledLen, compiledStart, anchoredStart } from "./re_compile";
import { newMachine } from "./re_exec";

const SLOTS: i32 = 64;
const BUDGET: usize = 8 << 20;
/**
 * Largest program size times capture slots: bounds the memory of the VM's threads (at most two
 * per instruction, each with every capture slot) to about 32 MB.
 */
const CAPTURE_BUDGET: i64 = 1 << 22;

// Entries: [pattern address, length, kind, regexp object]
const TABLE: usize = memory.data(SLOTS * 16);
let epoch: u32 = 0xffffffff;
let count: i32 = 0;
let used: usize = 0;

export const KIND_REGEXP: u32 = 1;
export const KIND_GLOB: u32 = 2;

/** Set by regexpFor: where the uncached regexp's memory starts (0 when cached). */
export let uncachedMark: usize = 0;
/** Set by regexpFor: whether the regexp came from the cache. */
export let cacheHit: bool = false;

/** Parses and checks a pattern; false with failCode/failPtr/failLen set. */
export function validRegexp(p: usize, n: u32): bool {
  const mark = heapTop();
  const ok = parseChecked(p, n) != 0;
  setHeapTop(mark);
  return ok;
}

// The error of a failed parse: code and expression (into the pattern).
export let failCode: string = "";
export let failPtr: usize = 0;
export let failLen: u32 = 0;

function parseChecked(p: usize, n: u32): usize {
  const root = parseRegexp(p, n);
  if (root == 0) {
    failCode = errCode;
    failPtr = errPtr;
    failLen = errLen;
    return 0;
  }
  if (nodeSize(root) * (2 * <i64>parsedCaps + 2) > CAPTURE_BUDGET) {
    failCode = E_LARGE;
    failPtr = p;
    failLen = n;
    return 0;
  }
  return root;
}

function lookup(p: usize, n: u32, kind: u32): usize {
  if (epoch != heapEpoch) {
    epoch = heapEpoch;
    count = 0;
    used = 0;
    return 0;
  }
  for (let i: i32 = 0; i < count; i++) {
    const e = TABLE + <usize>i * 16;
    if (load<u32>(e, 4) == n && load<u32>(e, 8) == kind && memory.compare(<usize>load<u32>(e), p, n) == 0) {
      return <usize>load<u32>(e, 12);
    }
  }
  return 0;
}

/**
 * The regexp object for the pattern (n bytes at p), from the cache or compiled; 0 on a syntax error
 * (failCode/failPtr/failLen set). When the result is not cached, uncachedMark is where its memory
 * starts: the caller gives it back (setHeapTop) once its results no longer need it.
 */
export function regexpFor(p: usize, n: u32, kind: u32): usize {
  uncachedMark = 0;
  const hit = lookup(p, n, kind);
  cacheHit = hit != 0;
  if (hit != 0) return hit;
  const mark = heapTop();
  const root = parseChecked(p, n);
  if (root == 0) {
    setHeapTop(mark);
    return 0;
  }
  const prog = compileRegexp(root, <u32>nodeSize(root));
  const m = newMachine(prog, compiledLen, compiledStart, 2 * <u32>parsedCaps + 2, anchoredStart(prog, compiledStart));
  const size = heapTop() - mark;
  if (count < SLOTS && used + size <= BUDGET) {
    const e = TABLE + <usize>count * 16;
    store<u32>(e, <u32>p);
    store<u32>(e, n, 4);
    store<u32>(e, kind, 8);
    store<u32>(e, <u32>m, 12);
    count++;
    used += size;
  } else {
    uncachedMark = mark;
  }
  return m;
}
