/**
 * What the check stages share: the program being checked (rewritten in place, stage by stage),
 * the rule index, the resolved imports, and the diagnostics found so far.
 */
import type { Import, Module, Rule } from "../ast.ts";
import { type Diagnostic, diagnostic, type DiagnosticCode, type Location } from "../diagnostics.ts";
import type { RuleIndex } from "./rule_index.ts";

export interface ImportBinding {
  /** The imported path: ["data", "lib"], ["input", "user"]. */
  path: string[];
  import: Import;
}

export interface CheckState {
  /** The checker's own copies of the modules; stages rewrite them in place. */
  modules: Module[];
  index: RuleIndex;
  /** Per module: the names its imports bind (alias or last path element). Set by the imports stage. */
  imports: Map<Module, Map<string, ImportBinding>>;
  diagnostics: Diagnostic[];
}

export interface Stage {
  name: string;
  /** Why the stage sits where it does: what it relies on from earlier stages. */
  follows: string;
  run(state: CheckState): void;
}

/** A stage that walks every rule of every module with a walker made afresh for each module. */
export function perModuleRuleStage(
  name: string,
  follows: string,
  walker: (state: CheckState, module: Module) => { rule(rule: Rule): void },
): Stage {
  return {
    name,
    follows,
    run(state) {
      for (const module of state.modules) {
        const w = walker(state, module);
        for (const rule of module.rules) w.rule(rule);
      }
    },
  };
}

export function report(state: CheckState, code: DiagnosticCode, message: string, location: Location): void {
  state.diagnostics.push(diagnostic(code, message, location));
}

/** `file:row:col`. */
export function formatLocation(loc: Location): string {
  return `${loc.file}:${loc.row}:${loc.col}`;
}
