/**
 * The built-ins a module needs from its host (its `builtins()` export: name → id) against those
 * this engine provides: the SDK's own (SDK_BUILTINS) and the host built-ins it is given. A module
 * calling one that nobody implements would fail every evaluation that reaches the call, so it is
 * refused at load, with the names. Built-ins the module implements itself are not in the list.
 */
import { METER_BUILTIN_NAMES, SET_CODEC_SUFFIX } from "../rego/abi.ts";
import { SDK_BUILTINS } from "./builtins/index.ts";
import type { HostBuiltins } from "./builtin_adapter.ts";
import type { WasmPolicy } from "./policy.ts";
import { EngineError } from "./types.ts";

interface BuiltinExports {
  builtins(): number;
  opa_json_dump(v: number): number;
}

/** The module's required built-ins, or null for a policy that is not an SDK instance (tests). */
export function requiredBuiltins(policy: WasmPolicy): string[] | null {
  const p = policy as unknown as { wasmInstance?: WebAssembly.Instance; mem?: WebAssembly.Memory };
  const exports = p.wasmInstance?.exports as Partial<BuiltinExports> | undefined;
  if (
    !(p.mem instanceof WebAssembly.Memory) || typeof exports?.builtins !== "function" ||
    typeof exports.opa_json_dump !== "function"
  ) {
    return null;
  }
  const at = exports.opa_json_dump(exports.builtins());
  const memory = new Uint8Array(p.mem.buffer);
  const end = memory.indexOf(0, at);
  const listed = JSON.parse(new TextDecoder().decode(memory.subarray(at, end === -1 ? memory.length : end)));
  return Object.keys(listed ?? {}).sort();
}

export function checkBuiltins(policy: WasmPolicy, provided: HostBuiltins): void {
  // The meter's own (src/rego/emit/meter_abi.ts) are always given by the loader.
  const missing = (requiredBuiltins(policy) ?? []).filter((name) =>
    !SDK_BUILTINS.includes(name) && !METER_BUILTIN_NAMES.includes(name) && !Object.hasOwn(provided, name)
  );
  if (missing.length > 0) {
    throw new EngineError(
      "bundle_builtin_missing",
      `the policy calls built-in function(s) this gateway does not implement: ${
        missing.map((name) =>
          name.endsWith(SET_CODEC_SUFFIX) ? name.slice(0, -SET_CODEC_SUFFIX.length) : name
        )
          .join(", ")
      }`,
    );
  }
}
