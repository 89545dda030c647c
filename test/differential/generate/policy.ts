/**
 * A grammar-directed generator of Rego policies that are well formed and mostly safe, so that
 * most compile in both OPA and this compiler and their answers can be compared.
 *
 * A policy is package `test` with rules of every kind: complete rules (with `else` chains and
 * `default`), partial sets, partial objects, ref heads (string paths, a variable last, as OPA
 * v0.47 allows), functions (with `else`, several definitions, literal argument patterns), some
 * defined incrementally. A rule may use the rules defined before it (no recursion). Bodies use
 * `some … in`, iteration over refs, `not`, `every`, `with` (on input, data, rules, functions and
 * built-ins), the three comprehensions, unification patterns, arithmetic, comparisons and the
 * common built-ins, over variables bound earlier in the body, so that they are safe.
 *
 * Rules are kept as structured text (head, body expressions, `else` branches) so the shrinker
 * can drop rules and expressions.
 */
import { KEYS, NUMBERS, STRINGS } from "./json.ts";
import type { Rng } from "./rng.ts";

export interface Branch {
  /** `else := v` / `else` head part, or the rule's head. */
  head: string;
  body: string[];
}

export interface RuleSpec {
  /** The first name of the head: what other rules and queries use. */
  name: string;
  kind: RuleKind;
  head: string;
  body: string[];
  elses: Branch[];
}

export type RuleKind = "complete" | "default" | "set" | "object" | "refhead" | "function";

export interface Policy {
  rules: RuleSpec[];
}

export function render(policy: Policy): string {
  const rules = policy.rules.map(renderRule);
  return `package test\n\nimport future.keywords\n\n${rules.join("\n\n")}\n`;
}

export function renderRule(r: RuleSpec): string {
  let out = r.head + renderBody(r.body);
  r.elses.forEach((e, i) => {
    // Only the last branch may go without a body.
    const body = e.body.length === 0 && i < r.elses.length - 1 ? ["true"] : e.body;
    out += ` else ${e.head}${renderBody(body)}`;
  });
  return out;
}

function renderBody(body: string[]): string {
  return body.length === 0 ? "" : ` if {\n\t${body.join("\n\t")}\n}`;
}

/** The names a query can read: rules other than functions, once each. */
export function queryableRules(policy: Policy): string[] {
  return [...new Set(policy.rules.filter((r) => r.kind !== "function").map((r) => r.name))];
}

type Hint = "any" | "coll" | "num" | "str";
type RefForm = "value" | "key" | "contains";

interface Defined {
  name: string;
  kind: RuleKind;
  /** Functions: their arity. */
  arity?: number;
  /** Ref heads: the refs that read them (`r0.a.b`). */
  refs?: string[];
}

class Scope {
  constructor(readonly vars: Map<string, Hint> = new Map()) {}
  child(): Scope {
    return new Scope(new Map(this.vars));
  }
  pick(r: Rng, hint?: Hint): string | undefined {
    const all = [...this.vars.entries()];
    const fitting = hint ? all.filter(([, h]) => h === hint) : all;
    const from = fitting.length > 0 && r.chance(0.8) ? fitting : all;
    return from.length ? r.pick(from)[0] : undefined;
  }
}

/** Built-ins the bodies call: name, arity, and what they mostly take and give. */
const BUILTINS: { name: string; args: Hint[]; gives: Hint }[] = [
  { name: "count", args: ["coll"], gives: "num" },
  { name: "sum", args: ["coll"], gives: "num" },
  { name: "max", args: ["coll"], gives: "any" },
  { name: "min", args: ["coll"], gives: "any" },
  { name: "sort", args: ["coll"], gives: "coll" },
  { name: "abs", args: ["num"], gives: "num" },
  { name: "upper", args: ["str"], gives: "str" },
  { name: "lower", args: ["str"], gives: "str" },
  { name: "concat", args: ["str", "coll"], gives: "str" },
  { name: "contains", args: ["str", "str"], gives: "any" },
  { name: "startswith", args: ["str", "str"], gives: "any" },
  { name: "endswith", args: ["str", "str"], gives: "any" },
  { name: "is_number", args: ["any"], gives: "any" },
  { name: "is_string", args: ["any"], gives: "any" },
  { name: "is_array", args: ["any"], gives: "any" },
  { name: "is_object", args: ["any"], gives: "any" },
  { name: "type_name", args: ["any"], gives: "str" },
  { name: "object.get", args: ["coll", "any", "any"], gives: "any" },
  { name: "object.keys", args: ["coll"], gives: "coll" },
  { name: "array.concat", args: ["coll", "coll"], gives: "coll" },
  { name: "array.slice", args: ["coll", "num", "num"], gives: "coll" },
  { name: "json.marshal", args: ["any"], gives: "str" },
  { name: "sprintf", args: ["str", "coll"], gives: "str" },
  { name: "split", args: ["str", "str"], gives: "coll" },
  { name: "trim", args: ["str", "str"], gives: "str" },
  { name: "to_number", args: ["any"], gives: "num" },
  { name: "format_int", args: ["num", "num"], gives: "str" },
  { name: "union", args: ["coll"], gives: "coll" },
  { name: "intersection", args: ["coll"], gives: "coll" },
  { name: "object.union", args: ["coll", "coll"], gives: "coll" },
  { name: "object.remove", args: ["coll", "coll"], gives: "coll" },
  { name: "numbers.range", args: ["num", "num"], gives: "coll" },
  { name: "round", args: ["num"], gives: "num" },
  { name: "indexof", args: ["str", "str"], gives: "num" },
  { name: "substring", args: ["str", "num", "num"], gives: "str" },
];

/** Built-ins a `with` may replace (by a value, a function of the same arity, or a built-in). */
const MOCKABLE: { name: string; arity: number; alike: string[] }[] = [
  { name: "count", arity: 1, alike: ["sum", "max", "abs", "upper", "union"] },
  { name: "upper", arity: 1, alike: ["lower", "count", "type_name"] },
  { name: "concat", arity: 2, alike: ["array.concat", "object.union", "startswith"] },
  { name: "abs", arity: 1, alike: ["round", "count", "is_number"] },
];

export class PolicyGenerator {
  private defined: Defined[] = [];
  private fresh = 0;

  constructor(private r: Rng) {}

  policy(): Policy {
    const n = this.r.int(2, 7);
    const rules: RuleSpec[] = [];
    for (let i = 0; i < n; i++) rules.push(...this.ruleGroup(i));
    return { rules };
  }

  // ---------------------------------------------------------------------------------------
  // Rules

  private ruleGroup(i: number): RuleSpec[] {
    const kind = this.r.weighted<RuleKind>([
      [5, "complete"],
      [3, "set"],
      [3, "object"],
      [2, "refhead"],
      [3, "function"],
    ]);
    const prefix = { complete: "c", default: "c", set: "s", object: "o", refhead: "r", function: "f" }[kind];
    const name = `${prefix}${i}`;
    const out: RuleSpec[] = [];
    const copies = this.r.weighted([[6, 1], [3, 2], [1, 3]]);
    if (kind === "function") {
      const arity = this.r.int(1, 2);
      for (let c = 0; c < copies; c++) out.push(this.functionRule(name, arity));
      this.defined.push({ name, kind, arity });
      return out;
    }
    if (kind === "refhead") {
      const refs: string[] = [];
      // One form per group, so that no rule's path lies below another's (a conflict in both, or,
      // below a multi-value rule, accepted by OPA v0.47 only: open-policy-agent/opa#5856).
      const form = this.r.weighted<RefForm>([[3, "value"], [2, "key"], [2, "contains"]]);
      const path = this.r.pick(["a.a", "a.b", "b", "b.c"]);
      for (let c = 0; c < copies; c++) {
        const rule = this.refHeadRule(
          name,
          form,
          form === "value" ? this.r.pick(["a.a", "a.b", "b.c"]) : path,
        );
        refs.push(rule.read);
        out.push(rule.spec);
      }
      this.defined.push({ name, kind, refs });
      return out;
    }
    for (let c = 0; c < copies; c++) {
      out.push(
        kind === "complete"
          ? this.completeRule(name)
          : kind === "set"
          ? this.setRule(name)
          : this.objectRule(name),
      );
    }
    if (kind === "complete" && this.r.chance(0.35)) {
      out.push({ name, kind: "default", head: `default ${name} := ${this.literal(1)}`, body: [], elses: [] });
    }
    this.defined.push({ name, kind });
    return out;
  }

  private completeRule(name: string): RuleSpec {
    const scope = new Scope();
    const body = this.body(scope, this.r.int(0, 3));
    const value = this.r.chance(0.3) && body.length > 0 ? undefined : this.term(scope, 2);
    const head = value === undefined ? name : `${name} ${this.r.chance(0.8) ? ":=" : "="} ${value}`;
    const elses: Branch[] = [];
    if (body.length > 0 && this.r.chance(0.3)) {
      for (let k = this.r.int(1, 2); k > 0; k--) {
        const s = new Scope();
        const b = this.body(s, this.r.int(0, 2));
        elses.push({ head: `:= ${this.term(s, 1)}`, body: b });
      }
    }
    return { name, kind: "complete", head, body: body.length === 0 && elses.length ? ["true"] : body, elses };
  }

  private setRule(name: string): RuleSpec {
    const scope = new Scope();
    const body = this.body(scope, this.r.int(1, 3));
    return { name, kind: "set", head: `${name} contains ${this.term(scope, 1)}`, body, elses: [] };
  }

  private objectRule(name: string): RuleSpec {
    const scope = new Scope();
    const body = this.body(scope, this.r.int(1, 3));
    const key = this.keyTerm(scope);
    return { name, kind: "object", head: `${name}[${key}] := ${this.term(scope, 1)}`, body, elses: [] };
  }

  private refHeadRule(name: string, form: RefForm, path: string): { spec: RuleSpec; read: string } {
    const scope = new Scope();
    const body = this.body(scope, this.r.int(form === "value" ? 0 : 1, 3));
    const ref = `${name}.${path}`;
    const head = form === "value"
      ? `${ref} := ${this.term(scope, 1)}`
      : form === "key"
      ? `${ref}[${this.keyTerm(scope)}] := ${this.term(scope, 1)}`
      : `${ref} contains ${this.term(scope, 1)}`;
    return { spec: { name, kind: "refhead", head, body, elses: [] }, read: ref };
  }

  private functionRule(name: string, arity: number): RuleSpec {
    const scope = new Scope();
    const args = Array.from({ length: arity }, () => {
      if (this.r.chance(0.25)) return this.scalarLiteral();
      const v = this.varName();
      scope.vars.set(v, "any");
      return v;
    });
    const body = this.body(scope, this.r.int(0, 2));
    const value = this.r.chance(0.2) ? undefined : this.term(scope, 1);
    const head = `${name}(${args.join(", ")})${value === undefined ? "" : ` := ${value}`}`;
    const elses: Branch[] = [];
    if (body.length > 0 && this.r.chance(0.3)) {
      const s = new Scope(new Map([...scope.vars].filter(([v]) => args.includes(v))));
      elses.push({ head: `:= ${this.term(s, 1)}`, body: this.body(s, this.r.int(0, 1)) });
    }
    return { name, kind: "function", head, body, elses };
  }

  // ---------------------------------------------------------------------------------------
  // Bodies

  /**
   * `everyOk`: the body may hold `every`. OPA v0.47 fails on some `every` inside comprehensions
   * that are themselves inside expressions (a parse error after `some … in`, "undefined ref" for
   * a call in an `every` domain): comprehensions get `every` only when assigned directly.
   */
  private body(scope: Scope, n: number, everyOk = true): string[] {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(...this.expr(scope, 2, everyOk));
    return out;
  }

  /** One expression (sometimes preceded by a guard), binding what it declares in `scope`. */
  private expr(scope: Scope, depth: number, everyOk: boolean): string[] {
    const kind = this.r.weighted<string>([
      [4, "assign"],
      [4, "somein"],
      [2, "iterate"],
      [4, "compare"],
      [2, "truthy"],
      [2, "member"],
      [3, "not"],
      [depth > 0 && everyOk ? 3 : 0, "every"],
      [2, "with"],
      [1, "unify"],
      [2, "rule"],
    ]);
    switch (kind) {
      case "assign": {
        if (this.r.chance(0.15)) {
          const t = this.comprehension(scope, 1, true);
          const v = this.varName();
          scope.vars.set(v, "coll");
          return [`${v} := ${t}`];
        }
        const [t, hint] = this.typedTerm(scope, depth);
        const v = this.varName();
        scope.vars.set(v, hint);
        return [`${v} := ${t}`];
      }
      case "somein": {
        const coll = this.collection(scope, depth);
        const v = this.varName();
        if (this.r.chance(0.35)) {
          const k = this.varName();
          scope.vars.set(k, "any");
          scope.vars.set(v, "any");
          return [`some ${k}, ${v} in ${coll}`];
        }
        scope.vars.set(v, "any");
        return [`some ${v} in ${coll}`];
      }
      case "iterate": {
        const coll = this.r.pick([
          "input.xs",
          "input.obj",
          "input.roles",
          "data.d",
          ...this.setsAndObjects(),
        ]);
        const v = this.varName();
        scope.vars.set(v, "any");
        if (this.r.chance(0.5)) return [`${v} = ${coll}[_]`];
        const k = this.varName();
        scope.vars.set(k, "any");
        return [`${v} := ${coll}[${k}]`];
      }
      case "compare":
        return [this.comparison(scope, depth)];
      case "truthy":
        return [this.term(scope, depth)];
      case "member":
        return [`${this.term(scope, 1)} in ${this.collection(scope, depth)}`];
      case "not":
        return [`not ${this.r.chance(0.5) ? this.comparison(scope, depth) : this.term(scope, depth)}`];
      case "every": {
        const domain = this.collection(scope, 0);
        const inner = scope.child();
        const v = this.varName();
        const k = this.r.chance(0.3) ? this.varName() : undefined;
        inner.vars.set(v, "any");
        if (k) inner.vars.set(k, "any");
        const body = this.body(inner, this.r.int(1, 2));
        // Both declared vars must be used (OPA: "declared var unused").
        body.push(`${k ? `${k} != ${v}` : `${v} != "never"`}`);
        // OPA v0.47 takes every over a non-collection as true, today's OPA as undefined
        // (open-policy-agent/opa#6763): the guard keeps that difference out.
        const decl = k ? `${k}, ${v}` : v;
        return [
          `type_name(${domain}) in {"array", "set", "object"}`,
          `every ${decl} in ${domain} { ${body.join("; ")} }`,
        ];
      }
      case "with":
        return [this.withExpr(scope, depth)];
      case "unify": {
        const a = this.varName();
        const b = this.varName();
        // A value of unknown type (input, data) or a literal of the pattern's shape: anything else
        // is a type error ("match error") in OPA.
        const value = this.r.chance(0.5)
          ? this.r.pick(["input.a", "input.b", "input.xs", "input.obj", "data.d.a", "data.d.obj"])
          : `[${this.term(scope, 0)}, ${this.term(scope, 0)}]`;
        scope.vars.set(a, "any");
        scope.vars.set(b, "any");
        return value.startsWith("[") || this.r.chance(0.6)
          ? [`[${a}, ${b}] = ${value}`]
          : [`{"k": ${a}, "n": ${b}} = ${value}`];
      }
      case "rule": {
        const ref = this.ruleValue(scope);
        return [ref ?? this.term(scope, 1)];
      }
    }
    return ["true"];
  }

  private comparison(scope: Scope, depth: number): string {
    const op = this.r.pick(["==", "!=", "<", "<=", ">", ">="]);
    const [a, hint] = this.typedTerm(scope, depth);
    const b = this.r.chance(0.5) ? this.literalOf(hint) : this.term(scope, depth - 1);
    return `${a} ${op} ${b}`;
  }

  private withExpr(scope: Scope, depth: number): string {
    const target = this.r.weighted<() => string>([
      [4, () => `input.${this.r.pick(KEYS)}`],
      [1, () => "input"],
      [2, () => `data.d.${this.r.pick(KEYS)}`],
      [2, () => {
        const rules = this.defined.filter((d) =>
          d.kind === "complete" || d.kind === "set" || d.kind === "object"
        );
        return rules.length ? `data.test.${this.r.pick(rules).name}` : "input.a";
      }],
      [3, () => "builtin"],
      [2, () => "function"],
    ])();
    const subject = this.ruleValue(scope) ?? this.term(scope, depth);
    if (target === "builtin") {
      const m = this.r.pick(MOCKABLE);
      const fns = this.defined.filter((d) => d.kind === "function" && d.arity === m.arity);
      const value = this.r.weighted<() => string>([
        [2, () => this.literal(1)],
        [2, () => this.r.pick(m.alike)],
        [fns.length ? 3 : 0, () => this.r.pick(fns).name],
      ])();
      const use = this.r.chance(0.5)
        ? `${m.name}(${Array.from({ length: m.arity }, () => this.term(scope, 1)).join(", ")})`
        : subject;
      return `${use} with ${m.name} as ${value}`;
    }
    if (target === "function") {
      const fns = this.defined.filter((d) => d.kind === "function");
      if (fns.length === 0) return `${subject} with input.a as ${this.literal(1)}`;
      const f = this.r.pick(fns);
      const alike = fns.filter((g) => g.arity === f.arity && g !== f);
      const value = alike.length && this.r.chance(0.5) ? this.r.pick(alike).name : this.literal(1);
      const call = `${f.name}(${Array.from({ length: f.arity! }, () => this.term(scope, 1)).join(", ")})`;
      return `${this.r.chance(0.5) ? call : subject} with ${f.name} as ${value}`;
    }
    const value = this.r.chance(0.3) ? this.r.pick(["input.xs", "input.obj", "input.n"]) : this.literal(2);
    return `${subject} with ${target} as ${value}`;
  }

  // ---------------------------------------------------------------------------------------
  // Terms

  private term(scope: Scope, depth: number): string {
    return this.typedTerm(scope, depth)[0];
  }

  /** A term and what it mostly holds. */
  private typedTerm(scope: Scope, depth: number): [string, Hint] {
    const choices: [number, () => [string, Hint]][] = [
      [3, () => [this.scalarLiteral(), "any"]],
      [scope.vars.size ? 5 : 0, () => {
        const v = scope.pick(this.r)!;
        return [v, scope.vars.get(v)!];
      }],
      [4, () => this.inputRef()],
      [1, () => [`data.d.${this.r.pick(KEYS)}`, "any"]],
      [2, () => {
        const ref = this.ruleValue(scope);
        return ref ? [ref, "any"] : [this.scalarLiteral(), "any"];
      }],
    ];
    if (depth > 0) {
      choices.push(
        [2, () => [this.composite(scope, depth - 1), "coll"]],
        [3, () => this.builtinCall(scope, depth - 1)],
        [2, () => [this.arithmetic(scope, depth - 1), "num"]],
        [1, () => [this.argOf(scope, depth - 1, "str"), "str"]],
        [2, () => [this.comprehension(scope, depth - 1), "coll"]],
        [1, () => [`${this.collection(scope, depth - 1)}[${this.keyTerm(scope)}]`, "any"]],
      );
    }
    return this.r.weighted(choices)();
  }

  private inputRef(): [string, Hint] {
    return this.r.weighted<() => [string, Hint]>([
      [3, () => ["input.n", "num"]],
      [3, () => ["input.s", "str"]],
      [3, () => [`input.${this.r.pick(["xs", "ys", "roles", "obj"])}`, "coll"]],
      [2, () => [`input.${this.r.pick(["a", "b"])}`, "any"]],
      [1, () => [`input.xs[${this.r.int(0, 2)}]`, "any"]],
      [1, () => [`input.obj.${this.r.pick(KEYS)}`, "any"]],
      [1, () => [`input.${this.r.pick(["a", "b"])}.${this.r.pick(KEYS)}`, "any"]],
      [1, () => ["input", "any"]],
    ])();
  }

  /** A term that is most likely a collection (to iterate, to test membership in). */
  private collection(scope: Scope, depth: number): string {
    const v = scope.pick(this.r, "coll");
    return this.r.weighted<() => string>([
      [4, () => `input.${this.r.pick(["xs", "ys", "roles", "obj"])}`],
      [1, () => `data.d.${this.r.pick(KEYS)}`],
      [2, () => this.composite(scope, 0)],
      [v && scope.vars.get(v) === "coll" ? 3 : 0, () => v!],
      [2, () => this.setsAndObjects().length ? this.r.pick(this.setsAndObjects()) : "input.xs"],
      [depth > 0 ? 2 : 0, () => this.comprehension(scope, depth - 1)],
      [1, () => `numbers.range(${this.r.int(-1, 2)}, ${this.r.int(0, 3)})`],
    ])();
  }

  private setsAndObjects(): string[] {
    const out: string[] = [];
    for (const d of this.defined) {
      if (d.kind === "set" || d.kind === "object") out.push(d.name);
      if (d.kind === "refhead") out.push(...d.refs!);
    }
    return out;
  }

  /** A value read from an earlier rule: complete, set (member or whole), object, ref head, call. */
  private ruleValue(scope: Scope): string | undefined {
    if (this.defined.length === 0) return undefined;
    const d = this.r.pick(this.defined);
    const qualified = (n: string) => this.r.chance(0.25) ? `data.test.${n}` : n;
    switch (d.kind) {
      case "complete":
      case "default":
        return qualified(d.name);
      case "set":
        return this.r.chance(0.5) ? qualified(d.name) : `${qualified(d.name)}[${this.term(scope, 0)}]`;
      case "object":
        return this.r.chance(0.4) ? qualified(d.name) : `${qualified(d.name)}[${this.term(scope, 0)}]`;
      case "refhead": {
        const ref = this.r.pick(d.refs!);
        return this.r.chance(0.5) ? ref : ref.split(".").slice(0, -1).join(".") || ref;
      }
      case "function":
        return `${d.name}(${Array.from({ length: d.arity! }, () => this.term(scope, 0)).join(", ")})`;
    }
  }

  private keyTerm(scope: Scope): string {
    const v = scope.pick(this.r);
    return v && this.r.chance(0.7)
      ? v
      : this.r.chance(0.5)
      ? JSON.stringify(this.r.pick(STRINGS))
      : String(this.r.pick(NUMBERS));
  }

  private composite(scope: Scope, depth: number): string {
    const items = () => Array.from({ length: this.r.int(0, 3) }, () => this.term(scope, depth));
    return this.r.weighted<() => string>([
      [3, () => `[${items().join(", ")}]`],
      [2, () => {
        const it = items();
        return it.length ? `{${it.join(", ")}}` : "set()";
      }],
      [2, () => `{${items().map((v) => `${this.keyTerm(scope)}: ${v}`).join(", ")}}`],
    ])();
  }

  private comprehension(scope: Scope, depth: number, everyOk = false): string {
    const inner = scope.child();
    const body = this.body(inner, this.r.int(1, 2), everyOk).join("; ");
    return this.r.weighted<() => string>([
      [3, () => `[${this.headTerm(inner, depth)} | ${body}]`],
      [2, () => `{${this.headTerm(inner, depth)} | ${body}}`],
      [2, () => `{${this.keyTerm(inner)}: ${this.headTerm(inner, depth)} | ${body}}`],
    ])();
  }

  /**
   * A comprehension's head: not an infix expression, which OPA (and this compiler) would parse as
   * `a + (b | body…)` — an array or set, not a comprehension.
   */
  private headTerm(scope: Scope, depth: number): string {
    for (let i = 0; i < 5; i++) {
      const t = this.term(scope, depth);
      if (
        !/^[^[{(]*\s[-+*/%|&<>=!]/.test(t) &&
        !/ (in|[-+*/%|&]|[<>=!]=?) /.test(t.replace(/\(.*\)|\[.*\]|\{.*\}|".*?"/g, "()"))
      ) return t;
    }
    return this.scalarLiteral();
  }

  private builtinCall(scope: Scope, depth: number): [string, Hint] {
    const b = this.r.pick(BUILTINS);
    // Collections from input and data (of unknown type): a literal or a rule of the wrong kind of
    // collection (a set to array.concat, numbers to union) is a type error in OPA.
    const args = b.args.map((h) =>
      h === "coll" && this.r.chance(0.7)
        ? this.r.pick(["input.xs", "input.ys", "input.roles", "input.obj", `data.d.${this.r.pick(KEYS)}`])
        : this.argOf(scope, depth, h)
    );
    if (b.name === "sprintf") args[0] = JSON.stringify(this.r.pick(["%v", "%d-%s", "x%v"]));
    // OPA v0.47 answered "" for a start past the end before reading the length; today's OPA
    // reads both integers first (topdown/strings.go), so a length that is not an integer is an
    // error (undefined) there: an integer literal keeps the two alike.
    if (b.name === "substring") args[2] = String(this.r.pick([-1, 0, 1, 2, 3, 10]));
    return [`${b.name}(${args.join(", ")})`, b.gives];
  }

  /**
   * A term of the kind a built-in or an operator takes. OPA's type checker rejects arguments
   * whose static type cannot fit (a string literal to `abs`, a set rule to `+`): only literals,
   * input (of unknown type), variables and calls known to fit are used.
   */
  private argOf(scope: Scope, depth: number, hint: Hint): string {
    const v = scope.pick(this.r, hint);
    const own = v !== undefined && scope.vars.get(v) === hint;
    if (hint === "coll") return own && this.r.chance(0.4) ? v! : this.collection(scope, depth);
    if (hint === "num") {
      return this.r.weighted<() => string>([
        [3, () => String(this.r.pick(NUMBERS))],
        [3, () => "input.n"],
        [1, () => "data.d.n"],
        [own ? 3 : 0, () => v!],
        [depth > 0 ? 1 : 0, () => `count(${this.collection(scope, depth - 1)})`],
        [depth > 0 ? 1 : 0, () => this.arithmetic(scope, depth - 1)],
      ])();
    }
    if (hint === "str") {
      return this.r.weighted<() => string>([
        [3, () => JSON.stringify(this.r.pick(STRINGS))],
        [3, () => "input.s"],
        [own ? 3 : 0, () => v!],
        [depth > 0 ? 1 : 0, () => `upper(${this.argOf(scope, depth - 1, "str")})`],
        [depth > 0 ? 1 : 0, () => `type_name(${this.term(scope, depth - 1)})`],
      ])();
    }
    return this.term(scope, depth);
  }

  private arithmetic(scope: Scope, depth: number): string {
    const op = this.r.weighted([[4, "+"], [3, "-"], [3, "*"], [1, "/"], [1, "%"]]);
    return `${this.argOf(scope, depth, "num")} ${op} ${this.argOf(scope, depth, "num")}`;
  }

  // ---------------------------------------------------------------------------------------
  // Literals and names

  private scalarLiteral(): string {
    return this.r.weighted<() => string>([
      [1, () => "null"],
      [2, () => String(this.r.chance(0.5))],
      [4, () => String(this.r.pick(NUMBERS))],
      [4, () => JSON.stringify(this.r.pick(STRINGS))],
    ])();
  }

  private literal(depth: number): string {
    if (depth <= 0 || this.r.chance(0.6)) return this.scalarLiteral();
    const items = Array.from({ length: this.r.int(0, 3) }, () => this.literal(depth - 1));
    return this.r.weighted<() => string>([
      [3, () => `[${items.join(", ")}]`],
      [1, () => items.length ? `{${items.join(", ")}}` : "set()"],
      [2, () => `{${items.map((v, i) => `${JSON.stringify(KEYS[i % KEYS.length])}: ${v}`).join(", ")}}`],
    ])();
  }

  private literalOf(hint: Hint): string {
    if (hint === "num") return String(this.r.pick(NUMBERS));
    if (hint === "str") return JSON.stringify(this.r.pick(STRINGS));
    return this.literal(1);
  }

  private varName(): string {
    return `v${this.fresh++}`;
  }
}
