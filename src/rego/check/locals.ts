/**
 * Stage: locals. Makes every local variable unique within its rule and normalises declarations.
 *
 * Scoping follows OPA's rewriting of local variables:
 * - Each body is a scope: the rule body, each `else` body, each comprehension and `every` body.
 * - `x := …`, `some x`, `some x in …` (pattern vars) and `every` key/value declare `x` in the
 *   current scope; declaring a name that already occurred in that scope is an error ("var x
 *   assigned above", "var x referenced above", "var x declared above", "arg x redeclared").
 * - Any other occurrence refers to the innermost declaration in an enclosing scope; if there is
 *   none, to the variable of that name in the outermost enclosing body that mentions it (a
 *   comprehension's `x` is the outer body's `x` when that body mentions `x`: a closure).
 * Each distinct variable keeps its name, or gets `$<name>_<n>` if an earlier one took the name.
 *
 * Rewrites: `assign(x, v)` becomes `eq(x, v)`; `some x` declarations are dropped; a call written
 * with an extra output argument (`count(xs, n)`, `f(x, y)` for a one-argument f) becomes
 * `eq(n, count(xs))`. `:=` on a non-pattern or in a negated expression is an error, and so is
 * `:=` on input/data in v1 modules. `x := …` may shadow a rule `x` of the package (OPA allows it).
 * A variable declared with `some x` (not `some x in …`) or by `every` that nothing else in its
 * scope uses is an error, "declared var x unused", as in OPA.
 */
import type { Body, Expr, Module, Rule, Term, VarTerm, WithModifier } from "../ast.ts";
import type { Location } from "../diagnostics.ts";
import { lookupBuiltin } from "../builtins/catalog.ts";
import { isCallTo } from "./qualify.ts";
import { functionArity } from "./rule_index.ts";
import { type CheckState, perModuleRuleStage, report, type Stage } from "./stage.ts";
import { bareRoot, exprTerms, mapChildren, ROOT_VARS, termVars, varTerm } from "./terms.ts";

type Occurrence = "seen" | "assigned" | "declared" | "arg";

interface Binding {
  source: string;
  /** The rewritten occurrences; renamed together once the whole rule is processed. */
  terms: VarTerm[];
}

class Scope {
  readonly declared = new Map<string, Binding>();
  readonly undeclared = new Map<string, Binding>();
  readonly occurrences = new Map<string, Occurrence>();
  constructor(readonly parent: Scope | undefined, readonly direct: ReadonlySet<string>) {}
}

function directVars(body: Body, extra: Term[] = []): Set<string> {
  const out = new Set<string>();
  const add = (t: Term) => termVars(t).forEach((_, name) => out.add(name));
  for (const e of body) exprTerms(e).forEach(add);
  extra.forEach(add);
  return out;
}

const REDECLARED: Record<Occurrence, (name: string) => string> = {
  seen: (n) => `var ${n} referenced above`,
  assigned: (n) => `var ${n} assigned above`,
  declared: (n) => `var ${n} declared above`,
  arg: (n) => `arg ${n} redeclared`,
};

const TYPE_NAMES: Record<Term["type"], string> = {
  null: "null",
  boolean: "boolean",
  number: "number",
  string: "string",
  var: "var",
  ref: "ref",
  array: "array",
  object: "object",
  set: "set",
  arraycompr: "arraycomprehension",
  setcompr: "setcomprehension",
  objectcompr: "objectcomprehension",
  call: "call",
};

class RuleLocals {
  private bindings: Binding[] = [];
  /** `some x` and `every` variables: OPA rejects them when nothing else in scope uses them. */
  private mustBeUsed: { binding: Binding; v: VarTerm }[] = [];
  constructor(private readonly state: CheckState, private readonly module: Module) {}

  rule(rule: Rule): void {
    this.bindings = [];
    this.mustBeUsed = [];
    const errorsBefore = this.state.diagnostics.length;
    const head = rule.head;
    const scope = new Scope(undefined, directVars(rule.body));
    if (head.args) head.args = head.args.map((a) => this.arg(a, scope));
    const argBindings = new Map(scope.declared);
    rule.body = this.body(rule.body, scope);
    head.ref = [head.ref[0], ...head.ref.slice(1).map((t) => this.term(t, scope))];
    if (head.key) head.key = this.term(head.key, scope);
    if (head.value) head.value = this.term(head.value, scope);
    for (const branch of rule.elses) {
      const s = new Scope(undefined, directVars(branch.body));
      for (const [name, b] of argBindings) {
        s.declared.set(name, b);
        s.occurrences.set(name, "arg");
      }
      branch.body = this.body(branch.body, s);
      if (branch.value) branch.value = this.term(branch.value, s);
    }
    // As OPA: only when the declarations themselves were fine.
    if (this.state.diagnostics.length === errorsBefore) {
      for (const { binding, v } of this.mustBeUsed) {
        if (binding.terms.length === 1) this.error(`declared var ${v.name} unused`, v.loc);
      }
    }
    this.assignNames();
  }

  private assignNames(): void {
    const taken = new Set<string>(ROOT_VARS);
    for (const b of this.bindings) {
      let name = b.source;
      for (let n = 1; taken.has(name); n++) name = `$${b.source}_${n}`;
      taken.add(name);
      for (const t of b.terms) t.name = name;
    }
  }

  private newBinding(source: string): Binding {
    const b: Binding = { source, terms: [] };
    this.bindings.push(b);
    return b;
  }

  private bind(v: VarTerm, b: Binding): VarTerm {
    const copy: VarTerm = { ...v };
    b.terms.push(copy);
    return copy;
  }

  private lookup(name: string, scope: Scope): Binding {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const d = s.declared.get(name);
      if (d) return d;
    }
    let home = scope;
    for (let s = scope.parent; s; s = s.parent) if (s.direct.has(name)) home = s;
    let b = home.undeclared.get(name);
    if (!b) {
      b = this.newBinding(name);
      home.undeclared.set(name, b);
    }
    return b;
  }

  private use(v: VarTerm, scope: Scope): VarTerm {
    if (ROOT_VARS.has(v.name)) {
      // Only a v0 `input := …` declares a local named input; it gets a fresh name.
      for (let s: Scope | undefined = scope; s; s = s.parent) {
        const d = s.declared.get(v.name);
        if (d) return this.bind(v, d);
      }
      return v;
    }
    if (!scope.occurrences.has(v.name)) scope.occurrences.set(v.name, "seen");
    return this.bind(v, this.lookup(v.name, scope));
  }

  private declare(v: VarTerm, scope: Scope, kind: Occurrence): VarTerm {
    const previous = scope.occurrences.get(v.name);
    if (previous) {
      if (kind === "arg" && previous === "arg") return this.bind(v, scope.declared.get(v.name)!);
      report(this.state, "rego_compile_error", REDECLARED[previous](v.name), v.loc);
    }
    scope.occurrences.set(v.name, kind);
    const b = this.newBinding(v.name);
    scope.declared.set(v.name, b);
    return this.bind(v, b);
  }

  /** A declaration that something else in its scope must use (`some x`, `every k, v in …`). */
  private declareUsed(v: VarTerm, scope: Scope): VarTerm {
    const declared = this.declare(v, scope, "declared");
    const binding = scope.declared.get(v.name);
    if (binding && !v.name.startsWith("$")) this.mustBeUsed.push({ binding, v });
    return declared;
  }

  private arg(t: Term, scope: Scope): Term {
    switch (t.type) {
      case "var":
        return this.declare(t, scope, "arg");
      case "array":
        return { ...t, items: t.items.map((i) => this.arg(i, scope)) };
      case "object":
        return {
          ...t,
          items: t.items.map(([k, v]) => [this.term(k, scope), this.arg(v, scope)] as [Term, Term]),
        };
      default:
        return this.term(t, scope);
    }
  }

  /** The left side of `:=`: a var, or an array/object pattern of them. */
  private assignTarget(t: Term, scope: Scope): Term {
    const root = bareRoot(t);
    if (root && this.module.regoVersion === 1) {
      this.error(`variables must not shadow ${root} (use a different variable name)`, t.loc);
      return t;
    }
    if (root) return this.declare(varTerm(root, t.loc), scope, "assigned"); // v0: a local named input
    switch (t.type) {
      case "var":
        return this.declare(t, scope, "assigned");
      case "array":
        return { ...t, items: t.items.map((i) => this.assignTarget(i, scope)) };
      case "object":
        return {
          ...t,
          items: t.items.map(([k, v]) => [this.term(k, scope), this.assignTarget(v, scope)] as [Term, Term]),
        };
      default:
        this.error(`cannot assign to ${TYPE_NAMES[t.type]}`, t.loc);
        return this.term(t, scope);
    }
  }

  private error(message: string, loc: Location): void {
    report(this.state, "rego_compile_error", message, loc);
  }

  private body(body: Body, scope: Scope): Body {
    const out: Body = [];
    for (const e of body) {
      const r = this.expr(e, scope);
      if (r) out.push(r);
    }
    return out;
  }

  private expr(e: Expr, scope: Scope): Expr | undefined {
    switch (e.kind) {
      case "some":
        for (const v of e.vars) this.declareUsed(v, scope);
        return undefined;
      case "somein": {
        const collection = this.term(e.collection, scope);
        const withs = this.withs(e.with, scope);
        const key = e.key && this.pattern(e.key, scope);
        return { ...e, key, value: this.pattern(e.value, scope), collection, with: withs };
      }
      case "every": {
        const domain = this.term(e.domain, scope);
        const withs = this.withs(e.with, scope);
        const inner = new Scope(scope, directVars(e.body, [e.value, ...(e.key ? [e.key] : [])]));
        const key = e.key && this.declareUsed(e.key, inner);
        const value = this.declareUsed(e.value, inner);
        return { ...e, key, value, domain, body: this.body(e.body, inner), with: withs };
      }
      case "term": {
        const t = e.term;
        if (isCallTo(t, "assign") && t.args.length === 2) {
          if (e.negated) this.error("cannot assign vars inside negated expression", e.loc);
          const rhs = this.term(t.args[1], scope);
          const withs = this.withs(e.with, scope);
          const lhs = this.assignTarget(t.args[0], scope);
          return { ...e, term: { ...t, operator: ["eq"], args: [lhs, rhs] }, with: withs };
        }
        const term = this.outputForm(this.term(t, scope));
        return { ...e, term, with: this.withs(e.with, scope) };
      }
    }
  }

  /** `with` values are ordinary terms, except the name of a function that replaces another. */
  private withs(withs: WithModifier[], scope: Scope): WithModifier[] {
    return withs.map((w) => w.replacement ? w : { ...w, value: this.term(w.value, scope) });
  }

  /** A `some … in` pattern: its vars are declared; everything else is an ordinary term. */
  private pattern(t: Term, scope: Scope): Term {
    switch (t.type) {
      case "var":
        return this.declare(t, scope, "declared");
      case "array":
        return { ...t, items: t.items.map((i) => this.pattern(i, scope)) };
      case "object":
        return {
          ...t,
          items: t.items.map(([k, v]) => [this.term(k, scope), this.pattern(v, scope)] as [Term, Term]),
        };
      default:
        return this.term(t, scope);
    }
  }

  private term(t: Term, scope: Scope): Term {
    switch (t.type) {
      case "var":
        return this.use(t, scope);
      case "arraycompr":
      case "setcompr": {
        const inner = new Scope(scope, directVars(t.body, [t.term]));
        const body = this.body(t.body, inner);
        return { ...t, body, term: this.term(t.term, inner) };
      }
      case "objectcompr": {
        const inner = new Scope(scope, directVars(t.body, [t.key, t.value]));
        const body = this.body(t.body, inner);
        return { ...t, body, key: this.term(t.key, inner), value: this.term(t.value, inner) };
      }
      case "ref": {
        const r = mapChildren(t, (c) => this.term(c, scope)) as typeof t;
        // A bare `input` that names a v0 local is that local.
        return r.path.length === 0 && r.head !== t.head && r.head.type === "var" ? r.head : r;
      }
      default:
        return mapChildren(t, (c) => this.term(c, scope));
    }
  }

  /** `count(xs, n)` → `eq(n, count(xs))` when count takes one argument and returns a value. */
  private outputForm(t: Term): Term {
    if (t.type !== "call") return t;
    let arity: number | undefined;
    if (t.operator[0] === "data") {
      arity = functionArity(this.state.index, t.operator);
    } else {
      const b = lookupBuiltin(t.operator.join("."));
      if (b && b.result && !b.variadic) arity = b.args;
    }
    if (arity === undefined || t.args.length !== arity + 1) return t;
    const call = { ...t, args: t.args.slice(0, arity) };
    return { type: "call", operator: ["eq"], args: [t.args[arity], call], loc: t.loc };
  }
}

export const localsStage: Stage = perModuleRuleStage(
  "locals",
  "qualify (rule names and imports are refs; any var left is a local)",
  (state, module) => new RuleLocals(state, module),
);
