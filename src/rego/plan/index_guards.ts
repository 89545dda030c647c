/**
 * Stage: OPA's rule index, as guards at the front of each rule body.
 *
 * Before OPA evaluates any body of a rule (or function), it looks the rule up in an index built
 * from its bodies (BuildRuleIndices, v1/ast/index.go) and evaluates only the bodies the index
 * selects. The index reads equalities of a ground reference into base documents (`input…`, or
 * `data…` below no rule) with a scalar, a variable, or an array of scalars and variables, found
 * in the body as OPA has rewritten it:
 *
 * - written ones (`input.role == "admin"`, `x := input.user`, `[a, b] = input.pair`);
 * - those OPA's rewriting generates: each reference passed to a call, inside a composite or in a
 *   reference's path becomes `__localN__ = ref` before the expression (RewriteDynamicTerms, after
 *   RewriteExprTerms has moved nested calls out), also out of a `not` (expand.ts); the domain of
 *   `every`; and a head key or value holding a reference is appended to the body as
 *   `__localN__ = term` (RewriteRefsInHead).
 *
 * Negated expressions, expressions with `with`, a reference that is the whole collection of `some … in`,
 * and comprehension or `every` bodies
 * give no entry. A body whose entry fails (the reference is undefined, or its value differs) is
 * skipped as a whole: evaluated first, the equality decides before any other expression of the
 * body, so a conflict or an error later in the body is never reached (OPA answers undefined, not
 * an error). Here each entry becomes a copy of the equality placed first in the body, with fresh
 * variables; the written expression stays where it is. The copies have no effect but the order.
 *
 * An array entry in OPA v0.47 also failed when the reference held a non-scalar where the entry has
 * a variable (`[_, _] = [1, [2]]`); OPA fixed that in v0.53 (open-policy-agent/opa#5916), and
 * today's OPA wins: the guard is the unification itself. When one body holds several entries for
 * the same reference, the last one is the index's (refindices.insert replaces it).
 *
 * Runs in the planner, after the checks: the guards are not the user's, so no check sees them.
 */
import type { Body, Expr, Location, Module, RefTerm, Rule, Term } from "../ast.ts";
import { forEachRuleTerm, isClosure, isConstant, ROOT_VARS, varTerm } from "../check/terms.ts";
import type { RuleNode } from "./tree.ts";

/** A term as OPA sees it after its rewriting: what became a variable is `{type: "var"}`. */
type Rewritten = Term;

interface Entry {
  ref: RefTerm;
  /** A scalar, an array of scalars and variables, or a variable (the reference must be defined). */
  value: Term;
  /** It is a leading expression of the body itself, which needs no copy. */
  leading?: boolean;
}

class Guards {
  private names = new Set<string>();
  private counter = 0;
  private entries: Entry[] = [];

  constructor(private readonly isVirtual: (path: string[]) => boolean) {}

  rule(rule: Rule): void {
    if (rule.default) return;
    this.names = new Set();
    this.counter = 0;
    forEachRuleTerm(rule, (t) => t.type === "var" && this.names.add(t.name));
    const head = rule.head;
    const headTerms = [
      ...head.ref.slice(1).filter((t) => t.type !== "string"),
      ...(head.key ? [head.key] : []),
      ...(head.value ? [head.value] : []),
    ];
    rule.body = this.guard(rule.body, headTerms);
    for (const branch of rule.elses) {
      branch.body = this.guard(branch.body, branch.value ? [branch.value] : []);
    }
  }

  private guard(body: Body, headTerms: Term[]): Body {
    this.entries = [];
    let leading = true;
    for (const e of body) {
      const before = this.entries.length;
      this.expr(e);
      // Leading equalities that are entries and nothing else already decide first.
      leading &&= this.entries.length === before + 1 && isPlainEquality(e);
      if (leading) this.entries[before].leading = true;
    }
    // RewriteExprTerms moves calls out of the head first, then RewriteRefsInHead appends
    // `__localN__ = term` for a head term that still holds a reference or a comprehension.
    for (const t of headTerms) {
      const rewritten = this.calls(t);
      if (holdsRefOrClosure(rewritten)) this.eq(varTerm("$head", t.loc), rewritten);
    }
    const last = new Map<string, Entry>();
    for (const entry of this.entries) last.set(refKey(entry.ref), entry);
    const needed = [...last.values()].filter((entry) => !entry.leading);
    if (needed.length === 0) return body;
    const guards: Expr[] = needed.map((entry) => {
      const value = this.pattern(entry.value);
      const loc = entry.ref.loc;
      return {
        kind: "term",
        negated: false,
        term: { type: "call", operator: ["eq"], args: [entry.ref, value], loc },
        with: [],
        loc,
      };
    });
    return [...guards, ...body];
  }

  private pattern(t: Term): Term {
    if (t.type === "var") return this.fresh(t.loc);
    if (t.type === "array") return { ...t, items: t.items.map((i) => this.pattern(i)) };
    return t;
  }

  private fresh(loc: Location): Term {
    let name: string;
    do name = `$idx_${++this.counter}`; while (this.names.has(name));
    this.names.add(name);
    return varTerm(name, loc);
  }

  private expr(e: Expr): void {
    switch (e.kind) {
      case "some":
        return;
      case "somein":
        // The collection as a unification's side: a reference stays, one inside a composite is
        // moved out (`some x in [input.a]` reads input.a first; `some x in input.a` does not).
        if (e.with.length === 0) this.inTerm(this.calls(e.collection));
        return;
      case "every":
        if (e.with.length === 0) this.eq(varTerm("$domain", e.loc), this.calls(e.domain));
        return;
      case "term": {
        // Calls in `with` values are moved out first, without the modifiers.
        for (const w of e.with) if (!w.replacement) this.calls(w.value);
        if (e.negated || e.with.length > 0) return;
        const t = e.term;
        if (t.type === "call" && isPrint(t)) return;
        if (t.type === "call" && isEquality(t)) {
          this.eq(this.calls(t.args[0]), this.calls(t.args[1]));
        } else if (t.type === "call") {
          this.callExpr(t);
        } else {
          this.inTerm(this.calls(t));
        }
      }
    }
  }

  /** RewriteExprTerms: calls nested in `t` become expressions of their own, then variables. */
  private calls(t: Term): Rewritten {
    if (isClosure(t)) return t;
    if (t.type === "call") {
      if (isPrint(t)) return varTerm("$print", t.loc);
      this.callExpr(t);
      return varTerm("$call", t.loc);
    }
    switch (t.type) {
      case "ref":
        return { ...t, head: this.calls(t.head), path: t.path.map((p) => this.calls(p)) };
      case "array":
      case "set":
        return { ...t, items: t.items.map((i) => this.calls(i)) };
      case "object":
        return { ...t, items: t.items.map(([k, v]) => [this.calls(k), this.calls(v)] as [Term, Term]) };
      default:
        return t;
    }
  }

  /** A call expression: its arguments (nested calls first), each through rewriteDynamicsOne. */
  private callExpr(t: Term & { type: "call" }): void {
    for (const a of t.args) this.one(this.calls(a));
  }

  /** A unification's sides: rewriteDynamicsInTerm each, then the index reads the result. */
  private eq(a: Rewritten, b: Rewritten): void {
    const x = this.inTerm(a);
    const y = this.inTerm(b);
    if (!this.index(x, y)) this.index(y, x);
  }

  /** rewriteDynamicsInTerm: a reference keeps its place (its path is rewritten). */
  private inTerm(t: Rewritten): Rewritten {
    if (t.type === "ref") return { ...t, path: t.path.map((p) => this.one(p)) };
    if (isClosure(t)) return t;
    return this.one(t);
  }

  /** rewriteDynamicsOne: a reference becomes `__localN__ = ref` (an entry when indexable). */
  private one(t: Rewritten): Rewritten {
    switch (t.type) {
      case "ref": {
        const ref: RefTerm = { ...t, path: t.path.map((p) => this.one(p)) };
        this.index(ref, varTerm("$dyn", t.loc));
        return varTerm("$dyn", t.loc);
      }
      case "array":
      case "set":
        return { ...t, items: t.items.map((i) => this.one(i)) };
      case "object":
        return { ...t, items: t.items.map(([k, v]) => [this.one(k), this.one(v)] as [Term, Term]) };
      case "arraycompr":
      case "setcompr":
      case "objectcompr":
        return varTerm("$compr", t.loc);
      default:
        return t;
    }
  }

  /** eqOperandsToRefAndValue: records an entry when `a` is an indexable ref and `b` a value. */
  private index(a: Rewritten, b: Rewritten): boolean {
    if (a.type !== "ref" || a.head.type !== "var" || !ROOT_VARS.has(a.head.name)) return false;
    if (a.path.length === 0 || !a.path.every(isConstant)) return false;
    // A key that is not a string is never a rule tree node's (the sentinel matches none).
    const path = [a.head.name, ...a.path.map((p) => (p.type === "string" ? p.value : "\u0000"))];
    if (this.isVirtual(path)) return false;
    const indexable = isScalar(b) || b.type === "var" ||
      (b.type === "array" && b.items.every((i) => isScalar(i) || i.type === "var"));
    if (!indexable) return false;
    this.entries.push({ ref: a, value: b });
    return true;
  }
}

/** `ref = value` with nothing else to evaluate: no call, comprehension or other reference. */
function isPlainEquality(e: Expr): boolean {
  if (e.kind !== "term" || e.negated || e.with.length > 0) return false;
  const t = e.term;
  return t.type === "call" && isEquality(t) && dynamicParts(t.args[0]) + dynamicParts(t.args[1]) === 1;
}

function dynamicParts(t: Term): number {
  switch (t.type) {
    case "ref":
      return 1 + t.path.reduce((n, p) => n + dynamicParts(p), dynamicParts(t.head));
    case "array":
    case "set":
      return t.items.reduce((n, i) => n + dynamicParts(i), 0);
    case "object":
      return t.items.reduce((n, [k, v]) => n + dynamicParts(k) + dynamicParts(v), 0);
    case "call":
    case "arraycompr":
    case "setcompr":
    case "objectcompr":
      return 2;
    default:
      return 0;
  }
}

function isEquality(t: Term & { type: "call" }): boolean {
  const op = t.operator.join(".");
  return (op === "eq" || op === "equal") && t.args.length === 2;
}

function isPrint(t: Term & { type: "call" }): boolean {
  return t.operator.length === 1 && t.operator[0] === "print";
}

function isScalar(t: Term): boolean {
  return t.type === "null" || t.type === "boolean" || t.type === "number" || t.type === "string";
}

function holdsRefOrClosure(t: Term): boolean {
  switch (t.type) {
    case "ref":
    case "arraycompr":
    case "setcompr":
    case "objectcompr":
      return true;
    case "array":
    case "set":
      return t.items.some(holdsRefOrClosure);
    case "object":
      return t.items.some(([k, v]) => holdsRefOrClosure(k) || holdsRefOrClosure(v));
    default:
      return false;
  }
}

function refKey(ref: RefTerm): string {
  return JSON.stringify([ref.head, ...ref.path], (k, v) => (k === "loc" ? undefined : v));
}

/**
 * OPA's isVirtual over the rule tree: a `data` path is virtual when it reaches a rule, or ends
 * inside the tree (a package or a prefix of rules); it is base data when it leaves the tree first.
 */
function virtualTest(root: RuleNode): (path: string[]) => boolean {
  return (path) => {
    if (path[0] !== "data") return false;
    let node = root;
    for (const key of path.slice(1)) {
      const child = node.children.get(key);
      if (!child) return false;
      if (child.ruleSet) return true;
      node = child;
    }
    return true;
  };
}

/** Puts the index's guards first in every rule and `else` body of `modules` (in place). */
export function addIndexGuards(modules: Module[], tree: RuleNode): void {
  const guards = new Guards(virtualTest(tree));
  for (const module of modules) for (const rule of module.rules) guards.rule(rule);
}
