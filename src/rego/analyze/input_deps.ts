/**
 * Analysis: which parts of `input` an entrypoint can read, and whether its value can differ
 * between two evaluations on equal inputs. A host may then cache an entrypoint's results keyed by
 * the input's values at those paths alone (the gateway's decision cache does).
 *
 * Runs on the checked program (refs qualified, imports resolved). From the entrypoint's rules it
 * follows every rule and function they can reach — any `data` ref or user-function call; a ref
 * into a package or with a variable in its constant part reaches every rule below that prefix —
 * and collects, over all terms of those rules (heads, bodies, `else`, comprehensions, `every`,
 * `with` targets and values):
 *
 * - each ref rooted at `input`, up to its first non-constant element: `input.a.b[x].c` reads
 *   `a.b` (the whole subtree); bare `input` reads everything (the path []);
 * - each call of a built-in whose result does not follow from its arguments, or that has an
 *   effect (isVolatileBuiltin: the clock, randomness, the network, the runtime, `print`), and
 *   each such built-in named as the replacement of a function (`with time.now_ns as opa.runtime`).
 *
 * Over-approximation is the rule: a path listed may go unread, a path read is always listed (or
 * lies below one listed). `with input.x as v` counts as a read of `x`.
 */
import type { RefTerm, Term } from "../ast.ts";
import type { CheckedProgram, RuleGroup } from "../check/index.ts";
import { forEachRuleExpr, forEachRuleTerm } from "../check/terms.ts";
import { lookupBuiltin } from "../builtins/catalog.ts";

export interface InputDependencies {
  /** Input paths (keys from the input's root) the entrypoint may read, minimal and sorted; [] is all of it. */
  paths: string[][];
  /** Built-ins it may call whose results vary between evaluations (sorted); empty when none. */
  volatile: string[];
}

/**
 * Built-ins whose calls make results vary between evaluations on equal inputs: those the catalog
 * marks nondeterministic (clock, randomness, network, runtime, signatures with random nonces,
 * certificate checks against the current time) and those with an effect besides their result
 * (print, trace: a reused result would not print). A name the catalog does not know counts as
 * volatile: nothing is assumed of a function nobody described.
 */
export function isVolatileBuiltin(name: string): boolean {
  const info = lookupBuiltin(name);
  return info === undefined || info.nondeterministic === true || info.effect === true;
}

/** Dependencies of each entrypoint (as the planner names it: "pkg/rule"). */
export function inputDependencies(
  program: CheckedProgram,
  entrypoints: Record<string, string[]>,
): Record<string, InputDependencies> {
  const out: Record<string, InputDependencies> = {};
  for (const [name, path] of Object.entries(entrypoints)) {
    out[name] = dependenciesOf(program, ["data", ...path]);
  }
  return out;
}

function dependenciesOf(program: CheckedProgram, entry: string[]): InputDependencies {
  const paths: string[][] = [];
  const volatile = new Set<string>();
  const seen = new Set<RuleGroup>();
  const work: RuleGroup[] = [];
  const reach = (prefix: string[]) => {
    for (const group of program.rules.values()) {
      if (!seen.has(group) && overlaps(group.path, prefix)) {
        seen.add(group);
        work.push(group);
      }
    }
  };
  reach(entry);
  while (work.length > 0) {
    const group = work.pop()!;
    for (const { rule } of [...group.defaults, ...group.rules]) {
      const refHeads = new Set<Term>();
      forEachRuleTerm(rule, (t) => {
        if (refHeads.has(t)) return; // the head var of a ref seen just before (pre-order)
        if (t.type === "ref") {
          if (t.head.type !== "var") return;
          refHeads.add(t.head);
          if (t.head.name === "input") paths.push(constantPath(t));
          else if (t.head.name === "data") reach(["data", ...constantPath(t)]);
        } else if (t.type === "var") {
          if (t.name === "input") paths.push([]);
          else if (t.name === "data") reach(["data"]);
        } else if (t.type === "call") {
          if (t.operator[0] === "data") reach(t.operator);
          else {
            const name = t.operator.join(".");
            if (isVolatileBuiltin(name)) volatile.add(name);
          }
        }
      });
      // A built-in that replaces a function under `with` is called wherever that function is.
      forEachRuleExpr(rule, (e) => {
        for (const w of "with" in e ? e.with : []) {
          const name = w.replacement?.join(".");
          if (name !== undefined && w.replacement![0] !== "data" && isVolatileBuiltin(name)) {
            volatile.add(name);
          }
        }
      });
    }
  }
  return { paths: minimal(paths), volatile: [...volatile].sort() };
}

/** The string elements of a ref's path up to the first that is not a string. */
function constantPath(ref: RefTerm): string[] {
  const out: string[] = [];
  for (const p of ref.path) {
    if (p.type !== "string") break;
    out.push(p.value);
  }
  return out;
}

/** One path is a prefix of the other: a read of either touches the other. */
function overlaps(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Sorted, without duplicates and without paths below another listed one. */
function minimal(paths: string[][]): string[][] {
  const sorted = [...paths].sort((a, b) => a.length - b.length);
  const kept: string[][] = [];
  for (const p of sorted) if (!kept.some((k) => overlaps(k, p))) kept.push(p);
  return kept.sort((a, b) => {
    const x = JSON.stringify(a), y = JSON.stringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
