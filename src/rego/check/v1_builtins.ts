/**
 * Stage: v1 built-ins. Rego v1 removed OPA's deprecated built-ins (`any`, `all`, `re_match`,
 * `set_diff`, `net.cidr_overlap`, `cast_*`): in a v1 module a call to one is an unknown function,
 * "undefined function any" (rego_type_error), as OPA 1.x reports. v0 modules may still call them.
 * (The v1 keyword rules, `if` and `contains`, are the parser's; duplicate imports are checked by
 * the imports stage.)
 */
import { lookupBuiltin } from "../builtins/catalog.ts";
import { report, type Stage } from "./stage.ts";
import { forEachRuleTerm } from "./terms.ts";

export const v1BuiltinsStage: Stage = {
  name: "v1-builtins",
  follows: "qualify (user functions are data paths, so a bare name is a built-in)",
  run(state) {
    for (const module of state.modules) {
      if (module.regoVersion !== 1) continue;
      for (const rule of module.rules) {
        forEachRuleTerm(rule, (t) => {
          if (t.type !== "call" || t.operator[0] === "data") return;
          const name = t.operator.join(".");
          if (lookupBuiltin(name)?.deprecated) {
            report(state, "rego_type_error", `undefined function ${name}`, t.loc);
          }
        });
      }
    }
  },
};
