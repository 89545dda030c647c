/**
 * Stage: recursion. Rego forbids recursion: a rule (or function) may not depend on itself,
 * directly or through other rules.
 *
 * A rule depends on every rule group its refs and calls can reach: `data.a.b.p[x]` reaches the
 * group data.a.b.p (a prefix of the ref), `data.a` reaches every group under data.a. Each rule
 * on a cycle gets a rego_recursion_error naming the shortest cycle through it:
 * "rule data.x.p is recursive: data.x.p -> data.x.q -> data.x.p".
 */
import type { RefTerm, Rule, Term } from "../ast.ts";
import { groupEntries, type RuleIndex } from "./rule_index.ts";
import { report, type Stage } from "./stage.ts";
import { forEachRuleTerm, pathKey } from "./terms.ts";

/** The constant prefix of a data ref; numbers index data as strings (`data[1]` is data["1"]). */
function dataPrefix(ref: RefTerm): string[] {
  const out = ["data"];
  for (const p of ref.path) {
    if (p.type === "string") out.push(p.value);
    else if (p.type === "number") out.push(p.text);
    else break;
  }
  return out;
}

function referencedPaths(rule: Rule): string[][] {
  const out: string[][] = [];
  const heads = new WeakSet<Term>(); // terms are visited before their children
  forEachRuleTerm(rule, (t) => {
    if (t.type === "ref") heads.add(t.head);
    if (t.type === "ref" && t.head.type === "var" && t.head.name === "data") out.push(dataPrefix(t));
    else if (t.type === "call" && t.operator[0] === "data") out.push(t.operator);
    else if (t.type === "var" && t.name === "data" && !heads.has(t)) out.push(["data"]);
  });
  return out;
}

function overlaps(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function dependencyGraph(index: RuleIndex): Map<string, Set<string>> {
  const groups = [...index.entries()];
  const graph = new Map<string, Set<string>>();
  for (const [key, group] of groups) {
    const deps = new Set<string>();
    for (const { rule } of groupEntries(group)) {
      for (const path of referencedPaths(rule)) {
        for (const [other, g] of groups) if (overlaps(path, g.path)) deps.add(other);
      }
    }
    graph.set(key, deps);
  }
  return graph;
}

/** The shortest cycle from `start` back to itself, as keys, or undefined. */
function cycleThrough(graph: Map<string, Set<string>>, start: string): string[] | undefined {
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (next === start) {
        const path = [start];
        for (let n = node; n !== start; n = parent.get(n)!) path.unshift(n);
        path.unshift(start);
        return path;
      }
      if (!parent.has(next)) {
        parent.set(next, node);
        queue.push(next);
      }
    }
  }
  return undefined;
}

export const recursionStage: Stage = {
  name: "recursion",
  follows: "qualify (every rule reference is a data ref or a data call operator)",
  run(state) {
    const graph = dependencyGraph(state.index);
    for (const [key, group] of state.index) {
      const cycle = cycleThrough(graph, key);
      if (!cycle) continue;
      const rule = groupEntries(group)[0].rule;
      report(
        state,
        "rego_recursion_error",
        `rule ${pathKey(group.path)} is recursive: ${cycle.join(" -> ")}`,
        rule.loc,
      );
    }
  },
};
