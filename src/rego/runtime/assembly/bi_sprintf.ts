// sprintf(format, values): Go's fmt.Sprintf over the operands as OPA converts them
// (topdown builtinSprintf): integral numbers that fit int64 → int, other integers → *big.Int,
// other numbers → float64, strings → string, anything else → its OPA text (a Go string).
import { heapTop, pushByte, pushBytes, pushStatic, pushCodePoint, finishText, alloc } from "./heap";
import { tagOf, numKind, lenOf, strPtr, elemAt, T_NUMBER, T_STRING, T_ARRAY, N_INT } from "./value";
import { is, typeError, endString, decodeAt, seqLen } from "./bi_common";
import { gInt, exactInt } from "./number";
import { textToF64, gF64Overflow } from "./atof";
import { floatText } from "./numtext";
import { pushRegoText } from "./fmt_value";
import {
  clearFlags, setFlag, setWidth, setPrecision, enterV, widPresent, precPresent, prec,
} from "./fmt_state";
import { K_INT, K_FLOAT, K_STRING, K_BIG, argKind, argInt, printArg, pushTypeName } from "./fmt_verbs";

function setArg(slot: usize, kind: u32, len: u32): void {
  store<u32>(slot, kind);
  store<u32>(slot, len, 4);
}

/** Go's big.Int SetString(s, 10): an optional sign and decimal digits. */
function integerText(p: usize, n: u32): bool {
  let i: u32 = n > 0 && (load<u8>(p) == 45 || load<u8>(p) == 43) ? 1 : 0;
  if (i >= n) return false;
  for (; i < n; i++) {
    const c = load<u8>(p + i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function textArg(slot: usize, start: usize): void {
  const n = <u32>(heapTop() - start);
  finishText();
  setArg(slot, K_STRING, n);
  store<u32>(slot, <u32>start, 8);
}

/**
 * A number operand as OPA's sprintf converts it: text with '.', 'e' or 'E' → float64 (its text as
 * a string when beyond float64's range), an int64 → int, other integer text → *big.Int.
 */
function numberArg(slot: usize, v: usize): void {
  if (numKind(v) == N_INT) {
    setArg(slot, K_INT, 0);
    store<i64>(slot, load<i64>(v, 8), 8);
    return;
  }
  const p = strPtr(v), n = lenOf(v);
  if (floatText(p, n)) {
    const f = textToF64(p, n);
    if (gF64Overflow) {
      setArg(slot, K_STRING, n);
      store<u32>(slot, <u32>p, 8);
    } else {
      setArg(slot, K_FLOAT, 0);
      store<f64>(slot, f, 8);
    }
    return;
  }
  if (exactInt(v)) {
    setArg(slot, K_INT, 0);
    store<i64>(slot, gInt, 8);
    return;
  }
  if (!integerText(p, n)) {
    setArg(slot, K_STRING, n);
    store<u32>(slot, <u32>p, 8);
    return;
  }
  // *big.Int: its canonical digits (no '+', no leading zeros)
  let i: u32 = 0;
  const neg = load<u8>(p) == 45;
  if (neg || load<u8>(p) == 43) i = 1;
  while (i + 1 < n && load<u8>(p + i) == 48) i++;
  const start = heapTop();
  if (neg) pushByte(45);
  pushBytes(p + i, n - i);
  const len = <u32>(heapTop() - start);
  finishText();
  setArg(slot, K_BIG, len);
  store<u32>(slot, <u32>start, 8);
}

/** The operand slots (16 bytes each) for the array's elements. */
function convertArgs(a: usize): usize {
  const n = lenOf(a);
  const slots = alloc(<usize>n << 4);
  for (let i: u32 = 0; i < n; i++) {
    const v = elemAt(a, i);
    const slot = slots + (<usize>i << 4);
    const t = tagOf(v);
    if (t == T_STRING) {
      setArg(slot, K_STRING, lenOf(v));
      store<u32>(slot, <u32>strPtr(v), 8);
    } else if (t == T_NUMBER) {
      numberArg(slot, v);
    } else {
      const start = heapTop();
      pushRegoText(v);
      textArg(slot, start);
    }
  }
  return slots;
}

// --- the format scanner (Go's doPrintf) ---

let fmtPtr: usize = 0;
let fmtEnd: u32 = 0;
let args: usize = 0;
let nargs: i32 = 0;
let argNum: i32 = 0;
let pos: u32 = 0;
let goodArgNum = true;
let reordered = false;
let afterIndex = false;
let gNum: i32 = 0;
let gIsNum = false;

function at(i: u32): u32 {
  return <u32>load<u8>(fmtPtr + i);
}

function tooLarge(x: i32): bool {
  return x > 1000000 || x < -1000000;
}

/** Go's parsenum over [start, end): sets gNum, gIsNum; returns the new index. */
function parseNum(start: u32, end: u32): u32 {
  gNum = 0;
  gIsNum = false;
  if (start >= end) return end;
  let i = start;
  while (i < end && at(i) >= 48 && at(i) <= 57) {
    if (tooLarge(gNum)) {
      gNum = 0;
      gIsNum = false;
      return end;
    }
    gNum = gNum * 10 + <i32>(at(i) - 48);
    gIsNum = true;
    i++;
  }
  return i;
}

/** Go's argNumber: an explicit "[n]" index at pos. */
function argNumber(): void {
  afterIndex = false;
  if (pos >= fmtEnd || at(pos) != 91) return;
  reordered = true;
  // parseArgNumber
  let ok = false;
  let index: i32 = 0;
  let width: u32 = 1;
  if (fmtEnd - pos >= 3) {
    for (let j = pos + 1; j < fmtEnd; j++) {
      if (at(j) == 93) {
        const ni = parseNum(pos + 1, j);
        width = j - pos + 1;
        if (gIsNum && ni == j) {
          ok = true;
          index = gNum - 1;
        }
        break;
      }
    }
  }
  if (ok && index >= 0 && index < nargs) {
    argNum = index;
    pos += width;
    afterIndex = true;
    return;
  }
  goodArgNum = false;
  pos += width;
  afterIndex = ok;
}

function arg(i: i32): usize {
  return args + (<usize>i << 4);
}

/** Go's intFromArg: sets gNum / gIsNum and advances argNum when an operand is there. */
function intFromArg(): void {
  gNum = 0;
  gIsNum = false;
  if (argNum < nargs) {
    const a = arg(argNum);
    if (argKind(a) == K_INT) {
      const v = argInt(a);
      if (v >= -1000000 && v <= 1000000) {
        gNum = <i32>v;
        gIsNum = true;
      }
    }
    argNum++;
  }
}

function directive(): bool {
  clearFlags();
  while (pos < fmtEnd && setFlag(at(pos))) pos++;
  argNumber();
  if (pos < fmtEnd && at(pos) == 42) {
    pos++;
    intFromArg();
    setWidth(gNum, gIsNum);
    if (!widPresent) pushStatic("%!(BADWIDTH)");
    afterIndex = false;
  } else {
    pos = parseNum(pos, fmtEnd);
    setWidth(gNum, gIsNum);
    if (afterIndex && widPresent) goodArgNum = false;
  }
  if (pos + 1 < fmtEnd && at(pos) == 46) {
    pos++;
    if (afterIndex) goodArgNum = false;
    argNumber();
    if (pos < fmtEnd && at(pos) == 42) {
      pos++;
      intFromArg();
      setPrecision(gNum < 0 ? 0 : gNum, gIsNum && gNum >= 0);
      if (!precPresent) pushStatic("%!(BADPREC)");
      afterIndex = false;
    } else {
      pos = parseNum(pos, fmtEnd);
      setPrecision(gIsNum ? gNum : 0, true);
    }
  }
  if (!afterIndex) argNumber();
  if (pos >= fmtEnd) {
    pushStatic("%!(NOVERB)");
    return false;
  }
  const verb = decodeAt(fmtPtr + pos);
  pos += seqLen(at(pos));
  if (verb == 37) {
    pushByte(37);
  } else if (!goodArgNum) {
    pushStatic("%!");
    pushCodePoint(verb);
    pushStatic("(BADINDEX)");
  } else if (argNum >= nargs) {
    pushStatic("%!");
    pushCodePoint(verb);
    pushStatic("(MISSING)");
  } else {
    if (verb == 118) enterV();
    printArg(arg(argNum), verb);
    argNum++;
  }
  return true;
}

function doPrintf(): void {
  while (pos < fmtEnd) {
    goodArgNum = true;
    const last = pos;
    while (pos < fmtEnd && at(pos) != 37) pos++;
    if (pos > last) pushBytes(fmtPtr + last, pos - last);
    if (pos >= fmtEnd) break;
    pos++;
    if (!directive()) break;
  }
  if (!reordered && argNum < nargs) {
    clearFlags();
    pushStatic("%!(EXTRA ");
    for (let i = argNum; i < nargs; i++) {
      if (i > argNum) pushStatic(", ");
      pushTypeName(arg(i));
      pushByte(61);
      printArg(arg(i), 118);
    }
    pushByte(41);
  }
}

export function bi_sprintf(f: usize, a: usize): usize {
  if (!is(f, T_STRING)) return typeError("sprintf", 1, "string", f);
  if (!is(a, T_ARRAY)) return typeError("sprintf", 2, "array", a);
  args = convertArgs(a);
  nargs = <i32>lenOf(a);
  fmtPtr = strPtr(f);
  fmtEnd = lenOf(f);
  argNum = 0;
  pos = 0;
  reordered = false;
  const start = heapTop();
  doPrintf();
  return endString(start);
}
