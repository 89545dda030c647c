/**
 * graph.reachable and graph.reachable_paths over an adjacency object {node: [neighbours]}.
 * Nodes are object keys, so only string nodes can be followed; results are sets (sorted arrays).
 */
import { RegoSet, takesSets } from "./rego_set.ts";
import type { HostBuiltin } from "./host_builtin.ts";
import { collection, isObject, type JsonObject, obj } from "./operands.ts";
import { toSet } from "./values.ts";

function edges(graph: JsonObject, node: unknown): unknown[] | undefined {
  if (typeof node !== "string" || !(node in graph)) return undefined;
  const e = graph[node];
  if (Array.isArray(e)) return e;
  if (e instanceof RegoSet) return e.items;
  if (isObject(e)) return Object.keys(e);
  return [];
}

export const GRAPH_BUILTINS: Record<string, HostBuiltin> = {
  "graph.reachable": takesSets((g, initial) => {
    const graph = obj("graph.reachable", g, 1);
    const queue: unknown[] = [...collection("graph.reachable", initial, 2)];
    const reached = new Set<string>();
    while (queue.length > 0) {
      const node = queue.shift();
      if (typeof node !== "string" || reached.has(node)) continue;
      const next = edges(graph, node);
      if (next === undefined) continue;
      reached.add(node);
      queue.push(...next);
    }
    return toSet([...reached]);
  }),
  "graph.reachable_paths": takesSets((g, initial) => {
    const graph = obj("graph.reachable_paths", g, 1);
    const paths: unknown[][] = [];
    const walk = (node: unknown, path: unknown[]) => {
      const next = edges(graph, node);
      if (next === undefined) {
        if (path.length > 0) paths.push(path);
        return;
      }
      const here = [...path, node];
      const fresh = next.filter((n) => !here.includes(n));
      if (fresh.length === 0) paths.push(here);
      for (const n of fresh) walk(n, here);
    };
    for (const root of collection("graph.reachable_paths", initial, 2)) walk(root, []);
    return toSet(paths);
  }),
};
