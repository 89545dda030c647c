/**
 * Which entrypoints name something: as `opa build` checks it (compile/compile.go, with
 * ast.Compiler.GetRules), an entrypoint must name a rule, a path into a rule's value, or a
 * package or path prefix with at least one rule below it. One that names nothing else (a typo, a
 * base document, an empty package) would compile to a plan that is always undefined; it is an
 * error, with OPA's wording.
 */
import type { RuleNode } from "./tree.ts";

export function refersToRule(tree: RuleNode, path: readonly string[]): boolean {
  let node = tree;
  for (const name of path) {
    if (node.ruleSet !== undefined) return true; // a path into the value of this rule
    const next = node.children.get(name);
    if (next === undefined) return false;
    node = next;
  }
  return hasRuleBelow(node);
}

function hasRuleBelow(node: RuleNode): boolean {
  if (node.ruleSet !== undefined) return true;
  for (const child of node.children.values()) if (hasRuleBelow(child)) return true;
  return false;
}

export function unmappedEntrypointMessage(entrypoint: string): string {
  return `entrypoint ${JSON.stringify(entrypoint)} does not refer to a rule or policy decision`;
}
