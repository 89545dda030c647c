/**
 * Stage: conflicts. Rejects rule sets OPA rejects before evaluation:
 * - definitions of different kinds at one path (complete and partial set, function and rule),
 *   or functions of different arities: "conflicting rules data.x.p found";
 * - more than one `default` for a path: "multiple default rules data.x.p found";
 * - a rule whose value is a leaf (complete rule, partial set, function) with rules below it
 *   (`p := 1` and `p.q := 2`): "rule data.x.p conflicts with [data.x.p.q]";
 * - a package inside such a rule: "package data.x.p conflicts with rule data.x.p defined at …".
 */
import { ruleKind, type Term } from "../ast.ts";
import { groupEntries, type RuleGroup } from "./rule_index.ts";
import { formatLocation, report, type Stage } from "./stage.ts";
import { pathKey } from "./terms.ts";

function isPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  return prefix.length < path.length && prefix.every((p, i) => path[i] === p);
}

/** A ground head-ref element as a comparable value (defaults `p[true]` and `p[false]` differ). */
function groundKey(t: Term): unknown {
  switch (t.type) {
    case "string":
    case "boolean":
      return [t.type, t.value];
    case "number":
      return [t.type, Number(t.text)];
    default:
      return [t.type];
  }
}

function mixedKinds(group: RuleGroup): boolean {
  const entries = groupEntries(group);
  const kinds = new Set(entries.map((e) => ruleKind(e.rule.head)));
  const arities = new Set(entries.map((e) => e.rule.head.args?.length ?? -1));
  return kinds.size > 1 || arities.size > 1;
}

export const conflictsStage: Stage = {
  name: "conflicts",
  follows: "locals (only so that local-variable errors, which OPA reports first, come first)",
  run(state) {
    const groups = [...state.index.values()];
    const packages = new Map(state.modules.map((m) => [pathKey(m.package), m]));
    for (const group of groups) {
      const first = groupEntries(group)[0].rule;
      const name = pathKey(group.path);
      if (mixedKinds(group)) {
        report(state, "rego_type_error", `conflicting rules ${name} found`, first.loc);
      } else {
        const seen = new Set<string>();
        for (const { rule } of group.defaults) {
          const key = JSON.stringify(rule.head.ref.map(groundKey));
          if (seen.has(key)) {
            report(state, "rego_type_error", `multiple default rules ${name} found`, rule.loc);
          }
          seen.add(key);
        }
      }
      if (group.kind === "partialObject") continue;
      const below = groups.filter((g) => isPrefix(group.path, g.path)).map((g) => pathKey(g.path));
      if (below.length > 0) {
        report(state, "rego_type_error", `rule ${name} conflicts with [${below.join(" ")}]`, first.loc);
      }
      for (const module of packages.values()) {
        const pkg = ["data", ...module.package];
        if (isPrefix(group.path, pkg) || pathKey(group.path) === pathKey(pkg)) {
          report(
            state,
            "rego_type_error",
            `package ${pathKey(pkg)} conflicts with rule ${name} defined at ${formatLocation(first.loc)}`,
            module.packageLoc,
          );
        }
      }
    }
  },
};
