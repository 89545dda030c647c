/**
 * The policy engine's public contract, used by the gateway.
 *
 * The engine loads OPA bundles (ours or `opa build -t wasm`'s), evaluates an entrypoint through
 * `@open-policy-agent/opa-wasm`, and swaps bundles in on reload only after the new one loaded and
 * passed its checks. It never returns a partial answer: an evaluation either yields the
 * entrypoint's value or an EngineError.
 */
import type { InputDependencies } from "../rego/abi.ts";

export type { InputDependencies };

/**
 * OPA's decision-log mask rule (decision_logs.mask_decision's default): compiled as an entrypoint
 * when a policy defines it (`deno task build`, and the gateway with OPA-format decision logs).
 */
export const MASK_ENTRYPOINT = "system/log/mask";

/** Stable reason ids for everything that can go wrong in the engine. */
export type EngineErrorCode =
  | "bundle_not_found"
  | "bundle_corrupt"
  | "bundle_too_large"
  | "bundle_signature_invalid"
  | "bundle_entrypoint_missing"
  | "bundle_builtin_missing"
  | "policy_compile_failed"
  | "policy_load_failed"
  | "policy_eval_failed"
  | "policy_undefined"
  /** The evaluation passed its deadline (policy.timeoutMs) and was stopped. */
  | "policy_timeout"
  /** The evaluation needed more memory than the instance's cap (policy.maxMemoryMB). */
  | "policy_memory_exceeded"
  /** The instance a failed evaluation spoilt could not be replaced (see instance/instance.ts). */
  | "policy_instance_unavailable"
  | "no_policy_loaded";

export class EngineError extends Error {
  constructor(readonly code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EngineError";
  }
}

export type Evaluation =
  | { ok: true; value: unknown; revision: string; durationMs: number }
  | { ok: false; error: EngineError; revision: string | null; durationMs: number };

export interface BundleInfo {
  revision: string;
  entrypoints: string[];
  loadedAt: Date;
  /** Where it came from: a path, a URL, or "embedded". */
  source: string;
  /**
   * Per entrypoint, the input paths it may read and the non-deterministic built-ins it may call
   * (bundle/input_deps.ts); null when unknown (a module built elsewhere): its results are not
   * cacheable.
   */
  inputDependencies?: Record<string, InputDependencies> | null;
}

/**
 * An input given as its JSON text. The engine writes it into the module's memory as UTF-8 directly
 * (no object tree to serialise, no intermediate buffer): the gateway's path, as it builds the text
 * itself. The text must be one valid JSON value; otherwise the input is undefined, as with OPA.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

export interface PolicyEvaluator {
  /**
   * Evaluate `entrypoint` (e.g. "gateway/decision") against `input`: a JSON value, a JsonText, or
   * an ArrayBuffer of UTF-8 JSON. Never throws.
   */
  evaluate(entrypoint: string, input: unknown): Evaluation;
  /** The bundle in force, or null before the first successful load. */
  current(): BundleInfo | null;
}
