/**
 * The Rego parser: source text → AST (ast.ts), with rego_parse_error diagnostics.
 *
 * Stages: lexer.ts (tokens) → parse_module.ts (package, imports, statement loop) →
 * parse_rule.ts (rules) → parse_body.ts (expressions) → parse_term.ts (terms, operators).
 * format.ts prints a module back to Rego v1. The grammar is in GRAMMAR.md.
 */
import type { Body, Module } from "../ast.ts";
import { type Diagnostic, diagnostic } from "../diagnostics.ts";
import { parseModuleText, type ParseOptions, parseQueryText } from "./parse_module.ts";

export type { ParseOptions };
export { formatModule } from "./format.ts";

/** Parses one module. `module` is present exactly when `diagnostics` is empty. */
export function parseModule(
  text: string,
  file: string,
  opts?: ParseOptions,
): { module?: Module; diagnostics: Diagnostic[] } {
  try {
    const { module, diagnostics } = parseModuleText(text, file, opts);
    return module ? { module, diagnostics } : { diagnostics };
  } catch (e) {
    return { diagnostics: [internalError(e, file)] };
  }
}

/** A query: a body (expressions separated by `;` or newlines), as `opa eval` takes, e.g. `x = data.a.p; y := 2`. */
export function parseQuery(
  text: string,
  file: string,
  opts?: ParseOptions,
): { body?: Body; diagnostics: Diagnostic[] } {
  try {
    const { body, diagnostics } = parseQueryText(text, file, opts);
    return body ? { body, diagnostics } : { diagnostics };
  } catch (e) {
    return { diagnostics: [internalError(e, file)] };
  }
}

/** A defect in the parser must not escape as an exception: it becomes a diagnostic. */
function internalError(e: unknown, file: string): Diagnostic {
  const why = e instanceof Error ? e.message : String(e);
  return diagnostic("rego_parse_error", `internal parser error: ${why}`, { file, row: 1, col: 1 });
}
