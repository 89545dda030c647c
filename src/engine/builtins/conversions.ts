/** to_number: null → 0, booleans → 1/0, numbers as they are, decimal strings parsed. */
import type { HostBuiltin } from "./host_builtin.ts";
import { fail, typeError } from "./operands.ts";

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
};
