// OPA's total order: null < boolean < number < string < array < object < set.
import {
  tagOf, lenOf, strPtr, elemAt, keyAt, valAt,
  T_NULL, T_BOOLEAN, T_NUMBER, T_STRING, T_ARRAY, T_OBJECT,
} from "./value";
import { compareNumbers } from "./number";

export function compareBytes(p: usize, n: u32, q: usize, m: u32): i32 {
  const k = n < m ? n : m;
  for (let i: u32 = 0; i < k; i++) {
    const a = load<u8>(p + i);
    const b = load<u8>(q + i);
    if (a != b) return a < b ? -1 : 1;
  }
  return n < m ? -1 : n > m ? 1 : 0;
}

export function compare(a: usize, b: usize): i32 {
  if (a == b) return 0;
  if (a == 0) return -1;
  if (b == 0) return 1;
  const ta = tagOf(a);
  const tb = tagOf(b);
  if (ta != tb) return ta < tb ? -1 : 1;
  if (ta == T_NULL) return 0;
  if (ta == T_BOOLEAN) {
    const x = load<u32>(a, 4);
    const y = load<u32>(b, 4);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ta == T_NUMBER) return compareNumbers(a, b);
  if (ta == T_STRING) return compareBytes(strPtr(a), lenOf(a), strPtr(b), lenOf(b));
  const na = lenOf(a);
  const nb = lenOf(b);
  const n = na < nb ? na : nb;
  if (ta == T_OBJECT) {
    for (let i: u32 = 0; i < n; i++) {
      const c = compare(keyAt(a, i), keyAt(b, i));
      if (c != 0) return c;
      const d = compare(valAt(a, i), valAt(b, i));
      if (d != 0) return d;
    }
  } else {
    // arrays and sets (sets are sorted)
    for (let i: u32 = 0; i < n; i++) {
      const c = compare(elemAt(a, i), elemAt(b, i));
      if (c != 0) return c;
    }
  }
  return na < nb ? -1 : na > nb ? 1 : 0;
}

export function equal(a: usize, b: usize): bool {
  if (a == b) return true;
  if (a == 0 || b == 0) return false;
  const ta = tagOf(a);
  if (ta != tagOf(b)) return false;
  if (ta >= T_ARRAY && lenOf(a) != lenOf(b)) return false;
  return compare(a, b) == 0;
}

export function rt_compare(a: usize, b: usize): i32 {
  return compare(a, b);
}

export function rt_equal(a: usize, b: usize): i32 {
  return equal(a, b) ? 1 : 0;
}
