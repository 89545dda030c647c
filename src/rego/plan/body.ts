/**
 * Bodies and expressions: `a = b`, `x == y`, bare terms, `not`, `with`, `some … in`, `every`.
 *
 * Each expression plans the rest of the body as its continuation, inside the innermost block
 * it opened: an undefined result anywhere ends that block, which is "this binding failed".
 */
import type { Body, Every, Expr, Location, SomeIn, Term, TermExpr, WithModifier } from "../ast.ts";
import { type FuncBuilder, local, PlanError } from "./builder.ts";
import type { Planner } from "./planner.ts";
import { constantPrefix } from "./refs.ts";
import { findNode } from "./tree.ts";
import { mayIterate, planSequence, planTerm } from "./terms.ts";
import { unifyTerms, unifyWithOperand } from "./unify.ts";

type Cont = () => void;

export function planBody(p: Planner, b: FuncBuilder, body: Body, k: Cont): void {
  // Expressions that cannot iterate continue in the current block exactly once: they are planned
  // in a loop, so that a body of thousands of expressions does not nest thousands of calls deep.
  const step = (start: number) => {
    let i = start;
    for (; i < body.length && !exprMayIterate(b, body[i]); i++) planExpr(p, b, body[i], () => {});
    if (i === body.length) return k();
    planExpr(p, b, body[i], () => step(i + 1));
  };
  step(0);
}

function exprMayIterate(b: FuncBuilder, e: Expr): boolean {
  switch (e.kind) {
    case "some":
      return false;
    case "somein":
      return true;
    case "every":
      return e.with.length > 0 || mayIterate(b, e.domain);
    case "term":
      if (e.negated) return false;
      if (e.with.length > 0) return true;
      if (e.term.type === "call" && ["eq", "assign"].includes(e.term.operator.join("."))) {
        // Unifying patterns binds variables without iterating; references may iterate.
        return e.term.args.some((a) => mayIterate(b, a));
      }
      return mayIterate(b, e.term);
  }
}

function planExpr(p: Planner, b: FuncBuilder, e: Expr, k: Cont): void {
  switch (e.kind) {
    case "some":
      return k(); // declarations only; the checker made variables unique
    case "somein":
      return withModifiers(p, b, e.with, (restore) => planSomeIn(p, b, e, () => restore(k)));
    case "every":
      return withModifiers(p, b, e.with, (restore) => planEvery(p, b, e, () => restore(k)));
    case "term":
      if (e.negated) {
        planNot(
          b,
          e,
          (found) => withModifiers(p, b, e.with, (restore) => planTermExpr(p, b, e, () => restore(found))),
        );
        return k();
      }
      return withModifiers(p, b, e.with, (restore) => planTermExpr(p, b, e, () => restore(k)));
  }
}

function planTermExpr(p: Planner, b: FuncBuilder, e: TermExpr, k: Cont): void {
  const t = e.term;
  if (t.type === "call") {
    const op = t.operator.join(".");
    if ((op === "eq" || op === "assign") && t.args.length === 2) {
      return unifyTerms(p, b, t.args[0], t.args[1], k);
    }
    if ((op === "equal" || op === "neq") && t.args.length === 2 && !overridden(b, op)) {
      return planSequence(p, b, t.args, ([x, y]) => {
        b.emit({ type: op === "equal" ? "EqualStmt" : "NotEqualStmt", a: x, b: y }, t.loc);
        k();
      });
    }
  }
  planTerm(p, b, t, (v) => {
    b.emit({ type: "NotEqualStmt", a: v, b: { bool: false } }, t.loc);
    k();
  });
}

function overridden(b: FuncBuilder, name: string): boolean {
  return b.functionOverrides.some((o) => o.name === name);
}

function planSomeIn(p: Planner, b: FuncBuilder, e: SomeIn, k: Cont): void {
  if (["null", "boolean", "number", "string"].includes(e.collection.type)) {
    throw new PlanError(
      `\`some … in\` expects an array, set or object, not a ${e.collection.type}`,
      e.collection.loc,
    );
  }
  planTerm(p, b, e.collection, (c) => {
    const source = b.newLocal();
    b.emit({ type: "AssignVarStmt", source: c, target: source });
    const key = b.newLocal();
    const value = b.newLocal();
    const block = { stmts: [] };
    b.emit({ type: "ScanStmt", source, key, value, block }, e.loc);
    b.into(block, () => {
      const bindValue = () => unifyWithOperand(p, b, e.value, local(value), k);
      if (e.key) unifyWithOperand(p, b, e.key, local(key), bindValue);
      else bindValue();
    });
  });
}

/**
 * A NotStmt around what `fn` plans: it holds when that has no solution. `fn` calls `found` where
 * a solution is complete. Without iteration, a solution completes the NotStmt's block, which
 * makes the NotStmt undefined. Inside a scan, completing the scan's body only moves the scan on,
 * and the block completes after the last element whether or not any matched: there `found`
 * leaves the NotStmt and the block around it (undefined), and the block ends by leaving itself
 * (no solution: the NotStmt holds).
 */
export function planNot(b: FuncBuilder, at: { loc: Location }, fn: (found: Cont) => void): void {
  const block = { stmts: [] };
  b.emit({ type: "NotStmt", block }, at.loc);
  b.into(block, () => {
    const notDepth = b.depth;
    let flat = false, nested = false;
    fn(() => {
      if (b.depth === notDepth) flat = true;
      else {
        nested = true;
        b.emit({ type: "BreakStmt", index: b.depth - notDepth + 1 });
      }
    });
    if (flat && nested) throw new Error("internal error: a negated body completed at two depths");
    if (nested) b.emit({ type: "BreakStmt", index: 0 });
  });
}

/**
 * `every k, v in xs { body }` holds when no element makes the body undefined. Planned as
 * scan xs { not body; break out: the expression is undefined }, with the domain required to be
 * a collection. The body may iterate: `not` (planNot) holds only when no solution of it exists.
 */
function planEvery(p: Planner, b: FuncBuilder, e: Every, k: Cont): void {
  planTerm(p, b, e.domain, (d) => {
    const source = b.newLocal();
    b.emit({ type: "AssignVarStmt", source: d, target: source });
    requireCollection(b, source);
    const exprDepth = b.depth;
    const key = b.newLocal();
    const value = b.newLocal();
    const scanBody = { stmts: [] };
    b.emit({ type: "ScanStmt", source, key, value, block: scanBody }, e.loc);
    b.into(scanBody, () => {
      if (e.key) b.vars.set(e.key.name, key);
      b.vars.set(e.value.name, value);
      planNot(b, e, (found) => planBody(p, b, e.body, found));
      // A counterexample: leave the scan and the block holding the expression.
      b.emit({ type: "BreakStmt", index: b.depth - exprDepth });
    });
    k();
  });
}

/** Undefined unless `source` holds an array, an object or a set. */
function requireCollection(b: FuncBuilder, source: number): void {
  const ok = b.newLocal();
  b.emit({ type: "ResetLocalStmt", target: ok });
  const checks = (["IsArrayStmt", "IsObjectStmt", "IsSetStmt"] as const).map((type) => ({
    stmts: [{ type, source: local(source) }, {
      type: "AssignVarStmt" as const,
      source: { bool: true },
      target: ok,
    }],
  }));
  b.emit({ type: "BlockStmt", blocks: checks });
  b.emit({ type: "IsDefinedStmt", source: ok });
}

/**
 * Applies `with` modifiers around an expression. `fn` plans the expression and must call
 * `restore(next)` where the expression's own planning ends, so that the continuation runs with
 * the original input, data and functions.
 */
function withModifiers(
  p: Planner,
  b: FuncBuilder,
  mods: WithModifier[],
  fn: (restore: (next: Cont) => void) => void,
): void {
  if (mods.length === 0) return fn((next) => next());
  const saved = {
    input: b.input,
    data: b.data,
    dataOverrides: b.dataOverrides,
    functionOverrides: b.functionOverrides,
  };
  const restore = (next: Cont) => {
    const inner = { input: b.input, data: b.data, d: b.dataOverrides, f: b.functionOverrides };
    Object.assign(b, saved);
    next();
    b.input = inner.input;
    b.data = inner.data;
    b.dataOverrides = inner.d;
    b.functionOverrides = inner.f;
  };
  const apply = (i: number) => {
    if (i === mods.length) return fn(restore);
    const m = mods[i];
    // A function replaced by another function (the checks named it): nothing to evaluate.
    if (m.replacement) {
      b.functionOverrides = [
        { name: targetName(m.target), replacement: { kind: "function", name: m.replacement } },
        ...b.functionOverrides,
      ];
      return apply(i + 1);
    }
    planTerm(p, b, m.value, (v) => {
      const value = b.newLocal();
      b.emit({ type: "AssignVarStmt", source: v, target: value });
      applyOne(p, b, m.target, value, m);
      apply(i + 1);
    });
  };
  // Modifier values are evaluated with the original bindings of input and data.
  apply(0);
}

function applyOne(p: Planner, b: FuncBuilder, target: Term, value: number, m: WithModifier): void {
  if (target.type !== "ref" || target.head.type !== "var") {
    throw new PlanError("invalid `with` target", m.loc);
  }
  const root = target.head.name;
  const path = constantPrefix(target.path);
  if (path.length !== target.path.length) {
    throw new PlanError("`with` target must be a ground reference", m.loc);
  }
  if (root === "input") {
    b.input = replaced(p, b, b.input, path, value, m);
    return;
  }
  if (root === "data" && findNode(p.tree, path)?.ruleSet?.kind !== "function") {
    b.dataOverrides = [{ path, value }, ...b.dataOverrides];
    b.data = replaced(p, b, b.data, path, value, m);
    return;
  }
  // A function or built-in replaced by a value.
  b.functionOverrides = [
    { name: [root, ...path].join("."), replacement: { kind: "value", local: value } },
    ...b.functionOverrides,
  ];
}

/** A copy of `doc` with `value` at `path` (the value itself for the empty path). */
function replaced(
  p: Planner,
  b: FuncBuilder,
  doc: number,
  path: string[],
  value: number,
  m: WithModifier,
): number {
  if (path.length === 0) return value;
  const keys = pathArray(p, b, path);
  const next = b.newLocal();
  b.emit(
    { type: "CallStmt", func: "rt_upsert", args: [local(doc), local(keys), local(value)], result: next },
    m.loc,
  );
  return next;
}

function targetName(target: Term): string {
  const t = target as Extract<Term, { type: "ref" }>;
  return [(t.head as { name: string }).name, ...constantPrefix(t.path)].join(".");
}

function pathArray(p: Planner, b: FuncBuilder, path: string[]): number {
  const keys = b.newLocal();
  b.emit({ type: "MakeArrayStmt", capacity: path.length, target: keys });
  for (const s of path) b.emit({ type: "ArrayAppendStmt", value: { string: p.str(s) }, array: keys });
  return keys;
}
