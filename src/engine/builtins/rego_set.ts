import type { HostBuiltin } from "./host_builtin.ts";

/**
 * A Rego set on the host. Only built-ins marked with `takesSets` (set_codec.ts) see one: the set
 * codec hands them the module's sets as RegoSets, where other built-ins get arrays. A RegoSet a
 * built-in returns goes back to the module as a set. `items` are unique and in OPA's order once
 * built with `regoSet`.
 */
export class RegoSet {
  constructor(readonly items: unknown[]) {}
}

export function isRegoSet(v: unknown): v is RegoSet {
  return v instanceof RegoSet;
}

const TAKES_SETS = Symbol("takesSets");

/** Marks a built-in that receives sets as RegoSets (through the set codec) instead of arrays. */
export function takesSets<F extends HostBuiltin>(f: F): F {
  Object.defineProperty(f, TAKES_SETS, { value: true });
  return f;
}

export function isTakingSets(f: HostBuiltin): boolean {
  return (f as unknown as Record<symbol, unknown>)[TAKES_SETS] === true;
}
