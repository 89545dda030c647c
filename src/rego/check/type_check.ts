/**
 * Stage: types. A conservative form of OPA's type checker (v1/ast/check.go): it infers types
 * from literals, from built-in results (builtin_types.ts) and from variables bound to those, and
 * reports as rego_type_error only what can never succeed:
 *
 * - unification of incompatible types, `[x, y] = [1, 2, 3]`, `1 = "a"`: "match error" (an
 *   expression `a == b` too: OPA rewrites it into `a = b` first);
 * - `some v in xs` where no element of `xs` can match the pattern `v`, `some [x, y] in [[1, 2, 3]]`
 *   (OPA rewrites it into `v = xs[_]`): "match error";
 * - a built-in argument of the wrong type, `count(1)`, `plus("a", 1)`: "count: invalid argument(s)".
 *
 * Everything else (refs to input, data and rules, user functions, built-ins without a declared
 * signature) is `any`, which matches anything. Bodies are checked in the safety stage's order,
 * so a variable's type is known from the expression that binds it.
 */
import type { Body, CallTerm, Expr, Rule, Term } from "../ast.ts";
import { fitsArgument } from "./argument_types.ts";
import { builtinSignature } from "./builtin_types.ts";
import { isCallTo } from "./qualify.ts";
import { type CheckState, report, type Stage } from "./stage.ts";
import { closuresOf, exprTerms, forEachTerm, ROOT_VARS } from "./terms.ts";
import {
  ANY,
  anyOf,
  arrayOf,
  BOOLEAN,
  isTop,
  NULL,
  NUMBER,
  objectOf,
  objectSelect,
  scalarKey,
  setOf,
  STRING,
  type Type,
  typeString,
  unifies,
  valuesOf,
} from "./types.ts";

/** Types of the variables bound so far in the body being checked (locals are unique per rule). */
type Env = Map<string, Type>;

export function typeOf(t: Term, env: Env): Type {
  switch (t.type) {
    case "null":
      return NULL;
    case "boolean":
      return BOOLEAN;
    case "number":
      return NUMBER;
    case "string":
      return STRING;
    case "var":
      return env.get(t.name) ?? ANY;
    case "array":
      return { kind: "array", items: t.items.map((i) => typeOf(i, env)) };
    case "set":
      return setOf(t.items.length === 0 ? ANY : anyOf(...t.items.map((i) => typeOf(i, env))));
    case "object": {
      const props = new Map<string, Type>();
      let dynamic = false;
      for (const [k, v] of t.items) {
        const key = scalarKey(k);
        if (key === undefined) dynamic = true;
        else props.set(key, typeOf(v, env));
      }
      return { kind: "object", props, dynamic: dynamic ? { key: ANY, value: ANY } : undefined };
    }
    case "arraycompr":
      return arrayOf(ANY);
    case "setcompr":
      return setOf(ANY);
    case "objectcompr":
      return objectOf(ANY, ANY);
    case "call":
      return t.operator[0] === "data" ? ANY : builtinSignature(t.operator.join("."))?.result ?? ANY;
    case "ref":
      return refType(t, env);
  }
}

/** The type of a ref from a local or a literal: each step selects a member type. */
function refType(t: Term & { type: "ref" }, env: Env): Type {
  if (t.head.type === "var" && ROOT_VARS.has(t.head.name)) return ANY;
  let cur = typeOf(t.head, env);
  for (const p of t.path) {
    if (isTop(cur)) return ANY;
    const key = scalarKey(p);
    if (key !== undefined && cur.kind === "array") {
      const i = Number(key);
      cur = (Number.isInteger(i) && i >= 0 ? (cur.items[i] ?? cur.dynamic) : undefined) ?? ANY;
    } else if (key !== undefined && cur.kind === "object") {
      cur = objectSelect(cur, key) ?? ANY;
    } else if (key === undefined || cur.kind === "set") {
      cur = valuesOf(cur) ?? ANY;
    } else {
      return ANY;
    }
  }
  return cur;
}

/** Records the types a pattern's variables take when it matches a value of type `type`. */
function bind(pattern: Term, type: Type, env: Env): void {
  if (isTop(type)) return;
  if (pattern.type === "var") {
    if (!ROOT_VARS.has(pattern.name) && !env.has(pattern.name)) env.set(pattern.name, type);
  } else if (pattern.type === "array" && type.kind === "array") {
    pattern.items.forEach((item, i) => bind(item, type.items[i] ?? type.dynamic ?? ANY, env));
  } else if (pattern.type === "object" && type.kind === "object") {
    for (const [k, v] of pattern.items) {
      const key = scalarKey(k);
      if (key !== undefined) bind(v, objectSelect(type, key) ?? ANY, env);
    }
  }
}

function matchError(left: Type, right: Type): string {
  return `match error\n\tleft  : ${typeString(left)}\n\tright : ${typeString(right)}`;
}

class TypeCheck {
  constructor(private readonly state: CheckState) {}

  rule(rule: Rule): void {
    const env: Env = new Map();
    this.body(rule.body, env);
    const head = rule.head;
    this.terms([...head.ref, ...(head.key ? [head.key] : []), ...(head.value ? [head.value] : [])], env);
    for (const branch of rule.elses) {
      this.body(branch.body, env);
      if (branch.value) this.terms([branch.value], env);
    }
  }

  private body(body: Body, env: Env): void {
    for (const e of body) this.expr(e, env);
  }

  /** Closures and built-in calls in `terms`. */
  private terms(terms: Term[], env: Env): void {
    for (const t of terms) {
      for (const c of closuresOf(t)) this.closure(c, env);
      forEachTerm(t, (x) => {
        if (x.type === "call") this.call(x, env);
      });
    }
  }

  private closure(c: Term, env: Env): void {
    const inner = new Map(env);
    if (c.type === "arraycompr" || c.type === "setcompr") {
      this.body(c.body, inner);
      this.terms([c.term], inner);
    } else if (c.type === "objectcompr") {
      this.body(c.body, inner);
      this.terms([c.key, c.value], inner);
    }
  }

  private expr(e: Expr, env: Env): void {
    this.terms(exprTerms(e), env);
    // OPA rewrites an expression `a == b` into `a = b` before checking types (RewriteEquals):
    // both are unifications to the type checker.
    const unification = e.kind === "term" && (isCallTo(e.term, "eq") || isCallTo(e.term, "equal"));
    if (e.kind === "term" && unification && e.term.type === "call" && e.term.args.length === 2) {
      const [a, b] = e.term.args;
      const [ta, tb] = [typeOf(a, env), typeOf(b, env)];
      // For `==` only values of different kinds (a number and a string): OPA's checker accepts
      // some structural mismatches inside composites there (the OPA oracle shows it).
      const fits = isCallTo(e.term, "eq") ? unifies(ta, tb) : sameKinds(ta, tb);
      if (!fits) {
        report(this.state, "rego_type_error", matchError(ta, tb), e.loc);
        return;
      }
      bind(a, tb, env);
      bind(b, ta, env);
    } else if (e.kind === "somein") {
      const element = valuesOf(typeOf(e.collection, env));
      if (element === undefined) return;
      const pattern = typeOf(e.value, env);
      if (!unifies(pattern, element)) {
        report(this.state, "rego_type_error", matchError(pattern, element), e.loc);
        return;
      }
      bind(e.value, element, env);
    }
    // `every` bodies are not checked: the OPA oracle (v0.47) reports no type error inside them
    // (`every … { not false == "a" }`, `to_number({k: v})`, an outer array passed to
    // object.get), and a check must not refuse what OPA accepts.
  }

  private call(call: CallTerm, env: Env): void {
    if (call.operator[0] === "data") return;
    const name = call.operator.join(".");
    const sig = builtinSignature(name);
    if (!sig || call.args.length !== sig.args.length) return; // counts: the functions stage
    const have = call.args.map((a) => typeOf(a, env));
    if (have.every((t, i) => fitsArgument(t, sig.args[i]))) return;
    report(
      this.state,
      "rego_type_error",
      `${name}: invalid argument(s)\n\thave: (${have.map(typeString).join(", ")})\n\twant: (${
        sig.args.map(typeString).join(", ")
      })`,
      call.loc,
    );
  }
}

/** The two types may hold values of one kind (both numbers, both arrays…), whatever is inside. */
function sameKinds(a: Type, b: Type): boolean {
  if (a.kind === "any" || b.kind === "any") return unifies(topLevel(a), topLevel(b));
  return a.kind === b.kind;
}

function topLevel(t: Type): Type {
  if (t.kind === "any") return anyOf(...t.of.map(topLevel));
  if (t.kind === "array") return arrayOf(ANY);
  if (t.kind === "object") return objectOf(ANY, ANY);
  if (t.kind === "set") return setOf(ANY);
  return t;
}

export const typesStage: Stage = {
  name: "types",
  follows: "safety (bodies in evaluation order, so bindings come before uses) and recursion",
  run(state) {
    const check = new TypeCheck(state);
    for (const module of state.modules) {
      for (const rule of module.rules) check.rule(rule);
    }
  },
};
