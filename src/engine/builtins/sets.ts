/** Set built-ins. Sets arrive as arrays and are returned as sorted, duplicate-free arrays. */
import type { HostBuiltin } from "./host_builtin.ts";
import { fail, set } from "./operands.ts";
import { setHas, toSet } from "./values.ts";

function setOfSets(name: string, v: unknown): unknown[][] {
  const outer = set(name, v, 1);
  for (const inner of outer) if (!Array.isArray(inner)) fail(name, "operand 1 must be set of sets");
  return outer as unknown[][];
}

export const SET_BUILTINS: Record<string, HostBuiltin> = {
  intersection: (sets) => {
    const all = setOfSets("intersection", sets);
    if (all.length === 0) return [];
    return toSet(all[0].filter((x) => all.every((s) => setHas(s, x))));
  },
  union: (sets) => toSet(setOfSets("union", sets).flat()),
  // Deprecated (Rego v0): a - b.
  set_diff: (a, b) => {
    const right = set("set_diff", b, 2);
    return toSet(set("set_diff", a, 1).filter((x) => !setHas(right, x)));
  },
};
