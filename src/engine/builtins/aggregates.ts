/** Aggregates: count, sum, product, max, min, sort, all, any. Sets arrive as arrays. */
import type { HostBuiltin } from "./host_builtin.ts";
import { collection, fail, isObject, typeError, typeName } from "./operands.ts";
import { compareValues } from "./values.ts";

function numbers(name: string, v: unknown): number[] {
  const items = collection(name, v, 1);
  for (const x of items) {
    if (typeof x !== "number") {
      fail(name, `operand 1 must be array of numbers but got array containing ${typeName(x)}`);
    }
  }
  return items as number[];
}

function extreme(name: string, v: unknown, sign: number): unknown {
  const items = collection(name, v, 1);
  if (items.length === 0) return undefined;
  return items.reduce((best, x) => (compareValues(x, best) * sign > 0 ? x : best));
}

function booleans(name: string, v: unknown): unknown[] {
  return collection(name, v, 1);
}

export const AGGREGATE_BUILTINS: Record<string, HostBuiltin> = {
  count: (v) => {
    if (typeof v === "string") return [...v].length;
    if (Array.isArray(v)) return v.length;
    if (isObject(v)) return Object.keys(v).length;
    return typeError("count", 1, v, "array", "object", "set", "string");
  },
  sum: (v) => numbers("sum", v).reduce((a, b) => a + b, 0),
  product: (v) => numbers("product", v).reduce((a, b) => a * b, 1),
  max: (v) => extreme("max", v, 1),
  min: (v) => extreme("min", v, -1),
  sort: (v) => [...collection("sort", v, 1)].sort(compareValues),
  all: (v) => booleans("all", v).every((x) => x === true),
  any: (v) => booleans("any", v).some((x) => x === true),
};
