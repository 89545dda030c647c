// The Pike VM (Go's regexp NFA machine): runs a compiled program (re_compile.ts) over UTF-8 text in
// one pass, keeping at most one thread per instruction: time linear in the text times the program,
// memory linear in the program times the captures. Leftmost-first ("Perl") match semantics.
//
// A regexp object (one heap block, reused across calls within an evaluation):
//   0 instructions, 4 count, 8 start, 12 full capture count (2 per group + 2), 16 anchored at \A,
//   20/24 queue 0 sparse/dense, 28/32 queue 1 sparse/dense, 36 add stack, 40 free threads,
//   44 free count, 48 match captures (i32 × full count).
// Threads ([pc, captures…]) are allocated on demand and recycled through the free list.
import { alloc } from "./heap";
import { gRune, gWidth, decodeRune, decodeLastRune } from "./utf8";
import { inClass } from "./re_class";
import {
  instAt, I_ALT, I_EMPTY, I_NOP, I_CAPTURE, I_MATCH, I_RUNE, I_RUNE1, I_ANY, I_ANY_NOT_NL, EMPTY_BEGIN_LINE,
  EMPTY_END_LINE, EMPTY_BEGIN_TEXT, EMPTY_END_TEXT, EMPTY_WORD_BOUNDARY, EMPTY_NO_WORD_BOUNDARY,
} from "./re_compile";

const END_OF_TEXT: i32 = -1;

/** A regexp object for a program of n instructions with ncap capture slots. */
export function newMachine(prog: usize, n: u32, start: u32, ncap: u32, anchored: bool): usize {
  const m = alloc(52);
  store<u32>(m, <u32>prog);
  store<u32>(m, n, 4);
  store<u32>(m, start, 8);
  store<u32>(m, ncap, 12);
  store<u32>(m, anchored ? 1 : 0, 16);
  store<u32>(m, <u32>alloc(<usize>n << 2), 20);
  store<u32>(m, <u32>alloc(<usize>n << 3), 24);
  store<u32>(m, <u32>alloc(<usize>n << 2), 28);
  store<u32>(m, <u32>alloc(<usize>n << 3), 32);
  store<u32>(m, <u32>alloc(<usize>(2 * n + 4) * 12), 36);
  store<u32>(m, <u32>alloc(<usize>(2 * n + 4) << 2), 40);
  store<u32>(m, 0, 44);
  store<u32>(m, <u32>alloc(<usize>(ncap > 2 ? ncap : <u32>2) << 2), 48);
  return m;
}

/** The capture slots of the last match (i32 × machineCaps). */
export function matchCaps(m: usize): usize {
  return load<u32>(m, 48);
}

export function machineCaps(m: usize): u32 {
  return load<u32>(m, 12);
}

// State of the current run.
let M: usize = 0;
let prog: usize = 0;
let ncap: u32 = 0;
let threadBytes: usize = 0;
let text: usize = 0;
let textLen: u32 = 0;
let matched = false;
let stack: usize = 0;
let freeList: usize = 0;
let freeCount: u32 = 0;
let sparse0: usize = 0;
let dense0: usize = 0;
let len0: u32 = 0;
let sparse1: usize = 0;
let dense1: usize = 0;
let len1: u32 = 0;

function allocThread(): usize {
  if (freeCount > 0) return <usize>load<u32>(freeList + (<usize>(--freeCount) << 2));
  return alloc(threadBytes);
}

function freeThread(t: usize): void {
  store<u32>(freeList + (<usize>(freeCount++) << 2), <u32>t);
}

function isWordChar(r: i32): bool {
  return (r >= 65 && r <= 90) || (r >= 97 && r <= 122) || (r >= 48 && r <= 57) || r == 95;
}

/** Go's syntax.EmptyOpContext: the empty-width conditions between runes r1 and r2. */
function emptyContext(r1: i32, r2: i32): u32 {
  let op = EMPTY_NO_WORD_BOUNDARY;
  let boundary: u32 = 0;
  if (isWordChar(r1)) boundary = 1;
  else if (r1 == 10) op |= EMPTY_BEGIN_LINE;
  else if (r1 < 0) op |= EMPTY_BEGIN_TEXT | EMPTY_BEGIN_LINE;
  if (isWordChar(r2)) boundary ^= 1;
  else if (r2 == 10) op |= EMPTY_END_LINE;
  else if (r2 < 0) op |= EMPTY_END_TEXT | EMPTY_END_LINE;
  if (boundary != 0) op ^= EMPTY_WORD_BOUNDARY | EMPTY_NO_WORD_BOUNDARY;
  return op;
}

let stepRune: i32 = 0;
let stepWidth: u32 = 0;

function step(pos: u32): void {
  if (pos >= textLen) {
    stepRune = END_OF_TEXT;
    stepWidth = 0;
    return;
  }
  const b = load<u8>(text + pos);
  if (b < 0x80) {
    stepRune = <i32>b;
    stepWidth = 1;
    return;
  }
  decodeRune(text + pos, textLen - pos);
  stepRune = gRune;
  stepWidth = gWidth;
}

/**
 * Adds pc to the queue (sparse, dense, *len) with everything reachable through empty-width
 * instructions satisfied by cond; cap is the capture scratch (restored on return).
 */
function addThread(sparse: usize, dense: usize, q: u32, pc0: u32, pos: u32, cap: usize, cond: u32): u32 {
  let len = q;
  let sp: u32 = 0;
  // stack entries: [pc | restore flag, slot, value]
  store<u32>(stack, pc0);
  sp = 1;
  while (sp > 0) {
    sp--;
    const e = stack + <usize>sp * 12;
    const w = load<u32>(e);
    if ((w & 0x80000000) != 0) {
      store<i32>(cap + (<usize>load<u32>(e, 4) << 2), load<i32>(e, 8));
      continue;
    }
    const pc = w;
    if (pc == 0) continue;
    const j = load<u32>(sparse + (<usize>pc << 2));
    if (j < len && load<u32>(dense + (<usize>j << 3)) == pc) continue;
    const d = dense + (<usize>len << 3);
    store<u32>(d, pc);
    store<u32>(d, 0, 4);
    store<u32>(sparse + (<usize>pc << 2), len);
    len++;
    const at = instAt(prog, pc);
    const op = load<u32>(at);
    if (op == I_ALT) {
      store<u32>(stack + <usize>sp * 12, load<u32>(at, 8));
      store<u32>(stack + <usize>(sp + 1) * 12, load<u32>(at, 4));
      sp += 2;
    } else if (op == I_EMPTY) {
      if ((load<u32>(at, 8) & ~cond) == 0) {
        store<u32>(stack + <usize>sp * 12, load<u32>(at, 4));
        sp++;
      }
    } else if (op == I_NOP) {
      store<u32>(stack + <usize>sp * 12, load<u32>(at, 4));
      sp++;
    } else if (op == I_CAPTURE) {
      const slot = load<u32>(at, 8);
      if (slot < ncap) {
        const r = stack + <usize>sp * 12;
        store<u32>(r, 0x80000000);
        store<u32>(r, slot, 4);
        store<i32>(r, load<i32>(cap + (<usize>slot << 2)), 8);
        store<i32>(cap + (<usize>slot << 2), <i32>pos);
        sp++;
      }
      store<u32>(stack + <usize>sp * 12, load<u32>(at, 4));
      sp++;
    } else if (op >= I_MATCH) {
      const t = allocThread();
      store<u32>(t, pc);
      if (ncap > 0) memory.copy(t + 4, cap, <usize>ncap << 2);
      store<u32>(d, <u32>t, 4);
    }
    // I_FAIL: nothing
  }
  return len;
}

/**
 * Runs one step: each thread of the run queue consumes rune c at pos (ending at nextPos); the
 * survivors go to the next queue. Returns the next queue's length.
 */
function stepThreads(
  rs: usize, rd: usize, rlen: u32, ns: usize, nd: usize, nlen: u32, pos: u32, nextPos: u32, c: i32,
  nextCond: u32,
): u32 {
  let len = nlen;
  for (let j: u32 = 0; j < rlen; j++) {
    const t = <usize>load<u32>(rd + (<usize>j << 3), 4);
    if (t == 0) continue;
    const pc = load<u32>(t);
    const at = instAt(prog, pc);
    const op = load<u32>(at);
    let add = false;
    if (op == I_MATCH) {
      if (ncap > 0) {
        store<i32>(t + 8, <i32>pos);
        memory.copy(matchCaps(M), t + 4, <usize>ncap << 2);
      }
      // leftmost-first: cut off all lower-priority threads
      for (let k = j + 1; k < rlen; k++) {
        const u = <usize>load<u32>(rd + (<usize>k << 3), 4);
        if (u != 0) freeThread(u);
      }
      matched = true;
      freeThread(t);
      return len;
    } else if (op == I_RUNE) {
      add = c >= 0 && inClass(c, <usize>load<u32>(at, 12), load<u32>(at, 8));
    } else if (op == I_RUNE1) {
      add = c == load<i32>(at, 8);
    } else if (op == I_ANY) {
      add = true;
    } else if (op == I_ANY_NOT_NL) {
      add = c != 10;
    }
    if (add) len = addThread(ns, nd, len, load<u32>(at, 4), nextPos, t + 4, nextCond);
    freeThread(t);
  }
  return len;
}

function clearQueue(d: usize, len: u32): void {
  for (let j: u32 = 0; j < len; j++) {
    const t = <usize>load<u32>(d + (<usize>j << 3), 4);
    if (t != 0) freeThread(t);
  }
}

/**
 * Searches the n bytes at p from byte pos for the leftmost-first match, recording `caps` capture
 * slots (0: whether it matches; 2: its bounds; machineCaps: every group). Returns whether found;
 * the slots are at matchCaps(m) (-1 for groups that did not take part).
 */
export function execAt(m: usize, p: usize, n: u32, pos0: u32, caps: u32): bool {
  M = m;
  prog = <usize>load<u32>(m);
  ncap = caps;
  threadBytes = (4 + (<usize>load<u32>(m, 12) << 2) + 7) & ~(<usize>7);
  text = p;
  textLen = n;
  stack = <usize>load<u32>(m, 36);
  freeList = <usize>load<u32>(m, 40);
  freeCount = load<u32>(m, 44);
  const start = load<u32>(m, 8);
  const anchored = load<u32>(m, 16) != 0;
  const mcap = matchCaps(m);
  for (let i: u32 = 0; i < caps; i++) store<i32>(mcap + (<usize>i << 2), -1);
  matched = false;
  let rs = <usize>load<u32>(m, 20);
  let rd = <usize>load<u32>(m, 24);
  let ns = <usize>load<u32>(m, 28);
  let nd = <usize>load<u32>(m, 32);
  let rlen: u32 = 0;
  let nlen: u32 = 0;
  let pos = pos0;
  step(pos);
  let r = stepRune;
  let width = stepWidth;
  let r1 = END_OF_TEXT;
  let width1: u32 = 0;
  if (r != END_OF_TEXT) {
    step(pos + width);
    r1 = stepRune;
    width1 = stepWidth;
  }
  let flag: u32;
  if (pos == 0) {
    flag = emptyContext(-1, r);
  } else {
    decodeLastRune(p, pos);
    flag = emptyContext(gRune, r);
  }
  while (true) {
    if (rlen == 0) {
      if (anchored && pos != 0) break;
      if (matched) break;
    }
    if (!matched) {
      if (caps > 0) store<i32>(mcap, <i32>pos);
      rlen = addThread(rs, rd, rlen, start, pos, mcap, flag);
    }
    flag = emptyContext(r, r1);
    nlen = stepThreads(rs, rd, rlen, ns, nd, nlen, pos, pos + width, r, flag);
    rlen = 0;
    if (width == 0) break;
    if (caps == 0 && matched) break;
    pos += width;
    r = r1;
    width = width1;
    if (r != END_OF_TEXT) {
      step(pos + width);
      r1 = stepRune;
      width1 = stepWidth;
    }
    const ts = rs;
    const td = rd;
    rs = ns;
    rd = nd;
    ns = ts;
    nd = td;
    rlen = nlen;
    nlen = 0;
  }
  clearQueue(nd, nlen);
  clearQueue(rd, rlen);
  store<u32>(m, freeCount, 44);
  return matched;
}

/** Width of the rune at pos (0 at the end), for stepping past an empty match. */
export function runeWidthAt(p: usize, n: u32, pos: u32): u32 {
  if (pos >= n) return 0;
  if (load<u8>(p + pos) < 0x80) return 1;
  decodeRune(p + pos, n - pos);
  return gWidth;
}
