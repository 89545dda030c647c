/**
 * The rule tree: every document path that rules define, below `data`.
 *
 * A node either holds a rule set (all rules sharing one path, of one kind) or has children, or
 * both when base data and rules share a prefix. Paths come from the package and the static
 * (string) prefix of each rule's head ref; a trailing variable or term in a head ref makes the
 * rule a multi-value object rule of the node before it.
 */
import { type Module, type Rule, type RuleKind, ruleKind } from "../ast.ts";

export interface RuleSet {
  /**
   * complete, function; partialSet (`p contains x`); partialObject: any rule whose head ref has
   * dynamic elements (`p[k] := v`, `p[a][b] := v`, `p[a][b] contains x`, `a[x].b := v`): the
   * node is an object built from every body solution.
   */
  kind: RuleKind;
  rules: { rule: Rule; module: Module }[];
  defaults: { rule: Rule; module: Module }[];
}

export interface RuleNode {
  path: string[];
  children: Map<string, RuleNode>;
  ruleSet?: RuleSet;
}

export class RuleTreeError extends Error {
  constructor(message: string, readonly rule: Rule) {
    super(message);
  }
}

export function buildRuleTree(modules: Module[]): RuleNode {
  const root: RuleNode = { path: [], children: new Map() };
  for (const module of modules) {
    // Packages exist as (possibly empty) documents even without rules.
    nodeAt(root, module.package);
    for (const rule of module.rules) {
      const { path, kind } = rulePath(module, rule);
      const node = nodeAt(root, path);
      node.ruleSet ??= { kind, rules: [], defaults: [] };
      if (node.ruleSet.kind !== kind) {
        throw new RuleTreeError(`conflicting rules data.${path.join(".")} found`, rule);
      }
      (rule.default ? node.ruleSet.defaults : node.ruleSet.rules).push({ rule, module });
    }
  }
  return root;
}

/** The document path a rule defines (its head ref's leading strings), and its kind. */
export function rulePath(module: Module, rule: Rule): { path: string[]; kind: RuleKind } {
  const ref = rule.head.ref;
  const staticLen = staticPrefixLength(rule);
  const names = ref.slice(0, staticLen).map((t) => (t as { value: string }).value);
  const kind = rule.head.args !== undefined
    ? "function"
    : staticLen < ref.length
    ? "partialObject"
    : ruleKind(rule.head);
  return { path: [...module.package, ...names], kind };
}

/** How many leading elements of the head ref are strings (the rest are computed keys). */
export function staticPrefixLength(rule: Rule): number {
  const ref = rule.head.ref;
  let i = 0;
  while (i < ref.length && ref[i].type === "string") i++;
  return i;
}

function nodeAt(root: RuleNode, path: string[]): RuleNode {
  let node = root;
  for (const name of path) {
    let next = node.children.get(name);
    if (!next) {
      next = { path: [...node.path, name], children: new Map() };
      node.children.set(name, next);
    }
    node = next;
  }
  return node;
}

export function findNode(root: RuleNode, path: string[]): RuleNode | undefined {
  let node: RuleNode | undefined = root;
  for (const name of path) {
    node = node.children.get(name);
    if (!node) return undefined;
  }
  return node;
}
