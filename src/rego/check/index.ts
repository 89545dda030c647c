/**
 * Compiler stage 2: checks. Checks parsed modules as OPA's compiler does and rewrites them into
 * the normalised form the planner expects.
 *
 * Output contract (what the planner may rely on in `CheckedProgram.modules`):
 * - Every variable in a rule is `input`, `data` (only as a ref head or bare), or a local that is
 *   unique within the rule (its body, else branches, comprehensions and `every` bodies together).
 *   Renamed locals are spelled `$<name>_<n>`; wildcards stay `$_<n>`.
 * - Every reference to a rule or to base data is a RefTerm with head var `data` and string path
 *   elements for the package and the rule name (later elements may be any term). Imported names
 *   are expanded the same way (`input.user` for `import input.user`).
 * - Call operators are a built-in's name (["count"], ["strings", "replace_n"]) or a user
 *   function's full path (["data", "pkg", "f"]).
 * - No `assign` calls (all `eq`), no `some` declarations; SomeIn and Every stay, with unique
 *   vars. Calls have exactly their function's arity (print: any number).
 * - Bodies (rule, else, comprehension, every) are in a safe evaluation order: each expression
 *   comes after those that bind the variables it needs.
 * - `with` targets are full refs (`input…`, `data…`) or a built-in's name.
 * - A negated expression's call arguments that are refs, and calls nested in it, are evaluated
 *   by expressions `$dyn_n = …` placed before it (OPA's expansion; see expand.ts).
 * The input modules are not modified: the checker works on copies.
 */
import type { Module } from "../ast.ts";
import { type Diagnostic, MAX_ERRORS, sortDiagnostics } from "../diagnostics.ts";
import { conflictsStage } from "./conflicts.ts";
import { expandStage } from "./expand.ts";
import { functionsStage } from "./functions.ts";
import { importsStage } from "./imports.ts";
import { localsStage } from "./locals.ts";
import { metadataStage } from "./metadata.ts";
import { qualifyStage } from "./qualify.ts";
import { recursionStage } from "./recursion.ts";
import { buildRuleIndex, type RuleGroup } from "./rule_index.ts";
import { safetyStage } from "./safety.ts";
import type { CheckState, Stage } from "./stage.ts";
import { typesStage } from "./type_check.ts";
import { v1BuiltinsStage } from "./v1_builtins.ts";

export type { RuleEntry, RuleGroup } from "./rule_index.ts";

// deno-lint-ignore no-empty-interface
export interface CheckOptions {/* room for future flags */}

export interface CheckedProgram {
  /** The rewritten modules (see the output contract above). */
  modules: Module[];
  /**
   * Every rule, grouped by its full path ("data.a.b.p"): the path as an array, the rule kind,
   * the non-default definitions in module then source order, and the `default` one if any.
   * The rules are the same objects as in `modules`. A ref-head rule `a.b[k] := v` is grouped
   * under its string prefix (data.pkg.a.b).
   */
  rules: Map<string, RuleGroup>;
}

/** The stages, in order; the check stops after the first stage that reports an error. */
export const STAGES: readonly Stage[] = [
  metadataStage,
  importsStage,
  qualifyStage,
  localsStage,
  conflictsStage,
  v1BuiltinsStage,
  functionsStage,
  safetyStage,
  expandStage,
  recursionStage,
  typesStage,
];

export function check(
  modules: Module[],
  _opts: CheckOptions = {},
): { program?: CheckedProgram; diagnostics: Diagnostic[] } {
  const copies = structuredClone(modules);
  const state: CheckState = {
    modules: copies,
    index: buildRuleIndex(copies),
    imports: new Map(),
    diagnostics: [],
  };
  for (const stage of STAGES) {
    stage.run(state);
    if (state.diagnostics.length > 0) {
      return { diagnostics: sortDiagnostics(state.diagnostics).slice(0, MAX_ERRORS) };
    }
  }
  return { program: { modules: copies, rules: state.index }, diagnostics: [] };
}
