/**
 * Which variables an expression binds, given the variables already bound ("safe").
 *
 * Used by the safety stage. Follows OPA's rules: a ref whose head is bound iterates, so its path
 * vars become bound (`xs[i]`, `data.p[k]`); unification binds the vars of one side when the other
 * side is bound, element-wise through array and object patterns (object keys must be bound); a
 * negated expression binds nothing; other calls bind nothing (output arguments were rewritten
 * into `eq` by the locals stage).
 */
import type { Expr, Term } from "../ast.ts";
import { isCallTo } from "./qualify.ts";
import { childTerms, isClosure, ROOT_VARS, sameScalar, termVars } from "./terms.ts";

export type VarSet = ReadonlySet<string>;

function isBound(name: string, safe: VarSet): boolean {
  return ROOT_VARS.has(name) || safe.has(name);
}

function allBound(t: Term, safe: VarSet): boolean {
  for (const name of termVars(t).keys()) if (!isBound(name, safe)) return false;
  return true;
}

/** Path vars of refs (outside closures) whose head is bound: iterating the ref binds them. */
export function refOutputs(t: Term, safe: VarSet, out: Set<string> = new Set()): Set<string> {
  if (isClosure(t)) return out;
  if (t.type === "ref") {
    const headBound = t.head.type === "var" ? isBound(t.head.name, safe) : allBound(t.head, safe);
    if (!headBound) return out;
    if (t.head.type !== "var") refOutputs(t.head, safe, out);
    for (const p of t.path) {
      if (p.type === "var") out.add(p.name);
      else if (p.type === "array" || p.type === "object") {
        // A pattern key (`data.r[[1, x]]`) is unified with each key in turn: it binds its vars.
        patternVars(p).forEach((v) => out.add(v));
        refOutputs(p, safe, out);
      } else refOutputs(p, safe, out);
    }
    return out;
  }
  for (const c of childTerms(t)) refOutputs(c, safe, out);
  return out;
}

/** Vars of a pattern: the var itself, array items and object values, recursively. */
function patternVars(t: Term, out: string[] = []): string[] {
  if (t.type === "var") out.push(t.name);
  else if (t.type === "array") t.items.forEach((i) => patternVars(i, out));
  else if (t.type === "object") t.items.forEach(([, v]) => patternVars(v, out));
  return out;
}

function isPattern(t: Term): boolean {
  return t.type === "var" || t.type === "array" || t.type === "object";
}

/** The vars that unifying `a` with `b` binds, given `safe`. */
export function unify(a: Term, b: Term, safe: VarSet): Set<string> {
  const bound = new Set<string>();
  const known = (n: string) => isBound(n, safe) || bound.has(n);
  const ground = (t: Term) => [...termVars(t).keys()].every(known);
  const bindPattern = (t: Term): void => {
    if (t.type === "var") {
      if (!known(t.name)) bound.add(t.name);
    } else if (t.type === "array") t.items.forEach(bindPattern);
    else if (t.type === "object") t.items.forEach(([, v]) => bindPattern(v));
  };
  const step = (x: Term, y: Term): void => {
    if (x.type === "var" && y.type === "var") {
      if (known(x.name) && !known(y.name)) bound.add(y.name);
      else if (known(y.name) && !known(x.name)) bound.add(x.name);
    } else if (x.type === "var" || y.type === "var") {
      const [v, other] = x.type === "var" ? [x, y] : [y, x];
      if (v.type !== "var") return;
      if (known(v.name)) bindPattern(other);
      else if (ground(other)) bound.add(v.name);
    } else if (x.type === "array" && y.type === "array") {
      if (x.items.length === y.items.length) x.items.forEach((item, i) => step(item, y.items[i]));
    } else if (x.type === "object" && y.type === "object") {
      for (const [kx, vx] of x.items) {
        const match = y.items.find(([ky]) => sameScalar(kx, ky));
        if (match) step(vx, match[1]);
      }
    } else if (isPattern(x) !== isPattern(y)) {
      const [pattern, other] = isPattern(x) ? [x, y] : [y, x];
      if (ground(other)) bindPattern(pattern);
    }
  };
  let size: number;
  do {
    size = bound.size;
    step(a, b);
  } while (bound.size !== size);
  return bound;
}

/** The vars `e` binds when evaluated with `safe` bound. */
export function exprOutputs(e: Expr, safe: VarSet): Set<string> {
  switch (e.kind) {
    case "term": {
      if (e.negated) return new Set();
      const out = refOutputs(e.term, safe);
      if (isCallTo(e.term, "eq") && e.term.args.length === 2) {
        const [a, b] = e.term.args;
        unify(a, b, new Set([...safe, ...out])).forEach((v) => out.add(v));
      }
      return out;
    }
    case "somein": {
      const out = refOutputs(e.collection, safe);
      const now = new Set([...safe, ...out]);
      if (!allBound(e.collection, now)) return out;
      const element: Term = { type: "null", loc: e.loc }; // stands for the (bound) element
      if (e.key) unify(e.key, element, now).forEach((v) => out.add(v));
      unify(e.value, element, now).forEach((v) => out.add(v));
      return out;
    }
    case "every":
      return refOutputs(e.domain, safe);
    case "some":
      return new Set();
  }
}
