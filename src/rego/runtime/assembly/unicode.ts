// Unicode lookups over the generated tables (unicode_tables.ts): simple case mapping as Go's
// unicode.ToUpper/ToLower, and printability as Go's strconv.IsPrint.
import { CASE_ENTRIES, CASE_TABLE, PRINT_ENTRIES, PRINT_TABLE } from "./unicode_tables";

/** Index of the case run containing c, or -1. */
function caseRun(c: u32): i32 {
  let lo: i32 = 0;
  let hi: i32 = CASE_ENTRIES - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const w = load<u32>(CASE_TABLE + <usize>mid * 12);
    const first = w & 0x1fffff;
    if (c < first) hi = mid - 1;
    else if (c > first + (w >>> 21)) lo = mid + 1;
    else return mid;
  }
  return -1;
}

function mapCase(c: u32, upper: bool): u32 {
  const i = caseRun(c);
  if (i < 0) return c;
  const at = CASE_TABLE + <usize>i * 12;
  const du = load<i32>(at, 4);
  const dl = load<i32>(at, 8);
  if (du == 0 && dl == 0) {
    const odd = ((c - (load<u32>(at) & 0x1fffff)) & 1) != 0;
    if (upper) return odd ? c - 1 : c;
    return odd ? c : c + 1;
  }
  return <u32>(<i32>c + (upper ? du : dl));
}

export function toUpper(c: u32): u32 {
  if (c < 0x80) return c >= 97 && c <= 122 ? c - 32 : c;
  return mapCase(c, true);
}

export function toLower(c: u32): u32 {
  if (c < 0x80) return c >= 65 && c <= 90 ? c + 32 : c;
  return mapCase(c, false);
}

/** Go's strconv.IsPrint. */
export function isPrint(c: u32): bool {
  if (c < 0x80) return c >= 0x20 && c < 0x7f;
  let lo: i32 = 0;
  let hi: i32 = PRINT_ENTRIES - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const w = load<u32>(PRINT_TABLE + (<usize>mid << 2));
    const first = w & 0x1fffff;
    if (c < first) hi = mid - 1;
    else if (c > first + (w >>> 21)) lo = mid + 1;
    else return true;
  }
  return false;
}
