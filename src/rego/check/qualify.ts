/**
 * Stage: qualify. Rewrites names that stand for rules or imports into full refs.
 *
 * - A var naming a rule of the module's package (and not declared locally) becomes
 *   `data.<pkg…>.<name>`; a ref rooted at such a var gets that prefix.
 * - A var or ref rooted at an imported name gets the imported path.
 * - Call operators: rooted at an import (`lib.f` with `import data.lib`) → ["data", "lib", "f"]
 *   (imports win over rules of the package, as in OPA); a function of the package →
 *   ["data", …pkg, "f"]; built-in names stay as written.
 * - `with` targets become full refs, except built-in names.
 *
 * "Declared locally" follows OPA: function arguments, vars assigned with `:=`, declared with
 * `some` or bound by `some … in` anywhere in the same body, and `every` key/value vars; each
 * nested body (comprehension, every) adds its own declarations.
 *
 * In v1 modules, rules and function arguments named `input` or `data` are errors.
 */
import type { Body, Expr, Module, RefTerm, Rule, Term, VarTerm, WithModifier } from "../ast.ts";
import { lookupBuiltin } from "../builtins/catalog.ts";
import { packageRuleNames } from "./rule_index.ts";
import { type CheckState, type ImportBinding, perModuleRuleStage, report, type Stage } from "./stage.ts";
import { bareRoot, mapChildren, pathKey, pathRef, ROOT_VARS } from "./terms.ts";

type Scope = ReadonlySet<string>[];

/** Vars a pattern binds: the var itself, array items, object values (not refs, calls, keys). */
export function patternVars(t: Term, out: VarTerm[] = []): VarTerm[] {
  if (t.type === "var") out.push(t);
  else if (t.type === "array") t.items.forEach((i) => patternVars(i, out));
  else if (t.type === "object") t.items.forEach(([, v]) => patternVars(v, out));
  return out;
}

export function isCallTo(t: Term, name: string): t is Term & { type: "call" } {
  return t.type === "call" && t.operator.length === 1 && t.operator[0] === name;
}

/** Names declared directly in `body` (not in nested bodies). */
export function declaredVars(body: Body): Set<string> {
  const out = new Set<string>();
  for (const e of body) {
    if (e.kind === "term" && isCallTo(e.term, "assign") && e.term.args.length === 2) {
      patternVars(e.term.args[0]).forEach((v) => out.add(v.name));
    } else if (e.kind === "some") {
      e.vars.forEach((v) => out.add(v.name));
    } else if (e.kind === "somein") {
      if (e.key) patternVars(e.key).forEach((v) => out.add(v.name));
      patternVars(e.value).forEach((v) => out.add(v.name));
    }
  }
  return out;
}

function argVars(args: Term[]): Set<string> {
  const out = new Set<string>();
  for (const a of args) patternVars(a).forEach((v) => out.add(v.name));
  return out;
}

class Qualifier {
  private readonly aliases: Map<string, ImportBinding>;
  private readonly ruleNames: Set<string>;

  constructor(private readonly state: CheckState, private readonly module: Module) {
    this.aliases = state.imports.get(module) ?? new Map();
    this.ruleNames = packageRuleNames(state.index, module.package);
  }

  rule(rule: Rule): void {
    const name = rule.head.ref[0];
    const v1 = this.module.regoVersion === 1; // OPA checks root shadowing in v1 only
    if (v1 && name.type === "string" && ROOT_VARS.has(name.value)) {
      report(
        this.state,
        "rego_compile_error",
        `rules must not shadow ${name.value} (use a different rule name)`,
        rule.head.loc,
      );
    }
    const args = argVars(rule.head.args ?? []);
    for (const a of rule.head.args ?? []) {
      const root = bareRoot(a);
      if (v1 && root) {
        report(
          this.state,
          "rego_compile_error",
          `args must not shadow ${root} (use a different variable name)`,
          a.loc,
        );
      }
    }
    const headScope: Scope = [args, declaredVars(rule.body)];
    const head = rule.head;
    head.ref = [head.ref[0], ...head.ref.slice(1).map((t) => this.term(t, headScope))];
    if (head.key) head.key = this.term(head.key, headScope);
    if (head.value) head.value = this.term(head.value, headScope);
    rule.body = this.body(rule.body, [args]);
    for (const branch of rule.elses) {
      if (branch.value) branch.value = this.term(branch.value, [args, declaredVars(branch.body)]);
      branch.body = this.body(branch.body, [args]);
    }
  }

  private body(body: Body, outer: Scope): Body {
    const scope = [...outer, declaredVars(body)];
    return body.map((e) => this.expr(e, scope));
  }

  private expr(e: Expr, scope: Scope): Expr {
    switch (e.kind) {
      case "term":
        return { ...e, term: this.term(e.term, scope), with: this.withs(e.with, scope) };
      case "some":
        return e;
      case "somein":
        return {
          ...e,
          key: e.key && this.term(e.key, scope),
          value: this.term(e.value, scope),
          collection: this.term(e.collection, scope),
          with: this.withs(e.with, scope),
        };
      case "every": {
        const bound = new Set([e.value.name, ...(e.key ? [e.key.name] : [])]);
        return {
          ...e,
          domain: this.term(e.domain, scope),
          body: this.body(e.body, [...scope, bound]),
          with: this.withs(e.with, scope),
        };
      }
    }
  }

  private withs(withs: WithModifier[], scope: Scope): WithModifier[] {
    return withs.map((w) => {
      const target = this.target(w.target, scope);
      const replacement = this.isFunction(target) ? this.functionNamed(w.value, scope) : undefined;
      return { ...w, target, value: this.term(w.value, scope), ...(replacement ? { replacement } : {}) };
    });
  }

  /** A qualified `with` target that is a user function or a built-in (not a document). */
  private isFunction(target: RefTerm): boolean {
    if (target.head.type !== "var") return false;
    const name = [target.head.name, ...target.path.map((p) => p.type === "string" ? p.value : "")];
    if (name[0] === "data") return this.state.index.get(pathKey(name))?.kind === "function";
    return name[0] !== "input" && lookupBuiltin(name.join(".")) !== undefined;
  }

  /**
   * The function a `with` value names when it replaces a function: a user function (by its name
   * in the package, an import or a full `data` path) or a built-in. Anything else is a value.
   */
  private functionNamed(value: Term, scope: Scope): string[] | undefined {
    const head = value.type === "var" ? value : value.type === "ref" ? value.head : undefined;
    if (head?.type !== "var" || scope.some((s) => s.has(head.name))) return undefined;
    const path = value.type === "ref" ? value.path : [];
    if (!path.every((p) => p.type === "string")) return undefined;
    const qualified = this.term(value, scope);
    const full = qualified.type === "ref" ? [qualified.head, ...qualified.path] : [qualified];
    const name = full.map((t) => t.type === "var" ? t.name : t.type === "string" ? t.value : "");
    if (name[0] === "data") {
      return this.state.index.get(pathKey(name))?.kind === "function" ? name : undefined;
    }
    if (ROOT_VARS.has(name[0])) return undefined;
    return lookupBuiltin(name.join(".")) ? name : undefined;
  }

  private target(t: RefTerm, scope: Scope): RefTerm {
    if (t.head.type === "var" && !ROOT_VARS.has(t.head.name)) {
      const name = t.head.name;
      const alias = this.aliases.get(name);
      const inPkg = this.ruleNames.has(name);
      if (!alias && !inPkg) return t; // a built-in's name
    }
    return this.term(t, scope) as RefTerm; // a ref stays a ref
  }

  /** The full ref a free var stands for, if any. */
  private resolveName(v: VarTerm, scope: Scope): RefTerm | undefined {
    if (ROOT_VARS.has(v.name) || scope.some((s) => s.has(v.name))) return undefined;
    const alias = this.aliases.get(v.name);
    if (alias) return pathRef(alias.path, v.loc);
    if (this.ruleNames.has(v.name)) return pathRef(["data", ...this.module.package, v.name], v.loc);
    return undefined;
  }

  private term(t: Term, scope: Scope): Term {
    switch (t.type) {
      case "var":
        return this.resolveName(t, scope) ?? t;
      case "ref": {
        const path = t.path.map((p) => this.term(p, scope));
        if (t.head.type === "var") {
          const full = this.resolveName(t.head, scope);
          if (full) return { ...t, head: full.head, path: [...full.path, ...path] };
          return { ...t, path };
        }
        return { ...t, head: this.term(t.head, scope), path };
      }
      case "call":
        return { ...t, operator: this.operator(t.operator), args: t.args.map((a) => this.term(a, scope)) };
      case "arraycompr":
      case "setcompr": {
        const inner = [...scope, declaredVars(t.body)];
        return { ...t, term: this.term(t.term, inner), body: t.body.map((e) => this.expr(e, inner)) };
      }
      case "objectcompr": {
        const inner = [...scope, declaredVars(t.body)];
        return {
          ...t,
          key: this.term(t.key, inner),
          value: this.term(t.value, inner),
          body: t.body.map((e) => this.expr(e, inner)),
        };
      }
      default:
        return mapChildren(t, (c) => this.term(c, scope));
    }
  }

  private operator(op: string[]): string[] {
    if (op[0] === "data") return op;
    const alias = this.aliases.get(op[0]); // imports win over rules, as in OPA
    if (alias) return [...alias.path, ...op.slice(1)];
    const inPkg = ["data", ...this.module.package, ...op];
    if (this.state.index.get(pathKey(inPkg))?.kind === "function") return inPkg;
    if (lookupBuiltin(op.join("."))) return op;
    if (this.ruleNames.has(op[0])) return inPkg;
    return op;
  }
}

export const qualifyStage: Stage = perModuleRuleStage(
  "qualify",
  "imports (the names each module's imports bind)",
  (state, module) => new Qualifier(state, module),
);
