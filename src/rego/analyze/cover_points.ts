/**
 * The rows OPA's coverage report counts in a module (its cover package): the head row of every rule
 * and `else` branch, and the row of every expression (in rule bodies, `else` bodies, comprehensions
 * and `every` bodies), except `some` declarations (`some x`, `some x in xs`), which OPA leaves out.
 * A rule without a body counts its head row (OPA gives it a body `true` there).
 */
import type { Body, Expr, Module, Term } from "../ast.ts";

/** Per file, the rows a coverage report counts. */
export function coverPoints(modules: readonly Module[]): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const m of modules) {
    let rows = out.get(m.file);
    if (rows === undefined) out.set(m.file, rows = new Set());
    const r = rows;
    for (const rule of m.rules) {
      r.add(rule.head.loc.row);
      body(rule.body, r);
      for (const t of rule.head.ref) term(t, r);
      if (rule.head.key) term(rule.head.key, r);
      if (rule.head.value) term(rule.head.value, r);
      for (const e of rule.elses) {
        r.add(e.loc.row);
        body(e.body, r);
        if (e.value) term(e.value, r);
      }
    }
  }
  return out;
}

function body(b: Body, rows: Set<number>): void {
  for (const e of b) expr(e, rows);
}

function expr(e: Expr, rows: Set<number>): void {
  switch (e.kind) {
    case "some":
      return;
    case "somein":
      if (e.key) term(e.key, rows);
      term(e.value, rows);
      term(e.collection, rows);
      return;
    case "every":
      rows.add(e.loc.row);
      term(e.domain, rows);
      body(e.body, rows);
      return;
    case "term":
      rows.add(e.loc.row);
      term(e.term, rows);
      for (const w of e.with) term(w.value, rows);
  }
}

/** Expressions nested in a term (comprehension bodies). */
function term(t: Term, rows: Set<number>): void {
  switch (t.type) {
    case "ref":
      term(t.head, rows);
      for (const p of t.path) term(p, rows);
      return;
    case "array":
    case "set":
      for (const i of t.items) term(i, rows);
      return;
    case "object":
      for (const [k, v] of t.items) {
        term(k, rows);
        term(v, rows);
      }
      return;
    case "arraycompr":
    case "setcompr":
      term(t.term, rows);
      body(t.body, rows);
      return;
    case "objectcompr":
      term(t.key, rows);
      term(t.value, rows);
      body(t.body, rows);
      return;
    case "call":
      for (const a of t.args) term(a, rows);
      return;
    default:
      return;
  }
}
