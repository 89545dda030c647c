/**
 * Small term-level operations the check stages share: constructors, traversal, variable sets.
 *
 * "Closures" are comprehensions and `every` bodies: they open a nested scope, so most walks here
 * stop at them and the stages treat them explicitly.
 */
import type { Body, Expr, Location, RefTerm, Rule, Term, VarTerm, WithModifier } from "../ast.ts";

export const ROOT_VARS: ReadonlySet<string> = new Set(["input", "data"]);

export function varTerm(name: string, loc: Location): VarTerm {
  return { type: "var", name, loc };
}

/** A ref `root.p1.p2…` with string path elements (root is "data" or "input"). */
export function pathRef(path: readonly string[], loc: Location, rest: Term[] = []): RefTerm {
  return {
    type: "ref",
    head: varTerm(path[0], loc),
    path: [...path.slice(1).map((p) => ({ type: "string" as const, value: p, loc })), ...rest],
    loc,
  };
}

/** The string elements of a ref's path up to the first non-string one, after a var head. */
export function constantPrefix(ref: RefTerm): string[] | undefined {
  if (ref.head.type !== "var") return undefined;
  const out = [ref.head.name];
  for (const p of ref.path) {
    if (p.type !== "string") break;
    out.push(p.value);
  }
  return out;
}

export function isClosure(t: Term): boolean {
  return t.type === "arraycompr" || t.type === "setcompr" || t.type === "objectcompr";
}

/** Direct sub-terms of `t`, not entering comprehensions. */
export function childTerms(t: Term): Term[] {
  switch (t.type) {
    case "ref":
      return [t.head, ...t.path];
    case "array":
    case "set":
      return t.items;
    case "object":
      return t.items.flat();
    case "call":
      return t.args;
    default:
      return [];
  }
}

/** Every term in `t` (pre-order), not entering comprehensions (which are visited themselves). */
export function forEachTerm(t: Term, fn: (t: Term) => void): void {
  fn(t);
  for (const c of childTerms(t)) forEachTerm(c, fn);
}

/** The terms of an expression evaluated in its own scope (not `every` bodies, not `with` targets). */
export function exprTerms(e: Expr): Term[] {
  // A function that replaces another (`with count as mock`) is a name, not a term evaluated here.
  const withValues = "with" in e
    ? e.with.filter((w) => !w.replacement).map((w: WithModifier) => w.value)
    : [];
  switch (e.kind) {
    case "term":
      return [e.term, ...withValues];
    case "some":
      return e.vars;
    case "somein":
      return [...(e.key ? [e.key] : []), e.value, e.collection, ...withValues];
    case "every":
      return [e.domain, ...withValues];
  }
}

/** Variables of `t` outside comprehensions, first occurrence kept (insertion-ordered). */
export function termVars(t: Term, out: Map<string, VarTerm> = new Map()): Map<string, VarTerm> {
  forEachTerm(t, (x) => {
    if (x.type === "var" && !out.has(x.name)) out.set(x.name, x);
  });
  return out;
}

/** Every variable anywhere in `t`, comprehension heads and bodies included. */
export function deepTermVars(t: Term, out: Map<string, VarTerm> = new Map()): Map<string, VarTerm> {
  forEachTerm(t, (x) => {
    if (x.type === "var" && !out.has(x.name)) out.set(x.name, x);
    else if (x.type === "arraycompr" || x.type === "setcompr") {
      deepTermVars(x.term, out);
      deepBodyVars(x.body, out);
    } else if (x.type === "objectcompr") {
      deepTermVars(x.key, out);
      deepTermVars(x.value, out);
      deepBodyVars(x.body, out);
    }
  });
  return out;
}

export function deepExprVars(e: Expr, out: Map<string, VarTerm> = new Map()): Map<string, VarTerm> {
  for (const t of exprTerms(e)) deepTermVars(t, out);
  if (e.kind === "every") {
    if (e.key) deepTermVars(e.key, out);
    deepTermVars(e.value, out);
    deepBodyVars(e.body, out);
  }
  return out;
}

export function deepBodyVars(body: Body, out: Map<string, VarTerm> = new Map()): Map<string, VarTerm> {
  for (const e of body) deepExprVars(e, out);
  return out;
}

/** Comprehensions directly inside `t` (not nested inside other comprehensions). */
export function closuresOf(t: Term, out: Term[] = []): Term[] {
  forEachTerm(t, (x) => {
    if (isClosure(x)) out.push(x);
  });
  return out;
}

/** Shallow copy of `t` with `fn` applied to each direct child (comprehensions are returned as is). */
export function mapChildren(t: Term, fn: (t: Term) => Term): Term {
  switch (t.type) {
    case "ref":
      return { ...t, head: fn(t.head), path: t.path.map(fn) };
    case "array":
    case "set":
      return { ...t, items: t.items.map(fn) };
    case "object":
      return { ...t, items: t.items.map(([k, v]) => [fn(k), fn(v)] as [Term, Term]) };
    case "call":
      return { ...t, args: t.args.map(fn) };
    default:
      return t;
  }
}

/** Structural equality of two ground scalar terms (used to match object keys). */
export function sameScalar(a: Term, b: Term): boolean {
  if (a.type !== b.type) return false;
  switch (a.type) {
    case "string":
      return a.value === (b as typeof a).value;
    case "number":
      return Number(a.text) === Number((b as typeof a).text);
    case "boolean":
      return a.value === (b as typeof a).value;
    case "null":
      return true;
    default:
      return false;
  }
}

/**
 * The name to show users for a variable: renamed locals (`$x_2`) show as `x`, wildcards
 * (`$_0`) as `_`.
 */
export function displayName(name: string): string {
  if (/^\$_\d+$/.test(name)) return "_";
  const m = /^\$(.+)_\d+$/.exec(name);
  return m ? m[1] : name;
}

/** "data.a.b" for a path. */
export function pathKey(path: readonly string[]): string {
  return path.join(".");
}

/** Every term of a rule, deeply: head, bodies, else branches, comprehensions, `every`, `with`. */
export function forEachRuleTerm(rule: Rule, fn: (t: Term) => void): void {
  const head = rule.head;
  [...head.ref, ...(head.key ? [head.key] : []), ...(head.value ? [head.value] : []), ...(head.args ?? [])]
    .forEach((t) => deepTerm(t, fn));
  deepBody(rule.body, fn);
  for (const branch of rule.elses) {
    if (branch.value) deepTerm(branch.value, fn);
    deepBody(branch.body, fn);
  }
}

function deepTerm(t: Term, fn: (t: Term) => void): void {
  forEachTerm(t, (x) => {
    fn(x);
    if (x.type === "arraycompr" || x.type === "setcompr") {
      deepTerm(x.term, fn);
      deepBody(x.body, fn);
    } else if (x.type === "objectcompr") {
      deepTerm(x.key, fn);
      deepTerm(x.value, fn);
      deepBody(x.body, fn);
    }
  });
}

function deepBody(body: Body, fn: (t: Term) => void): void {
  for (const e of body) {
    exprTerms(e).forEach((t) => deepTerm(t, fn));
    if ("with" in e) {
      e.with.forEach((w) => {
        deepTerm(w.target, fn);
        if (w.replacement) deepTerm(w.value, fn); // the name of the replacing function
      });
    }
    if (e.kind === "every") {
      if (e.key) deepTerm(e.key, fn);
      deepTerm(e.value, fn);
      deepBody(e.body, fn);
    }
  }
}

/** Every expression of a rule, deeply: its bodies, `else` bodies, comprehension and `every` bodies. */
export function forEachRuleExpr(rule: Rule, fn: (e: Expr) => void): void {
  const bodies: Body[] = [rule.body, ...rule.elses.map((b) => b.body)];
  forEachRuleTerm(rule, (t) => {
    if (t.type === "arraycompr" || t.type === "setcompr" || t.type === "objectcompr") bodies.push(t.body);
  });
  const visit = (body: Body) => {
    for (const e of body) {
      fn(e);
      if (e.kind === "every") visit(e.body);
    }
  };
  bodies.forEach(visit);
}

/** The root name when `t` is a bare `input` or `data` (a var, or a ref with an empty path). */
export function bareRoot(t: Term): string | undefined {
  if (t.type === "var" && ROOT_VARS.has(t.name)) return t.name;
  if (t.type === "ref" && t.path.length === 0 && t.head.type === "var" && ROOT_VARS.has(t.head.name)) {
    return t.head.name;
  }
  return undefined;
}

/** A term without variables, references, calls or comprehensions: every solution yields the same value. */
export function isConstant(t: Term): boolean {
  switch (t.type) {
    case "null":
    case "boolean":
    case "number":
    case "string":
      return true;
    case "array":
    case "set":
      return t.items.every(isConstant);
    case "object":
      return t.items.every(([k, v]) => isConstant(k) && isConstant(v));
    default:
      return false;
  }
}
