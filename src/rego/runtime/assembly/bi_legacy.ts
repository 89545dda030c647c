// Built-ins deprecated in OPA (Rego v0 only) that its Wasm module still implements: all, any,
// set_diff.
import { lenOf, elemAt, boolValue, isBool, T_ARRAY, T_SET } from "./value";
import { is, typeError } from "./bi_common";
import { setDiff } from "./bi_numbers";

function booleans(name: string, v: usize, want: bool): usize {
  if (!is(v, T_ARRAY) && !is(v, T_SET)) return typeError(name, 1, "one of {array, set}", v);
  const n = lenOf(v);
  for (let i: u32 = 0; i < n; i++) {
    if (isBool(elemAt(v, i), true) == want) return boolValue(want);
  }
  return boolValue(!want);
}

/** all(c): every element is true (an empty collection: true). */
export function bi_all(v: usize): usize {
  if (!is(v, T_ARRAY) && !is(v, T_SET)) return typeError("all", 1, "one of {array, set}", v);
  const n = lenOf(v);
  for (let i: u32 = 0; i < n; i++) if (!isBool(elemAt(v, i), true)) return boolValue(false);
  return boolValue(true);
}

/** any(c): some element is true. */
export function bi_any(v: usize): usize {
  return booleans("any", v, true);
}

export function bi_set_diff(a: usize, b: usize): usize {
  if (!is(a, T_SET)) return typeError("set_diff", 1, "set", a);
  if (!is(b, T_SET)) return typeError("set_diff", 2, "set", b);
  return setDiff(a, b);
}
