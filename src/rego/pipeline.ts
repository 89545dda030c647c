/**
 * The compiler pipeline, in order. Each stage lives in its own folder and reports diagnostics;
 * the pipeline stops after the first stage that reported an error.
 *
 *   1. parse   (parse/)  source text → AST, one module per file
 *   2. check   (check/)  imports resolved, refs qualified, safety reordering; OPA's compile errors
 *   3. plan    (plan/)   AST → IR (ir/), OPA's intermediate representation
 *   4. emit    (emit/)   IR → WebAssembly following OPA's ABI, over the embedded runtime
 */
import type { Diagnostic } from "./diagnostics.ts";

export interface SourceFile {
  /** Shown in diagnostics and in `file:row:col` abort messages. */
  path: string;
  text: string;
}

export interface CompileOptions {
  /** Entrypoints as OPA writes them: "pkg/rule" or "pkg" (a whole package). Slashes or dots. */
  entrypoints: string[];
  /** Rego version of modules that do not say otherwise. Default 1. */
  regoVersion?: 0 | 1;
  /** Built-in errors abort evaluation (OPA's strict-builtin-errors). Default false. */
  strict?: boolean;
  /** Run binaryen's optimiser on the module. Default false (faster compiles). */
  optimize?: boolean;
}

export interface CompileResult {
  /** The module; absent when diagnostics hold an error. */
  wasm?: Uint8Array;
  diagnostics: Diagnostic[];
  /** Entrypoint name (slash form, "pkg/rule") → id, as the module's `entrypoints()` reports. */
  entrypoints: Record<string, number>;
  /** Built-ins the module calls through `opa_builtinN`: the host must provide them. */
  hostBuiltins: string[];
}

export function compile(_sources: SourceFile[], _options: CompileOptions): CompileResult {
  throw new Error("compile: not yet wired (pipeline under construction)");
}
