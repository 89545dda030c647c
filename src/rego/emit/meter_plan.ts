/**
 * Where the meter charges besides loops (meter.ts), read off the call graph. Tarjan's algorithm
 * yields its strongly connected components callees first, so each function's callees are settled
 * before it.
 *
 * - `cycleOf`: the component of each function on a cycle. Recursion can only go on by calling into
 *   its own component again, so those calls are charged; not every entry: most calls of a
 *   recursive function (comparing two scalars, dumping a string) never recurse.
 * - `entries`: functions in a table (`call_indirect` may reach them from anywhere), and those whose
 *   unmetered cost passes MAX_SEGMENT, charged their own size on entry: a chain of functions each
 *   calling the next twice does 2^n calls with no loop and no cycle, and this cuts it.
 * - `costs`: each function's unmetered cost: its size plus that of the unmetered functions it
 *   calls outside its component (0 when charged on entry). A callee not planned here costs what
 *   `knownCosts` says (the runtime's functions, for the emitter's), or nothing (an import).
 * - `loops`: the functions that may loop: with a loop, on a cycle, calling indirectly, or calling
 *   one of those (an import does not: the host checks the deadline itself).
 */
import type { BodyFacts } from "./meter_walk.ts";

/** Unmetered expressions a function may run (with its callees) before its entry is charged. */
export const MAX_SEGMENT = 2000;

export interface PlannedFunction {
  name: string;
  facts: BodyFacts;
}

export interface MeterPlan {
  entries: Map<string, number>;
  cycleOf: Map<string, number>;
  costs: Map<string, number>;
  loops: Set<string>;
}

/** The largest weight charged at one point (far above a slice: the charge then calls out). */
export const MAX_WEIGHT = 0x7fff_ffff;

export function planCharges(
  fns: PlannedFunction[],
  knownCosts: Map<string, number>,
  tableFns: Set<string>,
): MeterPlan {
  const byName = new Map(fns.map((f) => [f.name, f]));
  const table = [...tableFns].filter((n) => byName.has(n));
  const edges = (fn: PlannedFunction): string[] => {
    const out = fn.facts.calls.map((c) => c.target).filter((c) => byName.has(c));
    return fn.facts.callsIndirectly ? [...out, ...table] : out;
  };
  const entries = new Map<string, number>();
  const cycleOf = new Map<string, number>();
  const costs = new Map<string, number>();
  const loops = new Set<string>();
  let id = 0;
  for (const component of stronglyConnected(fns.map((f) => f.name), (n) => edges(byName.get(n)!))) {
    const cyclic = component.length > 1 || edges(byName.get(component[0])!).includes(component[0]);
    const members = new Set(component);
    id++;
    const loopy = cyclic || component.some((name) => {
      const facts = byName.get(name)!.facts;
      return facts.loops.length > 0 || facts.callsIndirectly || facts.calls.some((c) => loops.has(c.target));
    });
    for (const name of component) {
      if (loopy) loops.add(name);
      const fn = byName.get(name)!;
      if (cyclic) cycleOf.set(name, id);
      let cost = fn.facts.size;
      for (const { target } of fn.facts.calls) {
        if (!members.has(target)) cost += costs.get(target) ?? knownCosts.get(target) ?? 0;
      }
      if (tableFns.has(name) || cost > MAX_SEGMENT) {
        entries.set(name, Math.min(Math.max(fn.facts.size, 1), MAX_WEIGHT));
        costs.set(name, 0);
      } else {
        costs.set(name, cost);
      }
    }
  }
  return { entries, cycleOf, costs, loops };
}

/** Tarjan's strongly connected components, iteratively; components come out callees first. */
function stronglyConnected(nodes: string[], next: (n: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const frames: { node: string; succ: string[]; i: number }[] = [];
    const enter = (n: string) => {
      index.set(n, counter);
      low.set(n, counter++);
      stack.push(n);
      onStack.add(n);
      frames.push({ node: n, succ: next(n), i: 0 });
    };
    enter(root);
    while (frames.length > 0) {
      const f = frames[frames.length - 1];
      if (f.i < f.succ.length) {
        const w = f.succ[f.i++];
        if (!index.has(w)) enter(w);
        else if (onStack.has(w)) low.set(f.node, Math.min(low.get(f.node)!, index.get(w)!));
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(f.node)!));
      }
      if (low.get(f.node) === index.get(f.node)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== f.node);
        out.push(component);
      }
    }
  }
  return out;
}
