/**
 * The contract between the Wasm emitter and the runtime (src/rego/runtime/, AssemblyScript).
 *
 * The runtime is compiled once to `runtime.wasm` and embedded (runtime_wasm.ts). For each policy
 * the emitter reads that module with binaryen, adds the planned functions, which call the runtime
 * through the exports listed here, adds OPA's ABI exports, and strips every `rt_*` export that is
 * not part of OPA's ABI.
 *
 * Values are i32 addresses of runtime values; 0 means "undefined". The emitter never looks inside a
 * value: it only calls these functions. Every function listed must be exported by the runtime
 * under exactly this name, with exactly these parameter and result types (a test checks it).
 *
 * Errors: a built-in that fails calls `rt_builtin_error(msg)`; in strict mode (set with
 * `rt_set_strict(1)` by the generated `opa_eval`/`eval`) that aborts with the message through
 * `env.opa_abort`, otherwise the built-in returns 0 (undefined), as OPA's Wasm target does.
 */

export type WasmType = "i32" | "i64" | "f64" | "none";

export interface RuntimeFunction {
  params: WasmType[];
  result: WasmType;
  doc: string;
}

/** Functions the runtime exports for the generated code (and OPA's own ABI functions). */
export const RUNTIME_FUNCTIONS = {
  // --- OPA ABI functions implemented wholly by the runtime (kept exported) ---
  opa_malloc: { params: ["i32"], result: "i32", doc: "allocate n bytes on the bump heap" },
  opa_free: { params: ["i32"], result: "none", doc: "release (a no-op on the bump heap)" },
  opa_heap_ptr_get: { params: [], result: "i32", doc: "current heap pointer" },
  opa_heap_ptr_set: { params: ["i32"], result: "none", doc: "reset the heap pointer" },
  opa_json_parse: { params: ["i32", "i32"], result: "i32", doc: "parse JSON text (ptr,len); 0 on error" },
  opa_value_parse: {
    params: ["i32", "i32"],
    result: "i32",
    doc: "parse Rego value text (JSON plus sets `{1,2}`, `set()`); 0 on error",
  },
  opa_json_dump: { params: ["i32"], result: "i32", doc: "serialise as JSON; NUL-terminated; sets as arrays" },
  opa_value_dump: { params: ["i32"], result: "i32", doc: "serialise as Rego value text; NUL-terminated" },
  opa_eval_ctx_new: { params: [], result: "i32", doc: "new evaluation context" },
  opa_eval_ctx_set_input: { params: ["i32", "i32"], result: "none", doc: "ctx, input value" },
  opa_eval_ctx_set_data: { params: ["i32", "i32"], result: "none", doc: "ctx, data value" },
  opa_eval_ctx_set_entrypoint: { params: ["i32", "i32"], result: "none", doc: "ctx, entrypoint id" },
  opa_eval_ctx_get_result: { params: ["i32"], result: "i32", doc: "ctx → result set value" },

  // --- Runtime set-up, called by generated code ---
  rt_heap_init: {
    params: ["i32"],
    result: "none",
    doc: "start function: the first free address after all data segments (runtime's and policy's)",
  },
  rt_set_strict: { params: ["i32"], result: "none", doc: "1: built-in errors abort; 0: undefined" },
  rt_eval_ctx_input: { params: ["i32"], result: "i32", doc: "ctx → input value (0 if unset)" },
  rt_eval_ctx_data: { params: ["i32"], result: "i32", doc: "ctx → data value (0 if unset → empty object)" },
  rt_eval_ctx_entrypoint: { params: ["i32"], result: "i32", doc: "ctx → entrypoint id" },
  rt_eval_ctx_set_result: { params: ["i32", "i32"], result: "none", doc: "ctx, result set" },
  rt_abort: { params: ["i32"], result: "none", doc: "abort with a NUL-terminated UTF-8 message (address)" },
  rt_builtin_error: {
    params: ["i32"],
    result: "i32",
    doc: "NUL-terminated message; aborts in strict mode, else returns 0",
  },

  // --- Constructors ---
  rt_null: { params: [], result: "i32", doc: "the null value" },
  rt_boolean: { params: ["i32"], result: "i32", doc: "0 → false, else true" },
  rt_number_int: { params: ["i64"], result: "i32", doc: "an integer number" },
  rt_number_ref: {
    params: ["i32", "i32"],
    result: "i32",
    doc: "a number from its text (ptr,len); kept verbatim",
  },
  rt_string: {
    params: ["i32", "i32"],
    result: "i32",
    doc: "a string over UTF-8 bytes (ptr,len); the bytes are not copied (static data)",
  },
  rt_array: { params: ["i32"], result: "i32", doc: "an empty array with capacity n" },
  rt_array_append: { params: ["i32", "i32"], result: "none", doc: "array, value" },
  rt_object: { params: [], result: "i32", doc: "an empty object" },
  rt_object_insert: { params: ["i32", "i32", "i32"], result: "none", doc: "object, key, value (replaces)" },
  rt_set: { params: [], result: "i32", doc: "an empty set" },
  rt_set_add: { params: ["i32", "i32"], result: "none", doc: "set, value (no duplicate)" },

  // --- Inspection ---
  rt_type: {
    params: ["i32"],
    result: "i32",
    doc: "type tag: 1 null, 2 boolean, 3 number, 4 string, 5 array, 6 object, 7 set",
  },
  rt_is_true: { params: ["i32"], result: "i32", doc: "1 if the value is the boolean true" },
  rt_is_false: { params: ["i32"], result: "i32", doc: "1 if the value is the boolean false" },
  rt_length: { params: ["i32"], result: "i32", doc: "elements of array/object/set, bytes of string" },
  rt_get: {
    params: ["i32", "i32"],
    result: "i32",
    doc: "collection[key]: array by integer number index, object by key, set → key if member; else 0",
  },
  rt_iter: {
    params: ["i32", "i32"],
    result: "i32",
    doc:
      "next key after prev (0 = first) of an array (index numbers), object (keys, sorted) or set (elements, sorted); 0 when done or not a collection",
  },
  rt_compare: { params: ["i32", "i32"], result: "i32", doc: "OPA's total order: <0, 0, >0" },
  rt_equal: { params: ["i32", "i32"], result: "i32", doc: "1 if equal (numbers compare by value)" },

  // --- Operations the planner needs ---
  rt_object_insert_once: {
    params: ["i32", "i32", "i32"],
    result: "i32",
    doc: "object, key, value: inserts; returns 0 if the key holds a different value (conflict), else 1",
  },
  rt_object_merge: {
    params: ["i32", "i32"],
    result: "i32",
    doc:
      "deep merge of two objects into a new object (a's values win on conflicts of non-objects); 0 if not both objects",
  },
  rt_upsert: {
    params: ["i32", "i32", "i32"],
    result: "i32",
    doc:
      "copy of document with the value at path (array of keys) replaced by value, creating objects on the way; `with`",
  },
  rt_copy: { params: ["i32"], result: "i32", doc: "shallow copy of a collection" },

  // --- Host built-in calls (the set codec: builtins/host_sets.ts) ---
  rt_host_arg: { params: ["i32"], result: "i32", doc: "an argument with its sets encoded for the host" },
  rt_host_result: { params: ["i32"], result: "i32", doc: "a host result (0 = undefined) with sets decoded" },
} as const satisfies Record<string, RuntimeFunction>;

export type RuntimeFunctionName = keyof typeof RUNTIME_FUNCTIONS;

/** OPA ABI exports the runtime implements and the final module keeps. */
export const ABI_RUNTIME_EXPORTS = [
  "opa_malloc",
  "opa_free",
  "opa_heap_ptr_get",
  "opa_heap_ptr_set",
  "opa_json_parse",
  "opa_value_parse",
  "opa_json_dump",
  "opa_value_dump",
  "opa_eval_ctx_new",
  "opa_eval_ctx_set_input",
  "opa_eval_ctx_set_data",
  "opa_eval_ctx_set_entrypoint",
  "opa_eval_ctx_get_result",
] as const;
