/**
 * Diagnostics shared by every stage of the Rego compiler.
 *
 * User errors are collected, not thrown: each stage returns the diagnostics it found and the
 * pipeline stops after a stage that reported an error. Codes follow OPA's error codes so that
 * users recognise them.
 */

export type DiagnosticCode =
  | "rego_parse_error"
  | "rego_compile_error"
  | "rego_unsafe_var_error"
  | "rego_recursion_error"
  | "rego_type_error";

export interface Location {
  file: string;
  /** 1-based line. */
  row: number;
  /** 1-based column, counted in Unicode code points. */
  col: number;
}

export interface Diagnostic {
  code: DiagnosticCode;
  message: string;
  location: Location;
}

/** Stop collecting after this many errors; OPA caps at 10 by default. */
export const MAX_ERRORS = 10;

export function diagnostic(code: DiagnosticCode, message: string, location: Location): Diagnostic {
  return { code, message, location };
}

export function sortDiagnostics(diags: Diagnostic[]): Diagnostic[] {
  return [...diags].sort((a, b) =>
    a.location.file.localeCompare(b.location.file) || a.location.row - b.location.row ||
    a.location.col - b.location.col
  );
}

/** `file:row:col: code: message`, as OPA prints errors. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.location.file}:${d.location.row}:${d.location.col}: ${d.code}: ${d.message}`;
}

/**
 * The message with the offending source line and a caret under the column, for terminals.
 */
export function renderDiagnostic(d: Diagnostic, source?: string): string {
  const head = formatDiagnostic(d);
  if (source === undefined) return head;
  const line = source.split("\n")[d.location.row - 1];
  if (line === undefined) return head;
  const caret = " ".repeat(Math.max(0, d.location.col - 1)) + "^";
  return `${head}\n\t${line}\n\t${caret}`;
}

/** The error every compiler entry point throws when asked to throw instead of return diagnostics. */
export class RegoCompileError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join("\n") || "rego compile error");
    this.name = "RegoCompileError";
  }
}
