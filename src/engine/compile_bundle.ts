/**
 * Compiling Rego sources (a bundle without policy.wasm, or a directory) with the project's compiler.
 *
 * `*_test.rego` files are left out of the module, as they hold tests rather than policy.
 */
import { compile, formatDiagnostic, type InputDependencies, type SourceFile } from "../rego/mod.ts";
import { normalizeEntrypoint } from "./bundle/bundle.ts";
import { EngineError } from "./types.ts";

export interface CompileRequest {
  sources: SourceFile[];
  entrypoints: string[];
  /** Compiled only when they name a rule (e.g. system/log/mask for decision-log masking). */
  optionalEntrypoints?: string[];
  regoVersion?: 0 | 1;
  strict: boolean;
  /** Opt-in built-ins the policy may call (http.send when the operator enabled it). */
  allowBuiltins?: string[];
  /** Run binaryen's optimiser (as `build -O` did: load.ts recompiles a bundle to check its module). */
  optimize?: boolean;
}

export function isTestFile(path: string): boolean {
  return path.endsWith("_test.rego");
}

export interface CompiledPolicy {
  wasm: Uint8Array;
  /** Per entrypoint, what it reads of the input (for result caching). */
  inputDependencies: Record<string, InputDependencies>;
}

export function compilePolicy(request: CompileRequest): CompiledPolicy {
  const sources = request.sources.filter((s) => !isTestFile(s.path));
  if (sources.length === 0) {
    throw new EngineError("policy_compile_failed", "there are no .rego sources to compile");
  }
  if (request.entrypoints.length === 0) {
    throw new EngineError("policy_compile_failed", "no entrypoints: list them in the manifest or pass them");
  }
  let result;
  try {
    result = compile(sources, {
      entrypoints: request.entrypoints.map(normalizeEntrypoint),
      optionalEntrypoints: request.optionalEntrypoints?.map(normalizeEntrypoint),
      regoVersion: request.regoVersion ?? 1,
      strict: request.strict,
      allowBuiltins: request.allowBuiltins,
      optimize: request.optimize ?? false,
    });
  } catch (e) {
    throw new EngineError("policy_compile_failed", `compiler failed: ${(e as Error).message}`, { cause: e });
  }
  if (result.wasm === undefined) {
    const message = result.diagnostics.map(formatDiagnostic).join("\n") || "compilation produced no module";
    throw new EngineError("policy_compile_failed", message);
  }
  return { wasm: result.wasm, inputDependencies: result.inputDependencies };
}
