/**
 * One instantiated policy module and how it is evaluated.
 *
 * Modules are loaded with the stock `@open-policy-agent/opa-wasm` SDK; the loader is a parameter
 * so that the engine's swap logic can be tested without a compiler.
 */
import { beginEvaluation } from "./builtins/index.ts";
import { loadPolicy } from "@open-policy-agent/opa-wasm";
import { normalizeEntrypoint } from "./bundle/bundle.ts";
import type { HostBuiltins } from "./builtin_adapter.ts";
import { EngineError, type Evaluation } from "./types.ts";

/** What the engine needs of a loaded module (the SDK's LoadedPolicy satisfies it). */
export interface WasmPolicy {
  /** Entrypoint name ("pkg/rule") → id. */
  entrypoints: Record<string, number>;
  evaluate(input: unknown, entrypoint: string | number): unknown;
  setData(data: object): void;
}

export type PolicyLoader = (wasm: Uint8Array, builtins: HostBuiltins) => Promise<WasmPolicy>;

/** Pages of 64 KiB given to a module at first; it grows as needed. */
export const INITIAL_MEMORY_PAGES = 5;

export const sdkLoader: PolicyLoader = async (wasm, builtins) =>
  await loadPolicy(wasm as Uint8Array<ArrayBuffer>, { initial: INITIAL_MEMORY_PAGES }, builtins);

/** Message of whatever the SDK or the module threw (the SDK throws strings for aborts). */
export function thrownMessage(e: unknown): string {
  if (typeof e === "string") return e;
  if (e instanceof Error) return e.message;
  if (typeof e === "object" && e !== null && typeof (e as { message?: unknown }).message === "string") {
    return (e as { message: string }).message;
  }
  return String(e);
}

/** Evaluates `entrypoint`; never throws. */
export function evaluatePolicy(
  policy: WasmPolicy,
  revision: string,
  entrypoint: string,
  input: unknown,
): Evaluation {
  const started = performance.now();
  const name = normalizeEntrypoint(entrypoint);
  const fail = (error: EngineError): Evaluation => ({
    ok: false,
    error,
    revision,
    durationMs: performance.now() - started,
  });
  if (!Object.hasOwn(policy.entrypoints, name)) {
    return fail(new EngineError("bundle_entrypoint_missing", `the bundle has no entrypoint ${name}`));
  }
  let resultSet: unknown;
  try {
    // time.now_ns, rand.intn and uuid.rfc4122 answer the same within one evaluation.
    beginEvaluation();
    resultSet = policy.evaluate(input, name);
  } catch (e) {
    return fail(new EngineError("policy_eval_failed", `${name}: ${thrownMessage(e)}`, { cause: e }));
  }
  if (!Array.isArray(resultSet) || resultSet.length === 0) {
    return fail(new EngineError("policy_undefined", `${name} is undefined for this input`));
  }
  if (resultSet.length > 1) {
    return fail(new EngineError("policy_eval_failed", `${name} produced ${resultSet.length} results`));
  }
  const value = (resultSet[0] as { result?: unknown })?.result;
  return { ok: true, value, revision, durationMs: performance.now() - started };
}
