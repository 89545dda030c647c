/**
 * The Rego compiler's public interface: Rego source in, an OPA-ABI WebAssembly module out.
 *
 * Imports nothing outside src/rego. The pipeline itself (parse → check → plan → emit → meter) is in
 * pipeline.ts. A host that only runs modules imports abi.ts instead, which does not load the
 * compiler.
 */
export type { Diagnostic, DiagnosticCode, Location } from "./diagnostics.ts";
export { formatDiagnostic, RegoCompileError, renderDiagnostic } from "./diagnostics.ts";
export { compile } from "./pipeline.ts";
export { COVER_BUILTIN, coverKey } from "./emit/cover.ts";
export { coverPoints } from "./analyze/cover_points.ts";
export { formatModule, parseModule, parseQuery } from "./parse/index.ts";
export type { CompileOptions, CompileResult, SourceFile } from "./pipeline.ts";
export { isVolatileBuiltin } from "./analyze/input_deps.ts";
export { type Home, refusalOf, registry } from "./builtins/registry.ts";
export { MeterUnsupported, meterWasm } from "./emit/meter.ts";
// What hosts need of the modules without the compiler (no binaryen): abi.ts, re-exported here.
export * from "./abi.ts";
