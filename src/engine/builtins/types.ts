/**
 * Type built-ins: harmless duplicates of the runtime's native ones. On the host a set is seen as
 * an array (the SDK dumps sets as JSON arrays), so is_set is always false and type_name says
 * "array" for sets: the runtime's own implementations must take precedence.
 */
import type { HostBuiltin } from "./host_builtin.ts";
import { isObject, typeName } from "./operands.ts";

export const TYPE_BUILTINS: Record<string, HostBuiltin> = {
  is_number: (v) => typeof v === "number",
  is_string: (v) => typeof v === "string",
  is_boolean: (v) => typeof v === "boolean",
  is_array: (v) => Array.isArray(v),
  is_set: () => false,
  is_object: (v) => isObject(v),
  is_null: (v) => v === null,
  type_name: (v) => typeName(v),
};
