/**
 * to_number: null → 0, booleans → 1/0, numbers as they are, decimal strings parsed. The cast_*
 * built-ins (deprecated, Rego v0 only) return their operand when it has the type, else fail as
 * OPA's casts do. They take sets (RegoSets), so a set inside the operand stays a set.
 */
import { RegoSet, takesSets } from "./rego_set.ts";
import type { HostBuiltin } from "./host_builtin.ts";
import { fail, isObject, typeError } from "./operands.ts";
import { regoSet } from "./values.ts";

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
  cast_array: takesSets((v) => {
    if (v instanceof RegoSet) return v.items;
    return Array.isArray(v) ? v : typeError("cast_array", 1, v, "array", "set");
  }),
  cast_set: takesSets((v) => {
    if (v instanceof RegoSet) return v;
    return Array.isArray(v) ? regoSet(v) : typeError("cast_set", 1, v, "array", "set");
  }),
  cast_string: takesSets((v) => (typeof v === "string" ? v : typeError("cast_string", 1, v, "string"))),
  cast_boolean: takesSets((v) => (typeof v === "boolean" ? v : typeError("cast_boolean", 1, v, "boolean"))),
  cast_null: takesSets((v) => (v === null ? null : typeError("cast_null", 1, v, "null"))),
  cast_object: takesSets((v) => (isObject(v) ? v : typeError("cast_object", 1, v, "object"))),
};
