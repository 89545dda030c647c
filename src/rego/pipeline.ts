/**
 * The compiler pipeline, in order. Each stage lives in its own folder and reports diagnostics;
 * the pipeline stops after the first stage that reported an error.
 *
 *   1. parse   (parse/)  source text → AST, one module per file
 *   2. check   (check/)  imports resolved, refs qualified, safety reordering; OPA's compile errors
 *   3. plan    (plan/)   AST → IR (ir/), OPA's intermediate representation
 *   4. emit    (emit/)   IR → WebAssembly following OPA's ABI, over the embedded runtime
 *   5. meter   (emit/meter.ts) fuel counted at loops and calls, so that a host can stop an
 *                        evaluation; failed memory growth reported (the contract: meter_abi.ts)
 *
 * Beside them, analyze/ reads the checked program for facts a host can use (input dependencies).
 */
import type { Module } from "./ast.ts";
import { check } from "./check/index.ts";
import { type Diagnostic, MAX_ERRORS, sortDiagnostics } from "./diagnostics.ts";
import { type InputDependencies, inputDependencies } from "./analyze/input_deps.ts";
import { runtimeMeter } from "./emit/meter.ts";
import { RUNTIME_WASM } from "./emit/runtime_wasm.ts";
import { emitWasm } from "./emit/wasm.ts";
import { instrumentCoverage } from "./emit/cover.ts";
import { parseModule } from "./parse/index.ts";
import { entrypointPath, planProgram } from "./plan/planner.ts";

export interface SourceFile {
  /** Shown in diagnostics and in `file:row:col` abort messages. */
  path: string;
  text: string;
  /** This file's Rego version, overriding CompileOptions.regoVersion (a bundle's per-file setting). */
  regoVersion?: 0 | 1;
}

export interface CompileOptions {
  /** Entrypoints as OPA writes them: "pkg/rule" or "pkg" (a whole package). Slashes or dots. */
  entrypoints: string[];
  /** Entrypoints compiled only when they name a rule (`system/log/mask`); absent ones are no error. */
  optionalEntrypoints?: readonly string[];
  /** Rego version of modules that do not say otherwise. Default 1. */
  regoVersion?: 0 | 1;
  /** Rego v0 modules get the future keywords (in, every, if, contains) without importing them. */
  futureKeywords?: boolean;
  /** Built-in errors abort evaluation (OPA's strict-builtin-errors). Default false. */
  strict?: boolean;
  /** Run binaryen's optimiser on the module. Default false (faster compiles). */
  optimize?: boolean;
  /**
   * Built-ins refused unless enabled (the registry's opt-in ones: http.send) that the policy may
   * call; the host must then provide them. Default none.
   */
  allowBuiltins?: readonly string[];
  /**
   * Meter the module (stage 5) so that a host can bound an evaluation's time. Default true; an
   * unmetered module is for measuring the meter's cost. Either loads in the stock SDK.
   */
  meter?: boolean;
  /**
   * Instrument the module for line coverage (emit/cover.ts): it then calls the host built-in
   * COVER_BUILTIN at each source row it reaches. For tests only; never a served module.
   */
  cover?: boolean;
}

export interface CompileResult {
  /** The module; absent when diagnostics hold an error. */
  wasm?: Uint8Array<ArrayBuffer>;
  diagnostics: Diagnostic[];
  /** Entrypoint name (slash form, "pkg/rule") → id, as the module's `entrypoints()` reports. */
  entrypoints: Record<string, number>;
  /** Built-ins the module calls through `opa_builtinN`: the host must provide them. */
  hostBuiltins: string[];
  /**
   * Per entrypoint (as in `entrypoints`): the input paths it may read and the non-deterministic
   * built-ins it may call (analyze/input_deps.ts), for hosts that cache results.
   */
  inputDependencies: Record<string, InputDependencies>;
}

export function compile(sources: SourceFile[], options: CompileOptions): CompileResult {
  try {
    return runPipeline(sources, options);
  } catch (e) {
    // A defect in a stage must still surface as a diagnostic, never as an exception or a module.
    const location = { file: sources[0]?.path ?? "", row: 1, col: 1 };
    const message = `internal compiler error: ${e instanceof Error ? e.message : String(e)}`;
    return {
      diagnostics: [{ code: "rego_compile_error", message, location }],
      entrypoints: {},
      hostBuiltins: [],
      inputDependencies: {},
    };
  }
}

function runPipeline(sources: SourceFile[], options: CompileOptions): CompileResult {
  const failed = (diagnostics: Diagnostic[]): CompileResult => ({
    diagnostics: sortDiagnostics(diagnostics).slice(0, MAX_ERRORS),
    entrypoints: {},
    hostBuiltins: [],
    inputDependencies: {},
  });

  // 1. parse
  const modules: Module[] = [];
  const parseErrors: Diagnostic[] = [];
  for (const src of sources) {
    const { module, diagnostics } = parseModule(src.text, src.path, {
      regoVersion: src.regoVersion ?? options.regoVersion ?? 1,
      allFutureKeywords: options.futureKeywords ?? false,
    });
    parseErrors.push(...diagnostics);
    if (module) modules.push(module);
  }
  if (parseErrors.length) return failed(parseErrors);

  // 2. check
  const checked = check(modules);
  if (!checked.program || checked.diagnostics.length) return failed(checked.diagnostics);

  // 3. plan
  const planned = planProgram(checked.program.modules, options.entrypoints, {
    allowBuiltins: options.allowBuiltins,
    optionalEntrypoints: options.optionalEntrypoints,
  });
  if (!planned.policy || planned.diagnostics.length) return failed(planned.diagnostics);
  if (options.cover) instrumentCoverage(planned.policy);

  // 4. emit, then 5. meter: emit starts from the metered runtime; the meter finishes the module
  // (the functions emit added) before it is written out.
  const meter = options.meter === false ? null : runtimeMeter(RUNTIME_WASM);
  const wasm = emitWasm(planned.policy, {
    strict: options.strict ?? false,
    optimize: options.optimize ?? false,
    runtime: meter?.runtime,
    after: meter === null ? [] : [meter.finish],
  });
  const entrypoints = Object.fromEntries(planned.policy.plans.map((p, i) => [p.name, i]));
  const paths = Object.fromEntries(Object.keys(entrypoints).map((name) => [name, entrypointPath(name)]));
  return {
    wasm,
    diagnostics: [],
    entrypoints,
    hostBuiltins: planned.policy.static.builtinFuncs.map((b) => b.name),
    inputDependencies: inputDependencies(checked.program, paths),
  };
}
