/**
 * Test support for the check stages: AST builders (each node gets its own location, row
 * numbers counting up, so tests can tell where a diagnostic points) and helpers that check
 * Rego text through the parser and print results back as Rego.
 */
import type {
  Body,
  ElseBranch,
  Every,
  Expr,
  Import,
  Location,
  Module,
  RefTerm,
  Rule,
  RuleHead,
  SomeIn,
  Term,
  TermExpr,
  VarTerm,
} from "../ast.ts";
import type { Diagnostic } from "../diagnostics.ts";
import { formatModule, parseModule } from "../parse/index.ts";
import { check, type CheckedProgram } from "./index.ts";

let row = 0;
/** A fresh location in "ast.rego". */
export function loc(): Location {
  return { file: "ast.rego", row: ++row, col: 1 };
}

export const v = (name: string): VarTerm => ({ type: "var", name, loc: loc() });
export const str = (value: string): Term => ({ type: "string", value, loc: loc() });
export const num = (n: number): Term => ({ type: "number", text: String(n), loc: loc() });
export const bool = (value: boolean): Term => ({ type: "boolean", value, loc: loc() });
export const arr = (...items: Term[]): Term => ({ type: "array", items, loc: loc() });
export const ref = (head: Term, ...path: Term[]): RefTerm => ({ type: "ref", head, path, loc: loc() });
/** `input.a.b` → ref(var input, "a", "b"). */
export const dotted = (text: string, ...rest: Term[]): RefTerm => {
  const [head, ...names] = text.split(".");
  return ref(v(head), ...names.map(str), ...rest);
};
export const call = (op: string, ...args: Term[]): Term => ({
  type: "call",
  operator: op.split("."),
  args,
  loc: loc(),
});
export const arrayCompr = (term: Term, body: Body): Term => ({ type: "arraycompr", term, body, loc: loc() });

export const expr = (term: Term, negated = false): TermExpr => ({
  kind: "term",
  negated,
  term,
  with: [],
  loc: loc(),
});
export const not = (term: Term): TermExpr => expr(term, true);
export const assign = (a: Term, b: Term): TermExpr => expr(call("assign", a, b));
export const eq = (a: Term, b: Term): TermExpr => expr(call("eq", a, b));
export const someDecl = (...names: string[]): Expr => ({ kind: "some", vars: names.map(v), loc: loc() });
export const someIn = (value: Term, collection: Term, key?: Term): SomeIn => ({
  kind: "somein",
  key,
  value,
  collection,
  negated: false,
  with: [],
  loc: loc(),
});
export const every = (value: VarTerm, domain: Term, body: Body, key?: VarTerm): Every => ({
  kind: "every",
  key,
  value,
  domain,
  body,
  with: [],
  loc: loc(),
});

export interface RuleSpec {
  ref?: Term[];
  key?: Term;
  value?: Term;
  args?: Term[];
  body?: Body;
  elses?: ElseBranch[];
  default?: boolean;
}

/** A rule named `name` (a dotted name gives a ref head). */
export function rule(name: string, spec: RuleSpec = {}): Rule {
  const head: RuleHead = {
    ref: spec.ref ?? name.split(".").map(str),
    key: spec.key,
    value: spec.value ?? (spec.key ? undefined : bool(true)),
    args: spec.args,
    assign: true,
    loc: loc(),
  };
  return { head, body: spec.body ?? [], elses: spec.elses ?? [], default: spec.default ?? false, loc: loc() };
}

export function importOf(path: string, alias?: string): Import {
  return { path: dotted(path), alias, loc: loc() };
}

export function module(pkg: string, rules: Rule[], imports: Import[] = [], regoVersion: 0 | 1 = 1): Module {
  return { file: "ast.rego", regoVersion, package: pkg.split("."), packageLoc: loc(), imports, rules };
}

/** Parses Rego v1 text (v0 when the text says `# v0` on its first line); throws on parse errors. */
export function parse(text: string, file = "test.rego"): Module {
  const regoVersion = text.startsWith("# v0") ? 0 : 1;
  const r = parseModule(text, file, { regoVersion });
  if (!r.module) throw new Error(`parse failed: ${JSON.stringify(r.diagnostics)}`);
  return r.module;
}

/** Checks modules given as Rego text (first line of each: `package …`). */
export function checkText(...texts: string[]): { program?: CheckedProgram; diagnostics: Diagnostic[] } {
  return check(texts.map((t, i) => parse(t, `m${i}.rego`)));
}

/** Checks and expects success; returns the program. */
export function checkOk(...texts: string[]): CheckedProgram {
  const r = checkText(...texts);
  if (!r.program) throw new Error(`unexpected diagnostics: ${JSON.stringify(r.diagnostics, null, 1)}`);
  return r.program;
}

/** Checks and expects failure; returns the diagnostics as `row:col: code: message`. */
export function checkErrors(...texts: string[]): string[] {
  const r = checkText(...texts);
  if (r.program) throw new Error("expected diagnostics, got none");
  return r.diagnostics.map((d) => `${d.location.row}:${d.location.col}: ${d.code}: ${d.message}`);
}

/** The rules of the first module whose head name is `name`, printed as Rego (tabs → 2 spaces, trimmed). */
export function ruleText(program: CheckedProgram, name: string): string {
  const m = program.modules[0];
  const rules = m.rules.filter((r) => r.head.ref[0].type === "string" && r.head.ref[0].value === name);
  const text = formatModule({ ...m, imports: [], rules });
  return text.split("\n").slice(1).join("\n").replaceAll("\t", "  ").trim();
}
