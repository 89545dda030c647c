// The flags of the sprintf directive being formatted (Go's fmt.fmtFlags) and padding.
import { heapTop, pushByte, setHeapTop, ensureMemory } from "./heap";

export let fMinus = false;
export let fPlus = false;
export let fSharp = false;
export let fSpace = false;
export let fZero = false;
export let fPlusV = false;
export let fSharpV = false;
export let wid: i32 = 0;
export let widPresent = false;
export let prec: i32 = 0;
export let precPresent = false;

export function clearFlags(): void {
  fMinus = false;
  fPlus = false;
  fSharp = false;
  fSpace = false;
  fZero = false;
  fPlusV = false;
  fSharpV = false;
  wid = 0;
  widPresent = false;
  prec = 0;
  precPresent = false;
}

export function setFlag(c: u32): bool {
  if (c == 35) fSharp = true;
  else if (c == 48) fZero = !fMinus;
  else if (c == 43) fPlus = true;
  else if (c == 45) {
    fMinus = true;
    fZero = false;
  } else if (c == 32) fSpace = true;
  else return false;
  return true;
}

export function setWidth(w: i32, present: bool): void {
  wid = w;
  widPresent = present;
  if (w < 0) {
    wid = -w;
    fMinus = true;
    fZero = false;
  }
}

export function setPrecision(p: i32, present: bool): void {
  prec = p;
  precPresent = present;
}

/** %v: the sharp and plus flags become sharpV and plusV. */
export function enterV(): void {
  fSharpV = fSharp;
  fSharp = false;
  fPlusV = fPlus;
  fPlus = false;
}

export function setZero(z: bool): void {
  fZero = z;
}

function padByte(): u32 {
  return fZero && !fMinus ? 48 : 32;
}

/** Go's writePadding: n pad bytes at the heap top. */
export function pushPadding(n: i32): void {
  const b = padByte();
  for (let i = 0; i < n; i++) pushByte(b);
}

/** Inserts n bytes b at `at`, moving the text from there to the heap top right. */
export function insertFill(at: usize, n: i32, b: u32): void {
  if (n <= 0) return;
  const top = heapTop();
  ensureMemory(top + <usize>n);
  memory.copy(at + <usize>n, at, top - at);
  memory.fill(at, <u8>b, <usize>n);
  setHeapTop(top + <usize>n);
}

/** Inserts n pad bytes at `at`. */
export function insertPadding(at: usize, n: i32): void {
  insertFill(at, n, padByte());
}

/** Number of code points in the UTF-8 bytes (p, n). */
export function runeCount(p: usize, n: usize): i32 {
  let c: i32 = 0;
  for (let i: usize = 0; i < n; i++) if ((load<u8>(p + i) & 0xc0) != 0x80) c++;
  return c;
}

/** Go's fmt.pad for the text written since `start`: pads to the width, left or right. */
export function padSince(start: usize): void {
  if (!widPresent || wid == 0) return;
  const width = wid - runeCount(start, heapTop() - start);
  if (width <= 0) return;
  if (!fMinus) insertPadding(start, width);
  else pushPadding(width);
}
