/**
 * One instantiated policy module and how it is evaluated.
 *
 * Modules are loaded with the stock `@open-policy-agent/opa-wasm` SDK (instance/sdk_module.ts);
 * the loader is a parameter so that the engine's swap logic can be tested without a compiler. An
 * evaluation can be given a deadline (instance/deadline.ts); what a failure leaves of the instance
 * is for instance/instance.ts to judge (spoilsInstance).
 */
import { beginEvaluation } from "./builtins/index.ts";
import { normalizeEntrypoint } from "./bundle/bundle.ts";
import type { HostBuiltins } from "./builtin_adapter.ts";
import { armDeadline, disarmDeadline, EvaluationTimeout, MemoryExhausted } from "./instance/deadline.ts";
import { EngineError, type Evaluation, JsonText } from "./types.ts";

/** What the engine needs of a loaded module (the SDK's LoadedPolicy satisfies it). */
export interface WasmPolicy {
  /** Entrypoint name ("pkg/rule") → id. */
  entrypoints: Record<string, number>;
  evaluate(input: unknown, entrypoint: string | number): unknown;
  setData(data: object): void;
}

/** A compiled module: it makes instances synchronously, so that a spoilt one is replaced at once. */
export interface PolicyModule {
  /** A new instance, its data not set yet. Throws when one cannot be made. */
  instantiate(): WasmPolicy;
  /**
   * The module was metered at load (built elsewhere): its bytes differ from the bundle's, so a data
   * image made from the bundle's module (module_data.ts) does not fit it.
   */
  readonly meteredAtLoad?: boolean;
}

export interface LoaderOptions {
  /** The instance's memory cap in bytes (its WebAssembly.Memory maximum). */
  maxMemoryBytes?: number;
  /** Meter a module built elsewhere in the compiler worker rather than on this thread. */
  offThread?: boolean;
}

export type PolicyLoader = (
  wasm: Uint8Array,
  builtins: HostBuiltins,
  options?: LoaderOptions,
) => Promise<PolicyModule>;

/** Pages of 64 KiB given to a module at first (the SDK's default); it grows as needed. */
export const INITIAL_MEMORY_PAGES = 5;

/**
 * A module's data segments must fit in the memory it is given at instantiation, and they are
 * part of the module's bytes: a module of n bytes never needs more than n bytes of initial memory.
 */
export function initialPages(wasm: Uint8Array): number {
  return Math.max(INITIAL_MEMORY_PAGES, Math.ceil(wasm.byteLength / 65536) + 1);
}

/** Message of whatever the SDK or the module threw (the SDK throws strings for aborts). */
export function thrownMessage(e: unknown): string {
  if (typeof e === "string") return e;
  if (e instanceof Error) return e.message;
  if (typeof e === "object" && e !== null && typeof (e as { message?: unknown }).message === "string") {
    return (e as { message: string }).message;
  }
  return String(e);
}

/**
 * The fields of the SDK's LoadedPolicy (v1.10) that its own `evaluate` uses for the ABI 1.2
 * `opa_eval` call. With an ArrayBuffer input, `evaluateJson` makes that same call but reads the
 * answer with a native search for its terminating NUL and one shared decoder, where the SDK's
 * `_dumpJSONRaw` walks the bytes in a JS loop and builds a TextDecoder per call (measured at
 * ~4% of the gateway's CPU under load). Any other module or input goes through `evaluate`.
 */
interface SdkPolicyState {
  minorVersion: number;
  mem: WebAssembly.Memory;
  wasmInstance: WebAssembly.Instance;
  dataAddr: number;
  dataHeapPtr: number;
}

type OpaEval = (
  reserved: number,
  entrypoint: number,
  data: number,
  input: number,
  inputLen: number,
  heap: number,
  format: number,
) => number;

const WASM_PAGE = 64 * 1024;
const resultDecoder = new TextDecoder();
const inputEncoder = new TextEncoder();

function abiEval(policy: WasmPolicy): OpaEval | null {
  const p = policy as unknown as Partial<SdkPolicyState>;
  const opaEval = p.wasmInstance?.exports?.opa_eval;
  return typeof opaEval === "function" && (p.minorVersion ?? 0) >= 2 && p.mem instanceof WebAssembly.Memory &&
      typeof p.dataAddr === "number" && typeof p.dataHeapPtr === "number"
    ? opaEval as OpaEval
    : null;
}

/**
 * Evaluates as the SDK's ABI 1.2 path does: input copied at the data heap top, `opa_eval`, JSON
 * out. A string input is JSON text, encoded straight into the module's memory.
 */
export function evaluateJson(policy: WasmPolicy, input: ArrayBuffer | string, entrypoint: number): unknown {
  const opaEval = abiEval(policy);
  if (opaEval === null) {
    return policy.evaluate(typeof input === "string" ? inputEncoder.encode(input).buffer : input, entrypoint);
  }
  const p = policy as unknown as SdkPolicyState;
  const at = p.dataHeapPtr;
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  const room = typeof input === "string" ? input.length * 3 : input.byteLength;
  const delta = at + room - p.mem.buffer.byteLength;
  if (delta > 0) p.mem.grow(Math.ceil(delta / WASM_PAGE));
  let length: number;
  if (typeof input === "string") {
    length = inputEncoder.encodeInto(input, new Uint8Array(p.mem.buffer, at, room)).written;
  } else {
    new Uint8Array(p.mem.buffer).set(new Uint8Array(input), at);
    length = input.byteLength;
  }
  const result = opaEval(0, entrypoint, p.dataAddr, at, length, at + length, 0);
  const memory = new Uint8Array(p.mem.buffer); // the evaluation may have grown it
  const end = memory.indexOf(0, result);
  return JSON.parse(resultDecoder.decode(memory.subarray(result, end === -1 ? memory.length : end)));
}

/** Normalized entrypoint names, memoized: the gateway asks for the same one or two on every request. */
const NORMALIZED = new Map<string, string>();
const MAX_NORMALIZED = 1024;

function normalized(entrypoint: string): string {
  let name = NORMALIZED.get(entrypoint);
  if (name === undefined) {
    name = normalizeEntrypoint(entrypoint);
    if (NORMALIZED.size < MAX_NORMALIZED) NORMALIZED.set(entrypoint, name);
  }
  return name;
}

/**
 * Evaluates `entrypoint`; never throws. `input` is a JSON value, a JsonText (the gateway's path:
 * encoded straight into the module) or an ArrayBuffer holding UTF-8 JSON text. With `timeoutMs`, a
 * metered module is stopped once that much time has passed (policy_timeout).
 */
export function evaluatePolicy(
  policy: WasmPolicy,
  revision: string,
  entrypoint: string,
  input: unknown,
  timeoutMs?: number,
): Evaluation {
  const started = performance.now();
  const name = normalized(entrypoint);
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
    if (timeoutMs !== undefined) armDeadline(started, timeoutMs);
    const id = policy.entrypoints[name];
    resultSet = input instanceof JsonText
      ? evaluateJson(policy, input.text, id)
      : input instanceof ArrayBuffer
      ? evaluateJson(policy, input, id)
      : policy.evaluate(input, id);
  } catch (e) {
    return fail(evaluationFailure(name, e));
  } finally {
    if (timeoutMs !== undefined) disarmDeadline();
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

/**
 * Aborts of an unarmed module that could not grow its memory: our runtime's "opa_malloc: out of
 * memory", OPA's "opa_malloc: failed" (its modules of 2022; older ones ignored the failure and
 * trapped on the first access past the end).
 */
const MALLOC_FAILED = /^opa_malloc: (out of memory|failed)$/;

/** What a thrown value means: the deadline, the memory cap, or any other failure. */
export function evaluationFailure(entrypoint: string, e: unknown): EngineError {
  if (e instanceof EvaluationTimeout) {
    return new EngineError("policy_timeout", `${entrypoint}: ${e.message}`, { cause: e });
  }
  // MemoryExhausted: a metered module's memory.grow failed; a RangeError naming memory: the host
  // could not grow it for the input (WebAssembly.Memory.grow past its maximum).
  if (
    e instanceof MemoryExhausted || (typeof e === "string" && MALLOC_FAILED.test(e)) ||
    (e instanceof RangeError && /memory/i.test(e.message))
  ) {
    return new EngineError("policy_memory_exceeded", `${entrypoint}: ${thrownMessage(e)}`, { cause: e });
  }
  return new EngineError("policy_eval_failed", `${entrypoint}: ${thrownMessage(e)}`, { cause: e });
}

/**
 * Whether a failed evaluation leaves its instance unfit for another: stopped by the deadline (its
 * frames unwound at an arbitrary point, its globals and heap in an unknown state), out of memory
 * (its memory at the cap), or trapped (a Wasm trap; a RangeError: the stack overflowed). An abort
 * (a string thrown through `opa_abort`, e.g. a conflict) or a built-in's error is an answer about
 * this input: the module reset its state itself, as OPA's ABI provides for.
 */
export function spoilsInstance(error: EngineError): boolean {
  if (error.code === "policy_timeout" || error.code === "policy_memory_exceeded") return true;
  return error.cause instanceof WebAssembly.RuntimeError || error.cause instanceof RangeError;
}
