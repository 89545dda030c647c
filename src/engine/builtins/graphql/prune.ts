/**
 * OPA's pruneIrrelevantGraphQLASTNodes: drops `Position` keys, nulls, and arrays and objects that
 * are empty once pruned, from objects and arrays alike. Empty strings, false and 0 stay.
 */
export function prune(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const p = keep(x);
      if (p !== undefined) out.push(p);
    }
    return out;
  }
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === "Position") continue;
      const p = keep(x);
      if (p !== undefined) out[k] = p;
    }
    return out;
  }
  return v;
}

function keep(x: unknown): unknown {
  if (x === null || x === undefined) return undefined;
  if (typeof x !== "object") return x;
  const p = prune(x);
  if (Array.isArray(p) ? p.length === 0 : Object.keys(p as object).length === 0) return undefined;
  return p;
}
