/**
 * The engine's module loader: a policy module compiled once, metered, instantiated with the stock
 * `@open-policy-agent/opa-wasm` SDK as often as needed, each instance with a capped memory.
 *
 * - Metering: the compiler's modules are metered when compiled (src/rego/emit/meter.ts). A module
 *   that is not (one built by `opa build`, or by this project before metering) is metered here, in
 *   the compiler worker when `offThread` (binaryen stays out of the serving isolate: see load.ts).
 *   One that cannot be metered is refused (policy_load_failed, logged and shown on /readyz like
 *   any rejected bundle): an evaluation nothing can stop could hold up every request.
 * - Memory: each instance gets `new WebAssembly.Memory({initial, maximum})` (the SDK passes the
 *   descriptor through); growing past `maximum` fails inside the module, which the meter turns
 *   into policy_memory_exceeded.
 * - Instances are made synchronously (`loadPolicySync` on the compiled WebAssembly.Module), so a
 *   spoilt one can be replaced between two evaluations (instance.ts), and armed at once.
 */
import * as sdk from "@open-policy-agent/opa-wasm";
import { isMetered, METER_ARM_EXPORT } from "../../rego/abi.ts";
import { initialPages, type PolicyLoader, thrownMessage, type WasmPolicy } from "../policy.ts";
import { preferOurBuiltins } from "../sdk_builtins.ts";
import { EngineError } from "../types.ts";
import { FUEL_SLICE, METER_HOST_BUILTINS } from "./deadline.ts";
import { DEFAULT_MAX_MEMORY_MB } from "./limits.ts";

// The package's ES entry exports only loadPolicy by name (its type declarations say otherwise);
// loadPolicySync is on its default export.
const loadPolicySync = (sdk as unknown as { default: typeof sdk }).default.loadPolicySync;

const WASM_PAGE = 64 * 1024;
/** WebAssembly's 32-bit memories hold at most 65536 pages (4 GiB). */
const MAX_PAGES = 65536;

export const sdkLoader: PolicyLoader = async (wasm, builtins, options = {}) => {
  const bytes = await metered(wasm, options.offThread === true);
  const module = await compileModule(bytes);
  const maxBytes = options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_MB * 1024 * 1024;
  const maximum = Math.min(MAX_PAGES, Math.max(1, Math.floor(maxBytes / WASM_PAGE)));
  const initial = initialPages(bytes);
  if (initial > maximum) {
    throw new EngineError(
      "policy_load_failed",
      `the module needs ${initial * 64} KiB of memory to start, more than its cap of ${
        maximum * 64
      } KiB (policy.maxMemoryMB)`,
    );
  }
  // The meter's built-ins last: a policy's own cannot take their names. The host's built-ins
  // replace the SDK's own of the same name (sdk_builtins.ts).
  const all = { ...builtins, ...METER_HOST_BUILTINS };
  preferOurBuiltins(all);
  return {
    meteredAtLoad: bytes !== wasm,
    instantiate(): WasmPolicy {
      const policy = loadPolicySync(module, { initial, maximum }, all);
      const arm = (policy.wasmInstance as WebAssembly.Instance).exports[METER_ARM_EXPORT];
      if (typeof arm !== "function") throw new Error("internal error: the module is not metered");
      arm(FUEL_SLICE);
      return policy;
    },
  };
};

async function compileModule(bytes: Uint8Array): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw new EngineError("policy_load_failed", `the policy module does not compile: ${thrownMessage(e)}`, {
      cause: e,
    });
  }
}

/** The module's bytes, metered: as they are when the compiler metered them, else instrumented. */
async function metered(wasm: Uint8Array, offThread: boolean): Promise<Uint8Array> {
  const module = await compileModule(wasm);
  if (isMetered(WebAssembly.Module.exports(module))) return wasm;
  try {
    if (offThread) {
      const { meterOffThread } = await import("../compile_off_thread.ts");
      return await meterOffThread(wasm);
    }
    const { meterWasm } = await import("../../rego/mod.ts");
    return meterWasm(wasm);
  } catch (e) {
    const message = e instanceof EngineError ? e.message : thrownMessage(e);
    throw new EngineError(
      "policy_load_failed",
      `the policy module cannot be metered, so its evaluations could not be bounded in time: ${message}`,
      { cause: e },
    );
  }
}
