// UTF-8 decoding as Go's unicode/utf8 does it: an invalid or truncated sequence decodes as U+FFFD
// with width 1. Results in gRune / gWidth (no allocation).

export const RUNE_ERROR: i32 = 0xfffd;

export let gRune: i32 = 0;
export let gWidth: u32 = 0;

function cont(b: u32): bool {
  return (b & 0xc0) == 0x80;
}

/** Decodes the rune at p (n bytes available, n > 0). */
export function decodeRune(p: usize, n: u32): void {
  const b0 = <u32>load<u8>(p);
  if (b0 < 0x80) {
    gRune = <i32>b0;
    gWidth = 1;
    return;
  }
  gRune = RUNE_ERROR;
  gWidth = 1;
  if (b0 < 0xc2 || b0 > 0xf4) return;
  if (b0 < 0xe0) {
    if (n < 2) return;
    const b1 = <u32>load<u8>(p + 1);
    if (!cont(b1)) return;
    gRune = <i32>(((b0 & 0x1f) << 6) | (b1 & 0x3f));
    gWidth = 2;
    return;
  }
  if (n < 2) return;
  const b1 = <u32>load<u8>(p + 1);
  let lo: u32 = 0x80;
  let hi: u32 = 0xbf;
  if (b0 == 0xe0) lo = 0xa0;
  else if (b0 == 0xed) hi = 0x9f;
  else if (b0 == 0xf0) lo = 0x90;
  else if (b0 == 0xf4) hi = 0x8f;
  if (b1 < lo || b1 > hi) return;
  if (n < 3) return;
  const b2 = <u32>load<u8>(p + 2);
  if (!cont(b2)) return;
  if (b0 < 0xf0) {
    gRune = <i32>(((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f));
    gWidth = 3;
    return;
  }
  if (n < 4) return;
  const b3 = <u32>load<u8>(p + 3);
  if (!cont(b3)) return;
  gRune = <i32>(((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f));
  gWidth = 4;
}

/** Decodes the last rune of the n bytes at p (n > 0), as utf8.DecodeLastRune. */
export function decodeLastRune(p: usize, n: u32): void {
  const last = <u32>load<u8>(p + n - 1);
  if (last < 0x80) {
    gRune = <i32>last;
    gWidth = 1;
    return;
  }
  // back up to a start byte (at most 4 bytes)
  const lim: u32 = n >= 4 ? n - 4 : 0;
  let start = n - 1;
  while (start > lim && cont(<u32>load<u8>(p + start))) start--;
  decodeRune(p + start, n - start);
  if (start + gWidth != n) {
    gRune = RUNE_ERROR;
    gWidth = 1;
  }
}

/** Whether the n bytes at p are valid UTF-8. */
export function validUtf8(p: usize, n: u32): bool {
  let i: u32 = 0;
  while (i < n) {
    if (load<u8>(p + i) < 0x80) {
      i++;
      continue;
    }
    decodeRune(p + i, n - i);
    if (gRune == RUNE_ERROR && gWidth == 1) return false;
    i += gWidth;
  }
  return true;
}
