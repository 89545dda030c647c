/** array.* built-ins. */
import { takesSets } from "./rego_set.ts";
import type { HostBuiltin } from "./host_builtin.ts";
import { arr, int } from "./operands.ts";

export const ARRAY_BUILTINS: Record<string, HostBuiltin> = {
  "array.concat": (a, b) => [...arr("array.concat", a, 1), ...arr("array.concat", b, 2)],
  "array.slice": (a, start, stop) => {
    const items = arr("array.slice", a, 1);
    // OPA's IntOperand: a non-integral index is an error, not truncated.
    let from = int("array.slice", start, 2);
    let to = int("array.slice", stop, 3);
    if (from < 0) from = 0;
    if (to > items.length) to = items.length;
    if (from >= to) return [];
    return items.slice(from, to);
  },
  "array.reverse": (a) => [...arr("array.reverse", a, 1)].reverse(),
  // One level: array elements are spliced in, anything else (a set too) kept as it is.
  "array.flatten": takesSets((a) => arr("array.flatten", a, 1).flatMap((x) => (Array.isArray(x) ? x : [x]))),
};
