// Compiles a parse tree (re_parse.ts) to a program for the Pike VM (re_exec.ts), as Go's
// regexp/syntax Simplify + Compile do: counted repetitions expanded (x{2,5} = xx(x(x(x)?)?)?),
// x** = x*, and a star over something that can match empty compiled as (x+)? for Go's priority
// order (golang.org/issue/46123). Instructions are 16 bytes: op, out, arg, runes.
import { alloc, grow } from "./heap";
import {
  nodeOp, nodeFlags, nodeMin, nodeMax, nodeCap, nodeRunes, nodeRuneCount, nodeSubCount, nodeSub, nodeRune,
  OP_NO_MATCH, OP_EMPTY, OP_LITERAL, OP_CLASS, OP_ANY_NOT_NL, OP_ANY, OP_BEGIN_LINE, OP_END_LINE,
  OP_BEGIN_TEXT, OP_END_TEXT, OP_WORD_BOUNDARY, OP_NO_WORD_BOUNDARY, OP_CAPTURE, OP_STAR, OP_PLUS,
  OP_QUEST, OP_REPEAT, OP_CONCAT, OP_ALTERNATE, NON_GREEDY,
} from "./re_parse";

export const I_FAIL: u32 = 0;
export const I_ALT: u32 = 1;
export const I_EMPTY: u32 = 2;
export const I_NOP: u32 = 3;
export const I_CAPTURE: u32 = 4;
export const I_MATCH: u32 = 5;
export const I_RUNE: u32 = 6;
export const I_RUNE1: u32 = 7;
export const I_ANY: u32 = 8;
export const I_ANY_NOT_NL: u32 = 9;

// Empty-width conditions.
export const EMPTY_BEGIN_LINE: u32 = 1;
export const EMPTY_END_LINE: u32 = 2;
export const EMPTY_BEGIN_TEXT: u32 = 4;
export const EMPTY_END_TEXT: u32 = 8;
export const EMPTY_WORD_BOUNDARY: u32 = 16;
export const EMPTY_NO_WORD_BOUNDARY: u32 = 32;

// The program being built.
let prog: usize = 0;
let progLen: u32 = 0;
let progCap: u32 = 0;

// @ts-ignore: decorator
@inline export function instAt(p: usize, i: u32): usize {
  return p + (<usize>i << 4);
}

// The fragment of the last compile step (Go's frag): first instruction, patch list, nullable.
let fI: u32 = 0;
let fHead: u32 = 0;
let fTail: u32 = 0;
let fNullable: bool = false;

function inst(op: u32): u32 {
  if (progLen == progCap) {
    const ncap = progCap * 2;
    prog = grow(prog, <usize>progCap << 4, <usize>ncap << 4);
    progCap = ncap;
  }
  const i = progLen++;
  const at = instAt(prog, i);
  store<u32>(at, op);
  store<u32>(at, 0, 4);
  store<u32>(at, 0, 8);
  store<u32>(at, 0, 12);
  return i;
}

function setFrag(i: u32, head: u32, tail: u32, nullable: bool): void {
  fI = i;
  fHead = head;
  fTail = tail;
  fNullable = nullable;
}

function patch(head: u32, val: u32): void {
  let l = head;
  while (l != 0) {
    const at = instAt(prog, l >> 1);
    if ((l & 1) == 0) {
      l = load<u32>(at, 4);
      store<u32>(at, val, 4);
    } else {
      l = load<u32>(at, 8);
      store<u32>(at, val, 8);
    }
  }
}

/** Links list 2 after list 1 (via list 1's tail); the joined list is (head1, tail2). */
function appendList(tail1: u32, head2: u32): void {
  const at = instAt(prog, tail1 >> 1);
  if ((tail1 & 1) == 0) store<u32>(at, head2, 4);
  else store<u32>(at, head2, 8);
}

function nop(): void {
  const i = inst(I_NOP);
  setFrag(i, i << 1, i << 1, true);
}

function failFrag(): void {
  setFrag(0, 0, 0, false);
}

function capture(slot: u32): void {
  const i = inst(I_CAPTURE);
  store<u32>(instAt(prog, i), slot, 8);
  setFrag(i, i << 1, i << 1, true);
}

function empty(cond: u32): void {
  const i = inst(I_EMPTY);
  store<u32>(instAt(prog, i), cond, 8);
  setFrag(i, i << 1, i << 1, true);
}

/** A rune instruction for the class (p, n entries). */
function runes(p: usize, n: u32): void {
  let op = I_RUNE;
  let arg = n;
  const lo = n >= 2 ? load<i32>(p) : -1;
  const hi = n >= 2 ? load<i32>(p, 4) : -1;
  if (n == 2 && lo == hi) {
    op = I_RUNE1;
    arg = <u32>lo;
  } else if (n == 2 && lo == 0 && hi == 0x10ffff) {
    op = I_ANY;
  } else if (n == 4 && lo == 0 && hi == 9 && load<i32>(p, 8) == 11 && load<i32>(p, 12) == 0x10ffff) {
    op = I_ANY_NOT_NL;
  }
  const i = inst(op);
  store<u32>(instAt(prog, i), arg, 8);
  store<u32>(instAt(prog, i), <u32>p, 12);
  setFrag(i, i << 1, i << 1, false);
}

function rune1(r: i32): void {
  const i = inst(I_RUNE1);
  store<u32>(instAt(prog, i), <u32>r, 8);
  setFrag(i, i << 1, i << 1, false);
}

function simpleInst(op: u32): void {
  const i = inst(op);
  setFrag(i, i << 1, i << 1, false);
}

/** cat(f1, f2): f1 is given, f2 is the current fragment. */
function cat(i1: u32, h1: u32, n1: bool): void {
  if (i1 == 0 || fI == 0) {
    failFrag();
    return;
  }
  patch(h1, fI);
  setFrag(i1, fHead, fTail, n1 && fNullable);
}

/** alt(f1, f2): f1 is given, f2 is the current fragment. */
function alt(i1: u32, h1: u32, t1: u32, n1: bool): void {
  if (i1 == 0) return;
  if (fI == 0) {
    setFrag(i1, h1, t1, n1);
    return;
  }
  const i = inst(I_ALT);
  store<u32>(instAt(prog, i), i1, 4);
  store<u32>(instAt(prog, i), fI, 8);
  let head = h1;
  let tail = t1;
  if (head == 0) {
    head = fHead;
    tail = fTail;
  } else if (fHead != 0) {
    appendList(t1, fHead);
    tail = fTail;
  }
  setFrag(i, head, tail, n1 || fNullable);
}

/** quest(f) of the current fragment. */
function quest(nonGreedy: bool): void {
  const i = inst(I_ALT);
  let l: u32;
  if (nonGreedy) {
    store<u32>(instAt(prog, i), fI, 8);
    l = i << 1;
  } else {
    store<u32>(instAt(prog, i), fI, 4);
    l = (i << 1) | 1;
  }
  let head = l;
  let tail = l;
  if (fHead != 0) {
    appendList(l, fHead);
    tail = fTail;
  }
  setFrag(i, head, tail, true);
}

/** The loop of a star or plus over the current fragment; returns the loop instruction. */
function loop(nonGreedy: bool): u32 {
  const i = inst(I_ALT);
  let l: u32;
  if (nonGreedy) {
    store<u32>(instAt(prog, i), fI, 8);
    l = i << 1;
  } else {
    store<u32>(instAt(prog, i), fI, 4);
    l = (i << 1) | 1;
  }
  patch(fHead, i);
  setFrag(i, l, l, true);
  return i;
}

function plus(nonGreedy: bool): void {
  const first = fI;
  const nullable = fNullable;
  loop(nonGreedy);
  setFrag(first, fHead, fTail, nullable);
}

function star(nonGreedy: bool): void {
  if (fNullable) {
    plus(nonGreedy);
    quest(nonGreedy);
  } else {
    loop(nonGreedy);
  }
}

// --- simplification (Go's Simplify, as the operator it yields) -------------------------------

const KIND_NG: u32 = 256;

/** The operator of the simplified node, with KIND_NG for a non-greedy star/plus/quest. */
function kindOf(n: usize): u32 {
  const op = <u32>nodeOp(n);
  if (op == <u32>OP_STAR || op == <u32>OP_PLUS || op == <u32>OP_QUEST) return unaryKind(op, nodeFlags(n), nodeSub(n, 0));
  if (op == <u32>OP_REPEAT) {
    const min = nodeMin(n);
    const max = nodeMax(n);
    const sub = nodeSub(n, 0);
    if (min == 0 && max == 0) return <u32>OP_EMPTY;
    if (max == -1) {
      if (min == 0) return unaryKind(<u32>OP_STAR, nodeFlags(n), sub);
      if (min == 1) return unaryKind(<u32>OP_PLUS, nodeFlags(n), sub);
      return <u32>OP_CONCAT;
    }
    if (min == 1 && max == 1) return kindOf(sub);
    if (min > 0) return <u32>OP_CONCAT;
    if (max == 1) return unaryKind(<u32>OP_QUEST, nodeFlags(n), sub);
    return <u32>OP_QUEST | ((nodeFlags(n) & NON_GREEDY) != 0 ? KIND_NG : 0);
  }
  return op;
}

function unaryKind(op: u32, flags: u32, sub: usize): u32 {
  const s = kindOf(sub);
  if (s == <u32>OP_EMPTY) return s;
  const k = op | ((flags & NON_GREEDY) != 0 ? KIND_NG : 0);
  if (s == k) return s;
  return k;
}

// --- compile ---------------------------------------------------------------------------------

/** star/plus/quest of sub, as Go's simplify1 + compile. */
function compileUnary(op: u32, flags: u32, sub: usize): void {
  const s = kindOf(sub);
  if (s == <u32>OP_EMPTY) {
    nop();
    return;
  }
  const nonGreedy = (flags & NON_GREEDY) != 0;
  compile(sub);
  if (s == (op | (nonGreedy ? KIND_NG : 0))) return;
  if (op == <u32>OP_STAR) star(nonGreedy);
  else if (op == <u32>OP_PLUS) plus(nonGreedy);
  else quest(nonGreedy);
}

/** Appends sub compiled `count` times (count >= 1) after the given fragment (0 = none). */
function compileCopies(sub: usize, count: i32, i0: u32, h0: u32, n0: bool): void {
  let i1 = i0;
  let h1 = h0;
  let n1 = n0;
  let first = i0 == 0 && h0 == 0 && !n0;
  for (let k = 0; k < count; k++) {
    compile(sub);
    if (!first) cat(i1, h1, n1);
    first = false;
    i1 = fI;
    h1 = fHead;
    n1 = fNullable;
  }
}

function compileRepeat(n: usize): void {
  const min = nodeMin(n);
  const max = nodeMax(n);
  const flags = nodeFlags(n);
  const sub = nodeSub(n, 0);
  const nonGreedy = (flags & NON_GREEDY) != 0;
  if (min == 0 && max == 0) {
    nop();
    return;
  }
  if (max == -1) {
    if (min == 0) {
      compileUnary(<u32>OP_STAR, flags, sub);
      return;
    }
    if (min == 1) {
      compileUnary(<u32>OP_PLUS, flags, sub);
      return;
    }
    // x{n,} = n-1 copies of x, then x+
    compileCopies(sub, min - 1, 0, 0, false);
    const i1 = fI;
    const h1 = fHead;
    const n1 = fNullable;
    compileUnary(<u32>OP_PLUS, flags, sub);
    cat(i1, h1, n1);
    return;
  }
  if (min == 1 && max == 1) {
    compile(sub);
    return;
  }
  // x{n,m} = n copies of x, then (x(x(x)?)?)? with m - n copies
  let hasPrefix = false;
  let pi: u32 = 0;
  let ph: u32 = 0;
  let pn = false;
  if (min > 0) {
    compileCopies(sub, min, 0, 0, false);
    hasPrefix = true;
    pi = fI;
    ph = fHead;
    pn = fNullable;
  }
  if (max > min) {
    compileUnary(<u32>OP_QUEST, flags, sub);
    for (let k = min + 1; k < max; k++) {
      const si = fI;
      const sh = fHead;
      const st = fTail;
      const sn = fNullable;
      compile(sub);
      // cat(sub, suffix): the suffix is the given fragment
      const ai = fI;
      const ah = fHead;
      const an = fNullable;
      setFrag(si, sh, st, sn);
      cat(ai, ah, an);
      quest(nonGreedy);
    }
    if (hasPrefix) cat(pi, ph, pn);
  }
}

function compile(n: usize): void {
  const op = nodeOp(n);
  if (op == OP_NO_MATCH) failFrag();
  else if (op == OP_EMPTY) nop();
  else if (op == OP_LITERAL) {
    if (nodeRunes(n) != 0) runes(nodeRunes(n), nodeRuneCount(n));
    else rune1(nodeRune(n));
  } else if (op == OP_CLASS) {
    runes(nodeRunes(n), nodeRuneCount(n));
  } else if (op == OP_ANY_NOT_NL) simpleInst(I_ANY_NOT_NL);
  else if (op == OP_ANY) simpleInst(I_ANY);
  else if (op == OP_BEGIN_LINE) empty(EMPTY_BEGIN_LINE);
  else if (op == OP_END_LINE) empty(EMPTY_END_LINE);
  else if (op == OP_BEGIN_TEXT) empty(EMPTY_BEGIN_TEXT);
  else if (op == OP_END_TEXT) empty(EMPTY_END_TEXT);
  else if (op == OP_WORD_BOUNDARY) empty(EMPTY_WORD_BOUNDARY);
  else if (op == OP_NO_WORD_BOUNDARY) empty(EMPTY_NO_WORD_BOUNDARY);
  else if (op == OP_CAPTURE) {
    const c = <u32>nodeCap(n);
    capture(c << 1);
    const i1 = fI;
    const h1 = fHead;
    const n1 = fNullable;
    compile(nodeSub(n, 0));
    cat(i1, h1, n1);
    const i2 = fI;
    const h2 = fHead;
    const n2 = fNullable;
    capture((c << 1) | 1);
    cat(i2, h2, n2);
  } else if (op == OP_STAR || op == OP_PLUS || op == OP_QUEST) {
    compileUnary(<u32>op, nodeFlags(n), nodeSub(n, 0));
  } else if (op == OP_REPEAT) compileRepeat(n);
  else if (op == OP_CONCAT) {
    const count = nodeSubCount(n);
    compile(nodeSub(n, 0));
    for (let i: u32 = 1; i < count; i++) {
      const i1 = fI;
      const h1 = fHead;
      const n1 = fNullable;
      compile(nodeSub(n, i));
      cat(i1, h1, n1);
    }
  } else if (op == OP_ALTERNATE) {
    const count = nodeSubCount(n);
    failFrag();
    for (let i: u32 = 0; i < count; i++) {
      const i1 = fI;
      const h1 = fHead;
      const t1 = fTail;
      const n1 = fNullable;
      compile(nodeSub(n, i));
      // alt(f, sub): f is the accumulated fragment
      const i2 = fI;
      const h2 = fHead;
      const t2 = fTail;
      const n2 = fNullable;
      setFrag(i1, h1, t1, n1);
      if (i1 == 0) {
        setFrag(i2, h2, t2, n2);
        continue;
      }
      altOf(i1, h1, t1, n1, i2, h2, t2, n2);
    }
  }
}

function altOf(i1: u32, h1: u32, t1: u32, n1: bool, i2: u32, h2: u32, t2: u32, n2: bool): void {
  if (i2 == 0) {
    setFrag(i1, h1, t1, n1);
    return;
  }
  setFrag(i2, h2, t2, n2);
  alt(i1, h1, t1, n1);
}

/** The compiled program: [instructions, count, start]. */
export let compiledStart: u32 = 0;
export let compiledLen: u32 = 0;

/** Compiles the tree; returns the instruction array (compiledLen, compiledStart set). */
export function compileRegexp(root: usize, estimate: u32): usize {
  progCap = estimate + 8;
  prog = alloc(<usize>progCap << 4);
  progLen = 0;
  inst(I_FAIL);
  compile(root);
  const i1 = fI;
  const h1 = fHead;
  const m = inst(I_MATCH);
  patch(h1, m);
  compiledStart = i1;
  compiledLen = progLen;
  return prog;
}

/** Whether every match must start at the beginning of the text (the program opens with \A). */
export function anchoredStart(p: usize, start: u32): bool {
  let pc = start;
  let guard: u32 = 0;
  while (pc != 0 && guard++ < 100000) {
    const at = instAt(p, pc);
    const op = load<u32>(at);
    if (op == I_EMPTY) {
      if ((load<u32>(at, 8) & EMPTY_BEGIN_TEXT) != 0) return true;
    } else if (op != I_NOP && op != I_CAPTURE) {
      return false;
    }
    pc = load<u32>(at, 4);
  }
  return false;
}
