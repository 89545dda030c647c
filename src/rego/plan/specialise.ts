/**
 * `with` replacements that reach into called rules.
 *
 * `x := result with data.lib.double as data.lib2.fake` must make `result` (and what it calls)
 * use the fake. Replacing input or base data needs nothing special: both are arguments of every
 * Func. Replacing a function, a built-in, or a rule's value is planned into a specialised copy of
 * each Func called under it, keyed by what is replaced; replacement values are extra parameters.
 */
import type { Local } from "../ir/ir.ts";
import type { DataOverride, FuncBuilder, FunctionOverride } from "./builder.ts";
import type { Planner } from "./planner.ts";
import type { RuleNode } from "./tree.ts";

/** What a specialised Func replaces; values arrive as parameters in this order. */
export type SpecEntry =
  | { kind: "function"; name: string; to: string[] }
  | { kind: "functionValue"; name: string }
  | { kind: "data"; path: string[] };

export interface Specialisation {
  entries: SpecEntry[];
  values: Local[];
}

export function specialisation(p: Planner, b: FuncBuilder): Specialisation {
  const entries: SpecEntry[] = [];
  const values: Local[] = [];
  const seen = new Set<string>();
  for (const o of b.functionOverrides) {
    if (seen.has(o.name)) continue; // the innermost `with` wins
    seen.add(o.name);
    if (o.replacement.kind === "function") {
      entries.push({ kind: "function", name: o.name, to: o.replacement.name });
    } else {
      entries.push({ kind: "functionValue", name: o.name });
      values.push(o.replacement.local);
    }
  }
  for (const o of b.dataOverrides) {
    const key = "data." + o.path.join(".");
    if (seen.has(key) || !touchesRules(p.tree, o.path)) continue;
    seen.add(key);
    entries.push({ kind: "data", path: o.path });
    values.push(o.value);
  }
  return { entries, values };
}

/** Installs a specialisation's replacements in the builder of a specialised Func. */
export function applySpecialisation(b: FuncBuilder, entries: SpecEntry[], firstParam: Local): void {
  const fns: FunctionOverride[] = [];
  const data: DataOverride[] = [];
  let param = firstParam;
  for (const e of entries) {
    if (e.kind === "function") fns.push({ name: e.name, replacement: { kind: "function", name: e.to } });
    else if (e.kind === "functionValue") {
      fns.push({ name: e.name, replacement: { kind: "value", local: param++ } });
    } else data.push({ path: e.path, value: param++ });
  }
  b.functionOverrides = fns;
  b.dataOverrides = data;
}

export function specValueCount(entries: SpecEntry[]): number {
  return entries.filter((e) => e.kind !== "function").length;
}

/** A replaced data path that rules define (at, above or below it). */
function touchesRules(root: RuleNode, path: string[]): boolean {
  let node: RuleNode | undefined = root;
  for (const name of path) {
    if (node.ruleSet) return true;
    node = node.children.get(name);
    if (!node) return false;
  }
  return hasRuleBelow(node);
}

function hasRuleBelow(node: RuleNode): boolean {
  if (node.ruleSet) return true;
  for (const c of node.children.values()) if (hasRuleBelow(c)) return true;
  return false;
}
