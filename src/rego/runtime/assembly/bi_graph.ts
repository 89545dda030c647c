// graph.reachable as OPA computes it: breadth-first from the initial nodes over an adjacency object
// {node: array or set of neighbours}; a node is reached when it is a key of the graph (any value
// type), and only arrays and sets of neighbours are followed.
import { tagOf, lenOf, elemAt, objectGet, setValue, setAdd, search, T_OBJECT, T_ARRAY, T_SET } from "./value";
import { is, typeError } from "./bi_common";
import { bufNew, bufLen, bufAt, bufPush } from "./re_class";

export function bi_graph_reachable(graph: usize, initial: usize): usize {
  if (!is(graph, T_OBJECT)) return typeError("graph.reachable", 1, "object", graph);
  if (!is(initial, T_ARRAY) && !is(initial, T_SET)) {
    return typeError("graph.reachable", 2, "{array, set}", initial);
  }
  const queue = bufNew(lenOf(initial) + 8);
  for (let i: u32 = 0; i < lenOf(initial); i++) bufPush(queue, <i32>elemAt(initial, i));
  const reached = setValue(0);
  for (let q: u32 = 0; q < bufLen(queue); q++) {
    const node = <usize><u32>bufAt(queue, q);
    const edges = objectGet(graph, node);
    if (edges == 0) continue;
    const t = tagOf(edges);
    if (t == T_ARRAY || t == T_SET) {
      for (let i: u32 = 0; i < lenOf(edges); i++) {
        const next = elemAt(edges, i);
        if (search(reached, next, 4) < 0) bufPush(queue, <i32>next);
      }
    }
    setAdd(reached, node);
  }
  return reached;
}
