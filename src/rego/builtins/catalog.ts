/**
 * The catalog view of the registry (registry.ts): per built-in what the checks and analyses need,
 * its arity and flags. Used by the checks (unknown functions, argument counts, the v0 "extra output
 * argument" call form), the planner and the input-dependency analysis. It also lists the internal
 * functions the parser produces for operators (`eq`, `plus`, …, `internal.member_2`). Functions
 * deprecated in OPA are flagged: Rego v1 modules may not call them.
 */
import { registry } from "./registry.ts";

export interface BuiltinInfo {
  /** Dotted name as written in Rego: "count", "strings.replace_n". */
  name: string;
  /** Number of declared arguments (for a variadic function: the fixed ones, here 0). */
  args: number;
  /** False for functions that return nothing (print). */
  result: boolean;
  /** Removed from Rego v1; still available to v0 modules. */
  deprecated?: boolean;
  /** Takes any number of arguments (print). */
  variadic?: boolean;
  /** The operator the parser turns into a call to this function (`+` for plus). */
  infix?: string;
  /** May return different results for the same arguments (time, randomness, network). */
  nondeterministic?: boolean;
  /** Has an effect besides its result (output): skipping a call would change behaviour. */
  effect?: boolean;
}

const CATALOG: BuiltinInfo[] = registry().map((b) => {
  const info: BuiltinInfo = { name: b.name, args: b.args.length, result: b.result !== undefined };
  if (b.deprecated) info.deprecated = true;
  if (b.variadic !== undefined) info.variadic = true;
  if (b.infix !== undefined) info.infix = b.infix;
  if (b.nondeterministic) info.nondeterministic = true;
  if (b.effect) info.effect = true;
  return info;
});

const BY_NAME: ReadonlyMap<string, BuiltinInfo> = new Map(CATALOG.map((b) => [b.name, b]));

/** The built-in called `name` ("count", "strings.replace_n"), or undefined. */
export function lookupBuiltin(name: string): BuiltinInfo | undefined {
  return BY_NAME.get(name);
}

/** Every built-in, in registry order. */
export function allBuiltins(): readonly BuiltinInfo[] {
  return CATALOG;
}

/** The first segments of dotted built-in names ("strings", "io"), for reference resolution. */
export const BUILTIN_NAMESPACES: ReadonlySet<string> = new Set(
  CATALOG.filter((b) => b.name.includes(".")).map((b) => b.name.split(".")[0]),
);
