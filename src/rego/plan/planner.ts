/**
 * Stage 3: the checked program → IR (ir/ir.ts).
 *
 * One Func per rule set that an entrypoint reaches (planned on demand), one per virtual document
 * (a package or a path prefix of rules, read as a whole), one Plan per entrypoint. Bodies are
 * planned in continuation-passing style: each expression plans the rest of the body inside the
 * innermost block it opened (a scan body, for iteration), so that "undefined" always ends the
 * right block. See body.ts, terms.ts, refs.ts, unify.ts and rules.ts.
 */
import { type Diagnostic, diagnostic } from "../diagnostics.ts";
import { NATIVE_BUILTINS } from "../builtins/native.ts";
import { refusalOf, registryEntry } from "../builtins/registry.ts";
import type { Location, Module } from "../ast.ts";
import type { Block, Func, Operand, Plan, Policy } from "../ir/ir.ts";
import { expandPositive } from "../check/expand.ts";
import { FuncBuilder, local, PlanError } from "./builder.ts";
import { addIndexGuards } from "./index_guards.ts";
import { refersToRule, unmappedEntrypointMessage } from "./entrypoints.ts";
import { planDataPath } from "./refs.ts";
import { planRuleSet, planVirtualDoc } from "./rules.ts";
import { specialisation } from "./specialise.ts";
import { buildRuleTree, type RuleNode, RuleTreeError } from "./tree.ts";

export interface PlanResult {
  policy?: Policy;
  diagnostics: Diagnostic[];
}

export interface PlanOptions {
  /** Built-ins refused unless enabled (registry.ts `optIn`: http.send) that this compile may call. */
  allowBuiltins?: readonly string[];
  /**
   * Entrypoints planned only when they name a rule (e.g. `system/log/mask`, which a policy may or
   * may not define); skipped silently otherwise.
   */
  optionalEntrypoints?: readonly string[];
}

export function planProgram(checked: Module[], entrypoints: string[], options: PlanOptions = {}): PlanResult {
  // OPA's order of evaluation: nested calls before the expression that uses them, and the
  // equalities its rule index reads before the rest of a body. Decides only which of an error
  // and an undefined result comes first.
  const modules = structuredClone(checked);
  expandPositive(modules);
  let tree: RuleNode;
  try {
    tree = buildRuleTree(modules);
  } catch (e) {
    if (e instanceof RuleTreeError) {
      return { diagnostics: [diagnostic("rego_compile_error", e.message, e.rule.loc)] };
    }
    throw e;
  }
  addIndexGuards(modules, tree);
  const planner = new Planner(tree, new Set(options.allowBuiltins ?? []));
  const diagnostics: Diagnostic[] = [];
  const attempt = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof PlanError)) throw e;
      diagnostics.push(diagnostic("rego_compile_error", e.message, e.location));
    }
  };
  for (const ep of entrypoints) attempt(() => planner.addEntrypoint(ep));
  const named = new Set(entrypoints.map((ep) => entrypointPath(ep).join("/")));
  for (const ep of options.optionalEntrypoints ?? []) {
    const path = entrypointPath(ep);
    if (!named.has(path.join("/")) && refersToRule(tree, path)) attempt(() => planner.addEntrypoint(ep));
  }
  // Funcs are planned from a work list, not recursively: a chain of thousands of rules, each
  // calling the next, must not nest thousands of planner frames.
  while (planner.hasPending()) attempt(() => planner.planNext());
  if (diagnostics.length) return { diagnostics };
  return { policy: planner.policy(), diagnostics };
}

/** Normalises "a/b", "a.b" and "data.a.b" to ["a", "b"]. */
export function entrypointPath(ep: string): string[] {
  const parts = ep.split(/[/.]/).filter((p) => p.length > 0);
  return parts[0] === "data" ? parts.slice(1) : parts;
}

export class Planner {
  private strings: string[] = [];
  private stringIndex = new Map<string, number>();
  private files: string[] = [];
  private funcs = new Map<string, Func>();
  private reserved = new Set<string>();
  private pending: { name: string; plan: () => Func }[] = [];
  private plans: Plan[] = [];
  private hostBuiltins: { name: string; arity: number }[] = [];

  constructor(readonly tree: RuleNode, private readonly allowedBuiltins: ReadonlySet<string> = new Set()) {}

  str(s: string): number {
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.stringIndex.set(s, i);
    }
    return i;
  }

  fileIndex = (file: string): number => {
    let i = this.files.indexOf(file);
    if (i < 0) {
      i = this.files.length;
      this.files.push(file);
    }
    return i;
  };

  /** A new function builder; locals 0 and 1 are input and data, then `params` more. */
  builder(root: Block, params: number): FuncBuilder {
    return new FuncBuilder(root, 2 + params, this.fileIndex);
  }

  /**
   * The call that computes a rule set (or, with `virtual`, a node's whole document: its rules'
   * values merged with base data), planned on first use.
   *
   * Under `with` replacements of functions or of rule values, the callee and everything it calls
   * must see them too: the Func is specialised for those replacements (one copy per distinct set),
   * and replacement values are passed as extra arguments.
   */
  callee(b: FuncBuilder, node: RuleNode, virtual = false): { func: string; args: Operand[] } {
    const spec = specialisation(this, b);
    const base = `${virtual ? "v" : "g"}.data.${node.path.join(".")}`;
    const name = spec.entries.length ? `${base}#${JSON.stringify(spec.entries)}` : base;
    const plan = virtual ? planVirtualDoc : planRuleSet;
    this.ensure(name, () => plan(this, node, name, spec.entries));
    return { func: name, args: [local(b.input), local(b.data), ...spec.values.map(local)] };
  }

  /**
   * The call of a function that replaces another under `with` (a mock): OPA evaluates a mock's
   * body with no replacement in force, so that a mock may call what it replaces. Replaced data
   * and input still apply; `with` inside the mock's body applies as usual.
   */
  mockCallee(b: FuncBuilder, node: RuleNode): { func: string; args: Operand[] } {
    const saved = b.functionOverrides;
    b.functionOverrides = [];
    try {
      return this.callee(b, node);
    } finally {
      b.functionOverrides = saved;
    }
  }

  /** Reserves a func's name; it is planned later from the work list (see planProgram). */
  private ensure(name: string, plan: () => Func): string {
    if (this.funcs.has(name) || this.reserved.has(name)) return name;
    this.reserved.add(name);
    this.pending.push({ name, plan });
    return name;
  }

  hasPending(): boolean {
    return this.pending.length > 0;
  }

  planNext(): void {
    const { name, plan } = this.pending.shift()!;
    this.funcs.set(name, plan());
  }

  /**
   * The callee name for a built-in: a native runtime export, or a host built-in. A built-in the
   * registry refuses (or one that must be enabled and is not) is a compile error at the call.
   */
  builtin(name: string, arity: number, loc: Location): string {
    const refusal = refusalOf(name, this.allowedBuiltins);
    if (refusal !== undefined) throw new PlanError(`built-in ${name} is not available: ${refusal}`, loc);
    // The compiler's own (eq, assign) reach here only when called as a value: `x := eq(1, 1)`.
    if (registryEntry(name)?.home === "compiler") {
      throw new PlanError(`${name} cannot be used as a value`, loc);
    }
    const native = NATIVE_BUILTINS[name];
    if (native && native.arity === arity) return native.export;
    if (!this.hostBuiltins.some((b) => b.name === name)) this.hostBuiltins.push({ name, arity });
    return name;
  }

  addEntrypoint(ep: string): void {
    const path = entrypointPath(ep);
    const root: Block = { stmts: [] };
    const b = this.builder(root, 0);
    const loc = { file: "entrypoint", row: 0, col: 0 };
    if (!refersToRule(this.tree, path)) {
      throw new PlanError(unmappedEntrypointMessage(ep), { file: "entrypoint", row: 1, col: 1 });
    }
    planDataPath(this, b, path.map((p) => ({ type: "string" as const, value: p, loc })), loc, (v) => {
      const obj = b.newLocal();
      b.emit({ type: "MakeObjectStmt", target: obj });
      b.emit({ type: "ObjectInsertStmt", key: { string: this.str("result") }, value: v, object: obj });
      b.emit({ type: "ResultSetAddStmt", value: obj });
    });
    this.plans.push({ name: path.length ? path.join("/") : "data", blocks: [root] });
  }

  policy(): Policy {
    return {
      static: { strings: this.strings, files: this.files, builtinFuncs: this.hostBuiltins },
      plans: this.plans,
      funcs: [...this.funcs.values()],
    };
  }
}
