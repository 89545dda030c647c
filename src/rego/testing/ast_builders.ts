/**
 * Terse builders of AST nodes, for tests of the stages after the parser (planner, emitter)
 * that must not depend on the parser.
 */
import type { Body, Expr, Module, Rule, RuleHead, Term } from "../ast.ts";

const L = { file: "test.rego", row: 1, col: 1 };

export const v = (name: string): Term => ({ type: "var", name, loc: L });
export const s = (value: string): Term => ({ type: "string", value, loc: L });
export const n = (text: string): Term => ({ type: "number", text, loc: L });
export const bool = (value: boolean): Term => ({ type: "boolean", value, loc: L });
export const arr = (...items: Term[]): Term => ({ type: "array", items, loc: L });
export const obj = (...items: [Term, Term][]): Term => ({ type: "object", items, loc: L });
export const set = (...items: Term[]): Term => ({ type: "set", items, loc: L });
export const ref = (head: Term, ...path: Term[]): Term => ({ type: "ref", head, path, loc: L });
export const input = (...path: string[]): Term => ref(v("input"), ...path.map(s));
export const data = (...path: string[]): Term => ref(v("data"), ...path.map(s));
export const call = (op: string, ...args: Term[]): Term => ({
  type: "call",
  operator: op.split("."),
  args,
  loc: L,
});
export const arrayCompr = (term: Term, body: Body): Term => ({ type: "arraycompr", term, body, loc: L });
export const expr = (term: Term): Expr => ({ kind: "term", negated: false, term, with: [], loc: L });
export const not = (term: Term): Expr => ({ kind: "term", negated: true, term, with: [], loc: L });
export const eq = (a: Term, b: Term): Expr => expr(call("eq", a, b));

export function every(value: string, domain: Term, body: Body, key?: string): Expr {
  return {
    kind: "every",
    key: key === undefined ? undefined : { type: "var", name: key, loc: L },
    value: { type: "var", name: value, loc: L },
    domain,
    body,
    with: [],
    loc: L,
  };
}

export function withInput(e: Expr, path: string[], value: Term): Expr {
  if (e.kind !== "term") throw new Error("with on term expressions only");
  return { ...e, with: [{ target: ref(v("input"), ...path.map(s)) as never, value, loc: L }] };
}

function head(name: string, extra: Partial<RuleHead>): RuleHead {
  return { ref: [s(name)], assign: true, loc: L, ...extra };
}

export function complete(name: string, value: Term, body: Body = [], elses: Rule["elses"] = []): Rule {
  return { head: head(name, { value }), body, elses, default: false, loc: L };
}
export function defaultRule(name: string, value: Term): Rule {
  return { head: head(name, { value }), body: [], elses: [], default: true, loc: L };
}
export function partialSet(name: string, key: Term, body: Body): Rule {
  return { head: head(name, { key }), body, elses: [], default: false, loc: L };
}
export function partialObject(name: string, key: Term, value: Term, body: Body): Rule {
  return {
    head: { ref: [s(name), key], value, assign: true, loc: L },
    body,
    elses: [],
    default: false,
    loc: L,
  };
}
export function func(name: string, args: Term[], value: Term, body: Body): Rule {
  return { head: head(name, { args, value }), body, elses: [], default: false, loc: L };
}

export function module(pkg: string, rules: Rule[]): Module {
  return { file: "test.rego", regoVersion: 1, package: pkg.split("."), packageLoc: L, imports: [], rules };
}
