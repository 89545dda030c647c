// Shared helpers of the native built-ins: operand checks and OPA-style error messages.
import { heapTop, pushByte, pushStatic, finishText } from "./heap";
import { pushUint } from "./dtoa";
import { rt_builtin_error } from "./host";
import { tagOf, lenOf, stringValue, T_NULL, T_BOOLEAN, T_NUMBER, T_STRING, T_ARRAY, T_OBJECT } from "./value";
import { exactInt, gInt } from "./number";
import { bigFromValue } from "./arith";
import { gBigNeg, gBigTooLarge, bigClearTooLarge } from "./bigint";

export function typeName(v: usize): string {
  const t = tagOf(v);
  if (t == T_NULL) return "null";
  if (t == T_BOOLEAN) return "boolean";
  if (t == T_NUMBER) return "number";
  if (t == T_STRING) return "string";
  if (t == T_ARRAY) return "array";
  if (t == T_OBJECT) return "object";
  return "set";
}

export function is(v: usize, tag: u8): bool {
  return v != 0 && tagOf(v) == tag;
}

function finishError(): usize {
  pushByte(0);
  finishText();
  return 0;
}

/** "<name>: <msg>" */
export function fail(name: string, msg: string): usize {
  const p = heapTop();
  pushStatic(name);
  pushStatic(": ");
  pushStatic(msg);
  finishError();
  return rt_builtin_error(p);
}

/** "<name>: operand <pos> must be <expected> but got <type>" */
export function typeError(name: string, pos: u32, expected: string, v: usize): usize {
  const p = heapTop();
  pushStatic(name);
  pushStatic(": operand ");
  pushUint(pos);
  pushStatic(" must be ");
  pushStatic(expected);
  pushStatic(" but got ");
  pushStatic(typeName(v));
  finishError();
  return rt_builtin_error(p);
}

/** "<name>: operand <pos> must be <collection type> of <expected>s but got <collection type> containing <type>" */
export function elementError(name: string, pos: u32, coll: usize, expected: string, v: usize): usize {
  const p = heapTop();
  pushStatic(name);
  pushStatic(": operand ");
  pushUint(pos);
  pushStatic(" must be ");
  pushStatic(typeName(coll));
  pushStatic(" of ");
  pushStatic(expected);
  pushStatic("s but got ");
  pushStatic(typeName(coll));
  pushStatic(" containing ");
  pushStatic(typeName(v));
  finishError();
  return rt_builtin_error(p);
}

/** "<name>: operand <pos> must be integer number but got floating-point number" */
export function integerError(name: string, pos: u32): usize {
  const p = heapTop();
  pushStatic(name);
  pushStatic(": operand ");
  pushUint(pos);
  pushStatic(" must be integer number but got floating-point number");
  finishError();
  return rt_builtin_error(p);
}

/**
 * Checks an integer operand as OPA's builtins.IntOperand does (Number.Int: a plain integer text
 * within int64, so 1 but not 1.0): returns true and sets gInt, or reports the error (through
 * typeError/integerError) and returns false.
 */
export function intOperand(name: string, pos: u32, v: usize): bool {
  if (!is(v, T_NUMBER)) {
    typeError(name, pos, "number", v);
    return false;
  }
  if (!exactInt(v)) {
    integerError(name, pos);
    return false;
  }
  return true;
}

/** The magnitude (a nat) and sign of the last successful bigIntOperand. */
export let gOperandNat: usize = 0;
export let gOperandNeg = false;

/**
 * Checks an integer operand as OPA's builtins.BigIntOperand does (NumberToInt: any integral
 * value of any size, 1.0 and 1e3 included): sets gOperandNat/gOperandNeg, or reports the error
 * and returns false.
 */
export function bigIntOperand(name: string, pos: u32, v: usize): bool {
  if (!is(v, T_NUMBER)) {
    typeError(name, pos, "integer", v);
    return false;
  }
  bigClearTooLarge();
  const m = bigFromValue(v);
  if (m == 0) {
    integerError(name, pos);
    return false;
  }
  if (gBigTooLarge) {
    fail(name, "number too large");
    return false;
  }
  gOperandNat = m;
  gOperandNeg = gBigNeg;
  return true;
}

export { gInt };

/** A new string value from text pushed at the heap top since `start`. */
export function endString(start: usize): usize {
  const n = <u32>(heapTop() - start);
  finishText();
  return stringValue(start, n);
}

/** Number of code points in UTF-8 bytes. */
export function codePoints(p: usize, n: u32): u32 {
  let c: u32 = 0;
  for (let i: u32 = 0; i < n; i++) if ((load<u8>(p + i) & 0xc0) != 0x80) c++;
  return c;
}

/** Byte offset of code point index k (clamped to n). */
export function byteOffset(p: usize, n: u32, k: u32): u32 {
  let i: u32 = 0;
  let cp: u32 = 0;
  while (i < n) {
    if ((load<u8>(p + i) & 0xc0) != 0x80) {
      if (cp == k) return i;
      cp++;
    }
    i++;
  }
  return n;
}

/** Length of the UTF-8 sequence starting with byte b. */
export function seqLen(b: u32): u32 {
  if (b < 0x80) return 1;
  if (b < 0xe0) return 2;
  if (b < 0xf0) return 3;
  return 4;
}

/** Decodes the code point at p (valid UTF-8). */
export function decodeAt(p: usize): u32 {
  const b = <u32>load<u8>(p);
  if (b < 0x80) return b;
  if (b < 0xe0) return ((b & 0x1f) << 6) | (load<u8>(p + 1) & 0x3f);
  if (b < 0xf0) return ((b & 0x0f) << 12) | ((<u32>load<u8>(p + 1) & 0x3f) << 6) | (load<u8>(p + 2) & 0x3f);
  return ((b & 0x07) << 18) | ((<u32>load<u8>(p + 1) & 0x3f) << 12) | ((<u32>load<u8>(p + 2) & 0x3f) << 6) |
    (load<u8>(p + 3) & 0x3f);
}

/** Byte index of needle in haystack at or after `from`, or -1. */
export function findBytes(h: usize, hn: u32, nd: usize, nn: u32, from: u32): i32 {
  if (nn == 0) return from <= hn ? <i32>from : -1;
  if (nn > hn) return -1;
  const first = load<u8>(nd);
  for (let i = from; i + nn <= hn; i++) {
    if (load<u8>(h + i) != first) continue;
    if (memory.compare(h + i, nd, nn) == 0) return <i32>i;
  }
  return -1;
}

/** Whether bytes at p (n) start with q (m). */
export function hasPrefix(p: usize, n: u32, q: usize, m: u32): bool {
  return m <= n && memory.compare(p, q, m) == 0;
}

/** Whether bytes at p (n) end with q (m). */
export function hasSuffix(p: usize, n: u32, q: usize, m: u32): bool {
  return m <= n && memory.compare(p + n - m, q, m) == 0;
}

export function lenOfValue(v: usize): u32 {
  return lenOf(v);
}
