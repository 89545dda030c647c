/**
 * An `opa eval` query as a module the compiler can build: one rule,
 *
 *   package __eval__
 *   results := [[[<expression values>], {<bindings>}] | <the query's expressions>]
 *
 * The array comprehension keeps the solutions in evaluation order. Each expression's value is what
 * `opa eval` reports: a term (`data.a.b`, `x`, `[1, 2]`) is captured as it is, even `false`; a call
 * (`count(xs)`, `1 < 2`, `f(x)`) is captured and must not be `false`; an assignment or unification
 * (`x := …`, `a = b`), a negation, `some` and `every` are `true` when they hold. The bindings are the
 * query's variables outside comprehensions and `not`, by name, as OPA lists them.
 */
import type { Body, Expr, Term } from "../../rego/ast.ts";
import { type Diagnostic, parseQuery } from "../../rego/mod.ts";

export const QUERY_PACKAGE = "__eval__";
export const QUERY_ENTRYPOINT = `${QUERY_PACKAGE}/results`;

export interface QueryExpression {
  text: string;
  location: { row: number; col: number };
}

export interface PlannedQuery {
  module: string;
  expressions: QueryExpression[];
  bindings: string[];
}

export function planEvalQuery(
  query: string,
  regoVersion: 0 | 1,
): { ok: true; plan: PlannedQuery } | { ok: false; diagnostics: Diagnostic[] } {
  const parsed = parseQuery(query, "query", { regoVersion });
  if (parsed.body === undefined || parsed.diagnostics.length > 0) {
    return { ok: false, diagnostics: parsed.diagnostics };
  }
  const body = parsed.body;
  const lineStarts = [0];
  for (let i = 0; i < query.length; i++) if (query[i] === "\n") lineStarts.push(i + 1);
  const offset = (loc: { row: number; col: number }) => lineStarts[loc.row - 1] + loc.col - 1;
  const texts = body.map((e, i) => {
    const end = i + 1 < body.length ? offset(body[i + 1].loc) : query.length;
    return query.slice(offset(e.loc), end).trim().replace(/;$/, "").trim();
  });

  const statements: string[] = [];
  const values: string[] = [];
  const bindings: string[] = [];
  body.forEach((e, i) => {
    collectVars(e, bindings);
    const text = texts[i];
    if (e.kind !== "term" || e.negated || isAssignment(e)) {
      statements.push(text);
      values.push("true");
      return;
    }
    const name = `__e${i}__`;
    const withAt = e.with.length > 0 ? offset(e.with[0].loc) - offset(e.loc) : text.length;
    const termText = text.slice(0, withAt).trim();
    const withText = text.slice(withAt).trim();
    statements.push(`${name} := (${termText})${withText ? " " + withText : ""}`);
    if (e.term.type === "call") statements.push(`${name} != false`);
    values.push(name);
  });
  const shape = `[[${values.join(", ")}], {${bindings.map((v) => `${JSON.stringify(v)}: ${v}`).join(", ")}}]`;
  const module = `package ${QUERY_PACKAGE}\n\nresults := [__r__ |\n${
    statements.map((s) => `\t${s}\n`).join("")
  }\t__r__ := ${shape}\n]\n`;
  return {
    ok: true,
    plan: {
      module,
      expressions: body.map((e, i) => ({ text: texts[i], location: { row: e.loc.row, col: e.loc.col } })),
      bindings,
    },
  };
}

function isAssignment(e: Expr): boolean {
  if (e.kind !== "term" || e.term.type !== "call") return false;
  const op = e.term.operator.join(".");
  return op === "assign" || op === "eq";
}

function collectVars(e: Expr, out: string[]): void {
  switch (e.kind) {
    case "some":
      for (const v of e.vars) addVar(v.name, out);
      return;
    case "somein":
      if (e.key) termVars(e.key, out);
      termVars(e.value, out);
      termVars(e.collection, out);
      return;
    case "every":
      return; // its variables are its own
    case "term":
      if (!e.negated) termVars(e.term, out);
  }
}

function addVar(name: string, out: string[]): void {
  if (name.startsWith("$") || name === "input" || name === "data" || out.includes(name)) return;
  out.push(name);
}

function termVars(t: Term, out: string[]): void {
  switch (t.type) {
    case "var":
      addVar(t.name, out);
      return;
    case "ref":
      termVars(t.head, out);
      for (const p of t.path) termVars(p, out);
      return;
    case "array":
    case "set":
      for (const i of t.items) termVars(i, out);
      return;
    case "object":
      for (const [k, v] of t.items) {
        termVars(k, out);
        termVars(v, out);
      }
      return;
    case "call":
      for (const a of t.args) termVars(a, out);
      return;
    default:
      return; // scalars; comprehensions keep their variables
  }
}

/** The body's expressions (for tests). */
export function queryBody(query: string): Body | undefined {
  return parseQuery(query, "query").body;
}
