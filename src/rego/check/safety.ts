/**
 * Stage: safety. Every variable must be bound before it is used, and bodies are reordered so
 * that the planner, which evaluates strictly in order, always sees bound inputs.
 *
 * Reordering is OPA's: repeat passes over the body, each time taking (in original order) every
 * remaining expression whose variables are all bound already or bound by the expression itself
 * (see unify.ts), until nothing moves. What remains has unsafe variables: rego_unsafe_var_error
 * "var x is unsafe" at the variable's first use.
 *
 * Closures (comprehensions, `every`) may use variables of the enclosing bodies: such a captured
 * variable must be bound before the expression holding the closure. Closure bodies are then
 * reordered in turn, with the variables bound at that point as globals; a comprehension's head
 * and an `every` body see their own bindings. Function arguments are bound on entry; rule heads
 * (key, value, ref vars) must be bound by the body. A head (of a rule or comprehension) that
 * iterates a ref, `[xs[_] | true]`, is moved into the body as `$ref_n = xs[_]`, as OPA does.
 */
import type { Body, Expr, Rule, Term, VarTerm } from "../ast.ts";
import { type CheckState, report, type Stage } from "./stage.ts";
import {
  closuresOf,
  deepBodyVars,
  deepTermVars,
  displayName,
  exprTerms,
  forEachRuleTerm,
  mapChildren,
  ROOT_VARS,
  termVars,
  varTerm,
} from "./terms.ts";
import { exprOutputs, refOutputs, type VarSet } from "./unify.ts";

interface Reordered {
  body: Body;
  /** Vars bound after the whole body. */
  safe: Set<string>;
  /** Vars of this body and the enclosing ones: what a closure inside may capture. */
  visible: Set<string>;
}

function without(vars: Map<string, VarTerm>, bound: VarSet): VarTerm[] {
  return [...vars.values()].filter((v) => !ROOT_VARS.has(v.name) && !bound.has(v.name));
}

class Safety {
  /** Vars of the current rule already reported: one error per variable. */
  private reported = new Set<string>();
  /** Every var name of the current rule, for fresh names. */
  private names = new Set<string>();

  constructor(private readonly state: CheckState) {}

  rule(rule: Rule): void {
    this.reported = new Set();
    this.names = new Set();
    forEachRuleTerm(rule, (t) => t.type === "var" && this.names.add(t.name));
    const args = new Set<string>();
    for (const a of rule.head.args ?? []) termVars(a).forEach((_, n) => args.add(n));
    const main = this.body(rule.body, args, args);
    const head = rule.head;
    if (head.key) head.key = this.liftHead(head.key, main);
    if (head.value) head.value = this.liftHead(head.value, main);
    rule.body = main.body;
    const headTerms = [
      ...head.ref.slice(1),
      ...(head.key ? [head.key] : []),
      ...(head.value ? [head.value] : []),
    ];
    this.requireBound(headTerms, main.safe);
    head.ref = [head.ref[0], ...head.ref.slice(1).map((t) => this.closures(t, main.safe, main.visible))];
    if (head.key) head.key = this.closures(head.key, main.safe, main.visible);
    if (head.value) head.value = this.closures(head.value, main.safe, main.visible);
    for (const branch of rule.elses) {
      const r = this.body(branch.body, args, args);
      if (branch.value) branch.value = this.liftHead(branch.value, r);
      branch.body = r.body;
      if (branch.value) {
        this.requireBound([branch.value], r.safe);
        branch.value = this.closures(branch.value, r.safe, r.visible);
      }
    }
  }

  private fresh(): string {
    let n = 1;
    while (this.names.has(`$ref_${n}`)) n++;
    this.names.add(`$ref_${n}`);
    return `$ref_${n}`;
  }

  /**
   * A head term whose unbound vars are all bound by iterating its refs (`[xs[_] | true]`,
   * `p contains input.a[_]`) moves into the body as `$ref_n = term`, as OPA rewrites such heads.
   */
  private liftHead(t: Term, r: Reordered): Term {
    const missing = without(termVars(t), r.safe);
    if (missing.length === 0) return t;
    const outs = refOutputs(t, r.safe);
    if (!missing.every((v) => outs.has(v.name))) return t; // requireBound reports it
    const fresh = varTerm(this.fresh(), t.loc);
    const term: Term = { type: "call", operator: ["eq"], args: [fresh, t], loc: t.loc };
    const e: Expr = { kind: "term", negated: false, term, with: [], loc: t.loc };
    r.body.push(this.exprClosures(e, r.safe, r.visible));
    outs.forEach((v) => r.safe.add(v));
    r.safe.add(fresh.name);
    return fresh;
  }

  private requireBound(terms: Term[], safe: VarSet): void {
    for (const t of terms) for (const v of without(termVars(t), safe)) this.unsafe(v);
  }

  private unsafe(v: VarTerm): void {
    if (this.reported.has(v.name)) return;
    this.reported.add(v.name);
    report(this.state, "rego_unsafe_var_error", `var ${displayName(v.name)} is unsafe`, v.loc);
  }

  /** The vars `e` needs bound: its own (outside closures) and those its closures capture. */
  private needs(e: Expr, visible: VarSet): Map<string, VarTerm> {
    const vars = new Map<string, VarTerm>();
    for (const t of exprTerms(e)) termVars(t, vars);
    const inner = new Map<string, VarTerm>();
    for (const t of exprTerms(e)) for (const c of closuresOf(t)) deepTermVars(c, inner);
    if (e.kind === "every") deepBodyVars(e.body, inner);
    for (const [name, v] of inner) if (visible.has(name) && !vars.has(name)) vars.set(name, v);
    return vars;
  }

  body(body: Body, globals: VarSet, outerVisible: VarSet): Reordered {
    const visible = new Set(outerVisible);
    for (const e of body) for (const t of exprTerms(e)) termVars(t).forEach((_, n) => visible.add(n));
    const safe = new Set(globals);
    const placed: { expr: Expr; before: Set<string> }[] = [];
    const done = body.map(() => false);
    for (let progress = true; progress;) {
      progress = false;
      body.forEach((e, i) => {
        if (done[i]) return;
        const out = exprOutputs(e, safe);
        const missing = without(this.needs(e, visible), new Set([...safe, ...out]));
        if (missing.length > 0) return;
        done[i] = true;
        placed.push({ expr: e, before: new Set(safe) });
        out.forEach((v) => safe.add(v));
        progress = true;
      });
    }
    body.forEach((e, i) => {
      if (done[i]) return;
      const out = exprOutputs(e, safe);
      for (const v of without(this.needs(e, visible), new Set([...safe, ...out]))) this.unsafe(v);
    });
    const result = placed.map(({ expr, before }) => this.exprClosures(expr, before, visible));
    return { body: result, safe, visible };
  }

  private exprClosures(e: Expr, safe: VarSet, visible: VarSet): Expr {
    const withs = "with" in e
      ? e.with.map((w) => ({ ...w, value: this.closures(w.value, safe, visible) }))
      : [];
    switch (e.kind) {
      case "term":
        return { ...e, term: this.closures(e.term, safe, visible), with: withs };
      case "somein":
        return {
          ...e,
          key: e.key && this.closures(e.key, safe, visible),
          value: this.closures(e.value, safe, visible),
          collection: this.closures(e.collection, safe, visible),
          with: withs,
        };
      case "every": {
        const bound = new Set([...safe, e.value.name, ...(e.key ? [e.key.name] : [])]);
        const r = this.body(e.body, bound, visible);
        return { ...e, domain: this.closures(e.domain, safe, visible), body: r.body, with: withs };
      }
      case "some":
        return e;
    }
  }

  /** `t` with every comprehension in it checked and its body reordered. */
  private closures(t: Term, safe: VarSet, visible: VarSet): Term {
    switch (t.type) {
      case "arraycompr":
      case "setcompr": {
        const r = this.body(t.body, safe, new Set([...visible, ...termVars(t.term).keys()]));
        const term = this.liftHead(t.term, r);
        this.requireBound([term], r.safe);
        return { ...t, body: r.body, term: this.closures(term, r.safe, r.visible) };
      }
      case "objectcompr": {
        const headVars = [...termVars(t.key).keys(), ...termVars(t.value).keys()];
        const r = this.body(t.body, safe, new Set([...visible, ...headVars]));
        const key = this.liftHead(t.key, r);
        const value = this.liftHead(t.value, r);
        this.requireBound([key, value], r.safe);
        return {
          ...t,
          body: r.body,
          key: this.closures(key, r.safe, r.visible),
          value: this.closures(value, r.safe, r.visible),
        };
      }
      default:
        return mapChildren(t, (c) => this.closures(c, safe, visible));
    }
  }
}

export const safetyStage: Stage = {
  name: "safety",
  follows: "locals (variable names are unique per rule, so a name is one variable) and functions",
  run(state) {
    const safety = new Safety(state);
    for (const module of state.modules) for (const rule of module.rules) safety.rule(rule);
  },
};
