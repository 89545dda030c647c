/**
 * Unification (`a = b`, function argument patterns, `some … in` patterns).
 *
 * An unbound variable is bound to the other side; array and object patterns with unbound
 * variables destructure the other side (type, length, then element by element); anything else is
 * evaluated on both sides and compared.
 */
import type { Term } from "../ast.ts";
import type { Operand } from "../ir/ir.ts";
import { type FuncBuilder, local, PlanError } from "./builder.ts";
import type { Planner } from "./planner.ts";
import { toLocal } from "./refs.ts";
import { planSequence, planTerm } from "./terms.ts";

type Cont = () => void;

export function unifyTerms(p: Planner, b: FuncBuilder, a: Term, c: Term, k: Cont): void {
  const aOpen = b.hasUnboundVars(a);
  const cOpen = b.hasUnboundVars(c);
  if (aOpen && cOpen) {
    if (a.type === "array" && c.type === "array") {
      if (a.items.length !== c.items.length) return fail(b);
      return unifyPairs(p, b, a.items.map((x, i) => [x, c.items[i]]), k);
    }
    if (a.type === "object" && c.type === "object") {
      // Keys are ground; pair them up by their source text is not possible in general: compare at run time.
      if (a.items.length !== c.items.length) return fail(b);
      return planTerm(p, b, c, (v) => unifyWithOperand(p, b, a, v, k));
    }
    if (a.type === "var") return planTerm(p, b, c, (v) => unifyWithOperand(p, b, a, v, k));
    if (c.type === "var") return planTerm(p, b, a, (v) => unifyWithOperand(p, b, c, v, k));
    throw new PlanError("cannot unify: both sides have unbound variables", a.loc);
  }
  if (aOpen) return planTerm(p, b, c, (v) => unifyWithOperand(p, b, a, v, k));
  if (cOpen) return planTerm(p, b, a, (v) => unifyWithOperand(p, b, c, v, k));
  planSequence(p, b, [a, c], ([x, y]) => {
    b.emit({ type: "EqualStmt", a: x, b: y }, a.loc);
    k();
  });
}

function unifyPairs(p: Planner, b: FuncBuilder, pairs: [Term, Term][], k: Cont): void {
  const step = (i: number) => {
    if (i === pairs.length) return k();
    unifyTerms(p, b, pairs[i][0], pairs[i][1], () => step(i + 1));
  };
  step(0);
}

/** Unifies a pattern term with a value already computed. */
export function unifyWithOperand(p: Planner, b: FuncBuilder, pattern: Term, v: Operand, k: Cont): void {
  if (pattern.type === "var" && !b.isBound(pattern.name)) {
    b.vars.set(pattern.name, toLocal(b, v));
    return k();
  }
  if (pattern.type === "array" && b.hasUnboundVars(pattern)) {
    const src = requireShape(b, v, "IsArrayStmt", pattern.items.length, pattern);
    const step = (i: number) => {
      if (i === pattern.items.length) return k();
      const idx = b.newLocal();
      const el = b.newLocal();
      b.emit({ type: "MakeNumberIntStmt", value: i, target: idx });
      b.emit({ type: "DotStmt", source: local(src), key: local(idx), target: el });
      unifyWithOperand(p, b, pattern.items[i], local(el), () => step(i + 1));
    };
    return step(0);
  }
  if (pattern.type === "object" && b.hasUnboundVars(pattern)) {
    const src = requireShape(b, v, "IsObjectStmt", pattern.items.length, pattern);
    const step = (i: number) => {
      if (i === pattern.items.length) return k();
      const [keyTerm, valueTerm] = pattern.items[i];
      if (b.hasUnboundVars(keyTerm)) {
        throw new PlanError("object keys in patterns must be ground", keyTerm.loc);
      }
      planTerm(p, b, keyTerm, (key) => {
        const el = b.newLocal();
        b.emit({ type: "DotStmt", source: local(src), key, target: el });
        unifyWithOperand(p, b, valueTerm, local(el), () => step(i + 1));
      });
    };
    return step(0);
  }
  if (b.hasUnboundVars(pattern)) {
    throw new PlanError("cannot unify a set or computed term with unbound variables", pattern.loc);
  }
  planTerm(p, b, pattern, (x) => {
    b.emit({ type: "EqualStmt", a: x, b: v }, pattern.loc);
    k();
  });
}

/** The value in a local, required to be an array (or object) of `size` elements. */
function requireShape(
  b: FuncBuilder,
  v: Operand,
  type: "IsArrayStmt" | "IsObjectStmt",
  size: number,
  pattern: Term,
): number {
  const src = toLocal(b, v);
  b.emit({ type, source: local(src) }, pattern.loc);
  const len = b.newLocal();
  const want = b.newLocal();
  b.emit({ type: "LenStmt", source: local(src), target: len });
  b.emit({ type: "MakeNumberIntStmt", value: size, target: want });
  b.emit({ type: "EqualStmt", a: local(len), b: local(want) });
  return src;
}

/** A unification that can never succeed (e.g. arrays of different lengths). */
function fail(b: FuncBuilder): void {
  b.emit({ type: "BreakStmt", index: 0 });
}
