// Go's strconv.Quote / QuoteToASCII / QuoteRune / CanBackquote over UTF-8 text, appended at the
// heap top (used by sprintf's %q and by the Rego text of strings inside composite values).
import { pushByte, pushCodePoint } from "./heap";
import { decodeAt, seqLen } from "./bi_common";
import { isPrint } from "./unicode";

const HEX: string = "0123456789abcdef";

function pushHexDigits(c: u32, n: i32): void {
  for (let s = (n - 1) * 4; s >= 0; s -= 4) pushByte(<u32>HEX.charCodeAt(<i32>((c >> <u32>s) & 15)));
}

/** Whether c is a valid Unicode scalar value. */
export function validRune(c: u32): bool {
  return c <= 0x10ffff && !(c >= 0xd800 && c < 0xe000);
}

/** Appends rune c escaped as inside a Go quoted literal delimited by `quote`. */
export function pushEscapedRune(c: u32, quote: u32, asciiOnly: bool): void {
  if (c == quote || c == 92) {
    pushByte(92);
    pushByte(c);
    return;
  }
  if (asciiOnly ? c < 0x80 && isPrint(c) : isPrint(c)) {
    pushCodePoint(c);
    return;
  }
  if (c == 7) {
    pushByte(92);
    pushByte(97);
  } else if (c == 8) {
    pushByte(92);
    pushByte(98);
  } else if (c == 12) {
    pushByte(92);
    pushByte(102);
  } else if (c == 10) {
    pushByte(92);
    pushByte(110);
  } else if (c == 13) {
    pushByte(92);
    pushByte(114);
  } else if (c == 9) {
    pushByte(92);
    pushByte(116);
  } else if (c == 11) {
    pushByte(92);
    pushByte(118);
  } else if (c < 32 || c == 0x7f) {
    pushByte(92);
    pushByte(120);
    pushHexDigits(c, 2);
  } else {
    if (!validRune(c)) c = 0xfffd;
    pushByte(92);
    if (c < 0x10000) {
      pushByte(117);
      pushHexDigits(c, 4);
    } else {
      pushByte(85);
      pushHexDigits(c, 8);
    }
  }
}

/** strconv.Quote (or QuoteToASCII) of the UTF-8 bytes (p, n). */
export function pushGoQuoted(p: usize, n: u32, asciiOnly: bool): void {
  pushByte(34);
  let i: u32 = 0;
  while (i < n) {
    pushEscapedRune(decodeAt(p + i), 34, asciiOnly);
    i += seqLen(load<u8>(p + i));
  }
  pushByte(34);
}

/** strconv.QuoteRune (or QuoteRuneToASCII); invalid runes become U+FFFD. */
export function pushGoQuotedRune(c: u32, asciiOnly: bool): void {
  pushByte(39);
  pushEscapedRune(validRune(c) ? c : 0xfffd, 39, asciiOnly);
  pushByte(39);
}

/** strconv.CanBackquote. */
export function canBackquote(p: usize, n: u32): bool {
  let i: u32 = 0;
  while (i < n) {
    const c = decodeAt(p + i);
    const k = seqLen(load<u8>(p + i));
    i += k;
    if (k > 1) {
      if (c == 0xfeff) return false;
      continue;
    }
    if ((c < 32 && c != 9) || c == 96 || c == 0x7f) return false;
  }
  return true;
}
