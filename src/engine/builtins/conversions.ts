/**
 * to_number: null → 0, booleans → 1/0, numbers as they are, decimal strings parsed. The cast_*
 * built-ins (deprecated, Rego v0 only) return their operand when it has the type, else fail as
 * OPA's casts do. A set arrives as an array, and cast_set's result goes back as one (sorted, without
 * duplicates): host built-ins cannot return sets.
 */
import type { HostBuiltin } from "./host_builtin.ts";
import { fail, isObject, typeError } from "./operands.ts";
import { toSet } from "./values.ts";

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export const CONVERSION_BUILTINS: Record<string, HostBuiltin> = {
  to_number: (v) => {
    if (v === null) return 0;
    if (typeof v === "boolean") return v ? 1 : 0;
    if (typeof v === "number") return v;
    if (typeof v === "string") {
      if (!DECIMAL.test(v)) {
        fail("to_number", `strconv.ParseFloat: parsing ${JSON.stringify(v)}: invalid syntax`);
      }
      return Number(v);
    }
    return typeError("to_number", 1, v, "null", "boolean", "number", "string");
  },
  cast_array: (v) => (Array.isArray(v) ? v : typeError("cast_array", 1, v, "array", "set")),
  cast_set: (v) => (Array.isArray(v) ? toSet(v) : typeError("cast_set", 1, v, "array", "set")),
  cast_string: (v) => (typeof v === "string" ? v : typeError("cast_string", 1, v, "string")),
  cast_boolean: (v) => (typeof v === "boolean" ? v : typeError("cast_boolean", 1, v, "boolean")),
  cast_null: (v) => (v === null ? null : typeError("cast_null", 1, v, "null")),
  cast_object: (v) => (isObject(v) ? v : typeError("cast_object", 1, v, "object")),
};
