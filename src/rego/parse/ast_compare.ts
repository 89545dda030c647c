/**
 * Test support: an AST without its locations, for comparing parses (round-trip tests).
 */

/** A deep copy of `node` without `loc`/`packageLoc` fields and, if asked, other named fields. */
export function stripLocations(node: unknown, drop: readonly string[] = []): unknown {
  if (Array.isArray(node)) return node.map((n) => stripLocations(n, drop));
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "loc" || k === "packageLoc" || drop.includes(k)) continue;
    out[k] = stripLocations(v, drop);
  }
  return out;
}
