// walk(x): every [path, value] pair of x in pre-order, as OPA's walk relation enumerates them:
// the root first with path [], object keys in sorted order, arrays by index, set elements keyed by
// the element itself. Returned as one array; the planner scans it (walk is not in NATIVE_BUILTINS).
import {
  tagOf, lenOf, slots, elemAt, keyAt, valAt, arrayValue, arrayPush, intValue, T_ARRAY, T_OBJECT, T_SET,
} from "./value";

/** A new path array: path followed by k. */
function extend(path: usize, k: usize): usize {
  const n = lenOf(path);
  const p = arrayValue(n + 1);
  if (n > 0) memory.copy(slots(p), slots(path), <usize>n << 2);
  store<u32>(p, n, 4);
  arrayPush(p, k);
  return p;
}

function visit(out: usize, path: usize, v: usize): void {
  const pair = arrayValue(2);
  arrayPush(pair, path);
  arrayPush(pair, v);
  arrayPush(out, pair);
  const t = tagOf(v);
  const n = lenOf(v);
  if (t == T_ARRAY) {
    for (let i: u32 = 0; i < n; i++) visit(out, extend(path, intValue(i)), elemAt(v, i));
  } else if (t == T_OBJECT) {
    for (let i: u32 = 0; i < n; i++) visit(out, extend(path, keyAt(v, i)), valAt(v, i));
  } else if (t == T_SET) {
    for (let i: u32 = 0; i < n; i++) {
      const e = elemAt(v, i);
      visit(out, extend(path, e), e);
    }
  }
}

export function bi_walk(x: usize): usize {
  const out = arrayValue(0);
  visit(out, arrayValue(0), x);
  return out;
}
