/**
 * The Rego compiler's public interface: Rego source in, an OPA-ABI WebAssembly module out.
 *
 * Imports nothing outside src/rego. The pipeline itself (parse → check → plan → emit) is in
 * pipeline.ts.
 */
export type { Diagnostic, DiagnosticCode, Location } from "./diagnostics.ts";
export { formatDiagnostic, RegoCompileError, renderDiagnostic } from "./diagnostics.ts";
export { compile } from "./pipeline.ts";
export type { CompileOptions, CompileResult, SourceFile } from "./pipeline.ts";
export type { InputDependencies } from "./analyze/input_deps.ts";
export { isVolatileBuiltin } from "./analyze/input_deps.ts";
export { MeterUnsupported, meterWasm } from "./emit/meter.ts";
export {
  isMetered,
  METER_ARM_EXPORT,
  METER_BUILTIN_NAMES,
  METER_MEMORY_EXHAUSTED,
  METER_REFUEL,
} from "./emit/meter_abi.ts";
