/**
 * A differential case and the answers to it: what OPA (through the oracle) and this compiler
 * (through the SDK) say of one query over modules, input and data.
 */

export interface Case {
  /** Rego sources, each with its own package; evaluated as Rego v0 with the future keywords. */
  modules: string[];
  /** The input document; absent: input is undefined. */
  input?: unknown;
  /** The base data document. */
  data?: Record<string, unknown>;
  /** A reference: `data.test` or `data.test.p`. */
  query: string;
}

/** An answer as the oracle gives it: a value, undefined, or an error with OPA's message. */
export type Answer = { result: unknown } | { undefined: true } | { error: string };

/** Where an error arose: before evaluation (parse, compile, type, safety) or during it. */
export type ErrorStage = "compile" | "eval";

export function isError(a: Answer): a is { error: string } {
  return "error" in a;
}

/** OPA's error codes for what `opa build`/`opa eval` reject before evaluating. */
const COMPILE_CODES = /\brego_(parse|compile|type|unsafe_var|recursion)_error\b/;

/**
 * The stage of an error message. The oracle's own failures ("oracle: …": a timeout, a crash of
 * the OPA build it carries) are "oracle": they say nothing about OPA's semantics.
 */
export function errorStage(message: string): ErrorStage | "oracle" {
  if (message.startsWith("oracle:")) return "oracle";
  return COMPILE_CODES.test(message) ? "compile" : "eval";
}
