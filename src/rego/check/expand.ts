/**
 * Stage: expansion of negated expressions, as OPA's compiler does it.
 *
 * OPA rewrites every expression before evaluating it (stages RewriteExprTerms and
 * RewriteDynamicTerms of v1/ast/compile.go): nested calls, and refs passed to calls, are
 * evaluated by expressions of their own placed before the expression, and the expression uses
 * their results. That placement ignores `not`: in OPA `not startswith(input.path, "/admin")` is
 * `t := input.path; not startswith(t, "/admin")`, which is undefined, not true, when
 * `input.path` is undefined (open-policy-agent/opa#1877, #4743, #7558, all by design so far).
 * Outside a negation the rewriting changes only the order in which an expression's parts are
 * evaluated (which error or undefined part comes first); the planner applies it there
 * (expandPositive), this stage to negated expressions, whose meaning it changes:
 *
 * - a call nested anywhere in the expression (an argument, inside a composite, the subject or a
 *   key of a ref) is evaluated first (RewriteExprTerms), innermost first;
 * - then (RewriteDynamicTerms) each argument of the expression's call that is a ref, and each
 *   ref inside a composite argument or inside a ref's path, is evaluated first, except that a
 *   unification's (`=`, or `==`, which OPA turns into `=`) own sides and a bare ref expression
 *   stay: `not input.x == 1` is true when input.x is undefined;
 * - the values of `with` modifiers are expanded like arguments; expressions evaluated first
 *   carry the expression's `with` modifiers.
 *
 * Runs after safety (as OPA's RewriteDynamicTerms does): every variable of a negated
 * expression is bound, so the new expressions never iterate (those of an expression that is not
 * negated may, binding what the expression would have bound).
 */
import type { Body, Expr, Module, Rule, Term, TermExpr } from "../ast.ts";
import type { CheckState, Stage } from "./stage.ts";
import { forEachRuleTerm, mapChildren, ROOT_VARS, varTerm } from "./terms.ts";

class Expander {
  private names = new Set<string>();
  private counter = 0;

  /** `negated`: the check stage's expansion; `positive`: the planner's (eval order only). */
  constructor(private readonly which: "negated" | "positive") {}

  rule(rule: Rule): void {
    this.names = new Set();
    this.counter = 0;
    forEachRuleTerm(rule, (t) => t.type === "var" && this.names.add(t.name));
    rule.body = this.body(rule.body);
    for (const branch of rule.elses) {
      branch.body = this.body(branch.body);
      if (branch.value) branch.value = this.closures(branch.value);
    }
    rule.head.ref = rule.head.ref.map((t) => this.closures(t));
    if (rule.head.key) rule.head.key = this.closures(rule.head.key);
    if (rule.head.value) rule.head.value = this.closures(rule.head.value);
  }

  private fresh(t: Term): Term {
    let name: string;
    do name = `$dyn_${++this.counter}`; while (this.names.has(name));
    this.names.add(name);
    return varTerm(name, t.loc);
  }

  private body(body: Body): Body {
    const out: Body = [];
    for (const e of body) out.push(...this.expr(e));
    return out;
  }

  private expr(e: Expr): Expr[] {
    switch (e.kind) {
      case "term": {
        const withs = e.with.map((w) => (w.replacement ? w : { ...w, value: this.closures(w.value) }));
        const expr: TermExpr = { ...e, term: this.closures(e.term), with: withs };
        return e.negated === (this.which === "negated") ? this.expand(expr) : [expr];
      }
      case "somein":
        return [{ ...e, collection: this.closures(e.collection), with: e.with }];
      case "every":
        return [{ ...e, domain: this.closures(e.domain), body: this.body(e.body) }];
      case "some":
        return [e];
    }
  }

  /** Comprehension bodies inside a term, expanded in turn. */
  private closures(t: Term): Term {
    switch (t.type) {
      case "arraycompr":
      case "setcompr":
        return { ...t, body: this.body(t.body), term: this.closures(t.term) };
      case "objectcompr":
        return { ...t, body: this.body(t.body), key: this.closures(t.key), value: this.closures(t.value) };
      default:
        return mapChildren(t, (c) => this.closures(c));
    }
  }

  private expand(e: TermExpr): Expr[] {
    // print() gets an undefined argument as "<undefined>" (OPA's RewritePrintCalls wraps each
    // argument in a set comprehension): nothing in it is evaluated first.
    if (e.term.type === "call" && e.term.operator.length === 1 && e.term.operator[0] === "print") return [e];
    const first: Expr[] = [];
    const hoist = (t: Term, withs: TermExpr["with"]): Term => {
      const v = this.fresh(t);
      const term: Term = { type: "call", operator: ["eq"], args: [v, t], loc: t.loc };
      first.push({ kind: "term", negated: false, term, with: withs, loc: e.loc });
      return v;
    };
    // RewriteExprTerms: nested calls (and call or composite ref subjects) first.
    const calls = (t: Term): Term => {
      switch (t.type) {
        case "call":
          return hoist({ ...t, args: t.args.map(calls) }, e.with);
        case "ref": {
          const path = t.path.map(calls);
          const head = calls(t.head);
          const subject =
            ["array", "object", "set", "arraycompr", "setcompr", "objectcompr"].includes(t.head.type)
              ? hoist(head, e.with)
              : head;
          return { ...t, head: subject, path };
        }
        case "array":
        case "object":
        case "set":
          return mapChildren(t, calls);
        default:
          return t;
      }
    };
    const withs = e.with.map((w) => (w.replacement ? w : { ...w, value: callsOf(w.value) }));
    function callsOf(t: Term): Term {
      const before = first.length;
      const out = calls(t);
      // Values of `with` are evaluated without the modifiers.
      for (let i = before; i < first.length; i++) first[i] = { ...first[i], with: [] } as Expr;
      return out;
    }
    let term = e.term;
    if (term.type === "call") term = { ...term, args: term.args.map(calls) };
    else term = calls(term);
    // RewriteDynamicTerms: refs passed to the call, and refs inside composites and ref paths.
    const one = (t: Term): Term => {
      if (t.type === "ref" || (t.type === "var" && ROOT_VARS.has(t.name))) {
        const ref = t.type === "ref" ? { ...t, path: t.path.map(one) } : t;
        return hoist(ref, e.with);
      }
      if (t.type === "array" || t.type === "object" || t.type === "set") return mapChildren(t, one);
      return t;
    };
    const inTerm = (t: Term): Term => {
      if (t.type === "ref") return { ...t, path: t.path.map(one) };
      if (t.type === "var") return t; // `input` and `data` are refs that stay, as locals do
      if (t.type === "arraycompr" || t.type === "setcompr" || t.type === "objectcompr") return t;
      return one(t);
    };
    if (term.type === "call") {
      const op = term.operator.join(".");
      const unification = (op === "eq" || op === "equal") && term.args.length === 2;
      term = { ...term, args: term.args.map(unification ? inTerm : one) };
    } else {
      term = inTerm(term);
    }
    return [...first, { ...e, term, with: withs }];
  }
}

export const expandStage: Stage = {
  name: "expand",
  follows: "safety (OPA expands after its safety check: every variable of a negation is bound)",
  run(state: CheckState) {
    const expander = new Expander("negated");
    for (const module of state.modules) for (const rule of module.rules) expander.rule(rule);
  },
};

/**
 * The same expansion of the expressions that are not negated, for the planner (plan/planner.ts):
 * there it changes only the order in which the parts of an expression are evaluated, which
 * decides which error or undefined result comes first (`lt([x | f(x)], format_int(input.n, 2))`
 * evaluates format_int first, and the comprehension not at all when input.n is undefined).
 */
export function expandPositive(modules: Module[]): void {
  const expander = new Expander("positive");
  for (const module of modules) for (const rule of module.rules) expander.rule(rule);
}
