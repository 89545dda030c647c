/**
 * Every rule of the program, grouped by its full path.
 *
 * A rule's path is "data", its package, then the string prefix of its head ref: `p := 1` in
 * package a.b is data.a.b.p; `p contains x` is data.a.b.p; `q.r[k] := v` is data.a.b.q.r;
 * `f(x) := y` is data.a.b.f. All definitions of one path (from any module) form a group.
 */
import { type Module, type Rule, type RuleKind, ruleKind } from "../ast.ts";
import { pathKey } from "./terms.ts";

export interface RuleEntry {
  rule: Rule;
  module: Module;
}

export interface RuleGroup {
  /** Full path: ["data", …package, …head ref string prefix]. */
  path: string[];
  /** The kind of the first definition (the conflicts stage rejects groups of mixed kinds). */
  kind: RuleKind;
  /** Non-default definitions, in module order then source order. */
  rules: RuleEntry[];
  /** `default` definitions (the conflicts stage allows at most one). */
  defaults: RuleEntry[];
}

export type RuleIndex = Map<string, RuleGroup>;

export function rulePath(module: Module, rule: Rule): string[] {
  const out = ["data", ...module.package];
  for (const t of rule.head.ref) {
    if (t.type !== "string") break;
    out.push(t.value);
  }
  return out;
}

export function buildRuleIndex(modules: Module[]): RuleIndex {
  const index: RuleIndex = new Map();
  for (const module of modules) {
    for (const rule of module.rules) {
      const path = rulePath(module, rule);
      const key = pathKey(path);
      let group = index.get(key);
      if (!group) {
        group = { path, kind: ruleKind(rule.head), rules: [], defaults: [] };
        index.set(key, group);
      }
      (rule.default ? group.defaults : group.rules).push({ rule, module });
    }
  }
  return index;
}

/** All definitions of a group, defaults first, in source order otherwise. */
export function groupEntries(group: RuleGroup): RuleEntry[] {
  return [...group.defaults, ...group.rules];
}

/** The arity of the user function at `path`, when the group is a function group of one arity. */
export function functionArity(index: RuleIndex, path: readonly string[]): number | undefined {
  const group = index.get(pathKey(path));
  if (!group || group.kind !== "function") return undefined;
  const arities = new Set(groupEntries(group).map((e) => e.rule.head.args?.length ?? -1));
  return arities.size === 1 ? [...arities][0] : undefined;
}

/** First segments of the rule names defined in package `pkg` (`a` for `a.b.c := 1`). */
export function packageRuleNames(index: RuleIndex, pkg: readonly string[]): Set<string> {
  const out = new Set<string>();
  const key = pathKey(pkg);
  for (const g of index.values()) {
    for (const e of groupEntries(g)) {
      if (pathKey(e.module.package) === key) out.add(g.path[pkg.length + 1]);
    }
  }
  return out;
}
