/**
 * Rule sets → Funcs.
 *
 * - complete rules: each rule (with its `else` chain) computes a value; rules that produce
 *   different values abort with "var assignment conflict"; `default` applies when none did;
 * - partial sets / multi-value object rules: every body solution adds an element / a key;
 *   a key bound to two different values aborts with "object insert conflict"; always defined;
 * - functions: like complete rules, with the arguments unified against each rule's patterns.
 *
 * Virtual documents: a node's children (rule sets and nested nodes) as an object, merged with the
 * base data at the same path.
 */
import type { ElseBranch, Rule, Term } from "../ast.ts";
import { isConstant } from "../check/terms.ts";
import type { Block, Func, Local, Operand } from "../ir/ir.ts";
import { DATA, INPUT } from "../ir/ir.ts";
import { type FuncBuilder, local, PlanError } from "./builder.ts";
import { planBody } from "./body.ts";
import type { Planner } from "./planner.ts";
import { planSequence, planTerm } from "./terms.ts";
import { applySpecialisation, type SpecEntry, specValueCount } from "./specialise.ts";
import { type RuleNode, staticPrefixLength } from "./tree.ts";
import { unifyWithOperand } from "./unify.ts";

const FUNCTION_CONFLICT = "functions must not produce multiple outputs for same inputs";

export function planRuleSet(p: Planner, node: RuleNode, name: string, spec: SpecEntry[]): Func {
  const set = node.ruleSet!;
  const arity = set.kind === "function"
    ? functionArity(set.rules.concat(set.defaults).map((r) => r.rule))
    : 0;
  const extra = specValueCount(spec);
  const params = [INPUT, DATA, ...Array.from({ length: arity + extra }, (_, i) => 2 + i)];
  const main: Block = { stmts: [] };
  const b = p.builder(main, arity + extra);
  applySpecialisation(b, spec, 2 + arity);
  const result = b.newLocal();

  switch (set.kind) {
    case "partialSet":
      b.emit({ type: "MakeSetStmt", target: result });
      for (const { rule } of set.rules) {
        inBlock(b, () => {
          const ruleDepth = b.depth;
          planBody(p, b, rule.body, () =>
            planTerm(p, b, rule.head.key!, (v) => {
              b.emit({ type: "SetAddStmt", value: v, set: result }, rule.head.loc);
              if (isConstant(rule.head.key!)) b.emit({ type: "BreakStmt", index: b.depth - ruleDepth });
            }));
        });
      }
      break;
    case "partialObject":
      b.emit({ type: "MakeObjectStmt", target: result });
      for (const { rule } of set.rules) planObjectRule(p, b, rule, result);
      // Rules below this path (`p.a := 1` beside `p[k] := v`) are keys of the same object.
      insertChildren(p, b, node, result);
      // `default p[k] := v`: the key gets v when no rule defined it.
      for (const { rule } of set.defaults) planObjectDefault(p, b, rule, result);
      break;
    case "complete":
    case "function":
      for (const { rule } of set.rules) planChain(p, b, rule, result, set.kind === "function", arity);
      if (set.defaults.length > 1) {
        throw new PlanError(
          `multiple default rules data.${node.path.join(".")} found`,
          set.defaults[1].rule.loc,
        );
      }
      for (const { rule } of set.defaults) {
        inBlock(b, () => {
          b.emit({ type: "IsUndefinedStmt", source: result });
          planTerm(
            p,
            b,
            rule.head.value!,
            (v) => b.emit({ type: "AssignVarStmt", source: v, target: result }, rule.head.loc),
          );
        });
      }
      break;
  }
  const ret: Block = { stmts: [{ type: "ReturnLocalStmt", source: result }] };
  const memo = arity === 0 && extra === 0;
  return { name, path: ["data", ...node.path], params, return: result, blocks: [main, ret], memo };
}

/**
 * One rule of an object built from its solutions: the head ref's computed keys address a place
 * in nested objects (created on the way); the value goes there once (a different value for the
 * same place aborts), or, for `contains`, the element is added to the set there.
 */
function planObjectRule(p: Planner, b: FuncBuilder, rule: Rule, result: Local): void {
  const keys = rule.head.ref.slice(staticPrefixLength(rule));
  const isSet = rule.head.key !== undefined && rule.head.value === undefined;
  const element = isSet ? rule.head.key! : rule.head.value!;
  // Constant keys and value: one solution decides the rule (OPA's early exit).
  const constant = keys.every(isConstant) && isConstant(element);
  inBlock(b, () => {
    const ruleDepth = b.depth;
    planBody(p, b, rule.body, () =>
      planSequence(p, b, keys, (keyOps) => {
        let cur = result;
        for (let j = 0; j < keyOps.length - 1; j++) cur = dotOrCreate(b, cur, keyOps[j], "MakeObjectStmt");
        const last = keyOps[keyOps.length - 1];
        planTerm(p, b, element, (v) => {
          if (isSet) {
            b.emit(
              { type: "SetAddStmt", value: v, set: dotOrCreate(b, cur, last, "MakeSetStmt") },
              rule.head.loc,
            );
          } else b.emit({ type: "ObjectInsertOnceStmt", key: last, value: v, object: cur }, rule.head.loc);
          if (constant) b.emit({ type: "BreakStmt", index: b.depth - ruleDepth });
        });
      }));
  });
}

function planObjectDefault(p: Planner, b: FuncBuilder, rule: Rule, result: Local): void {
  const keys = rule.head.ref.slice(staticPrefixLength(rule));
  if (keys.length !== 1 || rule.head.value === undefined) {
    throw new PlanError("a default rule may give only one key a value", rule.loc);
  }
  inBlock(b, () =>
    planTerm(p, b, keys[0], (key) => {
      const existing = b.newLocal();
      b.emit({ type: "ResetLocalStmt", target: existing });
      inBlock(b, () => b.emit({ type: "DotStmt", source: local(result), key, target: existing }));
      b.emit({ type: "IsUndefinedStmt", source: existing });
      planTerm(p, b, rule.head.value!, (value) =>
        b.emit({ type: "ObjectInsertStmt", key, value, object: result }, rule.head.loc));
    }));
}

/** `obj[key]`, inserting a new empty object or set there when it is missing. */
function dotOrCreate(
  b: FuncBuilder,
  obj: Local,
  key: Operand,
  make: "MakeObjectStmt" | "MakeSetStmt",
): Local {
  const target = b.newLocal();
  b.emit({ type: "ResetLocalStmt", target });
  inBlock(b, () => b.emit({ type: "DotStmt", source: local(obj), key, target }));
  inBlock(b, () => {
    b.emit({ type: "IsUndefinedStmt", source: target });
    b.emit({ type: make, target });
    b.emit({ type: "ObjectInsertStmt", key, value: local(target), object: obj });
  });
  return target;
}

/** A rule and its `else` branches: the first branch that yields a value wins. */
function planChain(
  p: Planner,
  b: FuncBuilder,
  rule: Rule,
  result: Local,
  isFunction: boolean,
  arity: number,
): void {
  const value = b.newLocal();
  b.emit({ type: "ResetLocalStmt", target: value });
  const message = isFunction ? FUNCTION_CONFLICT : undefined;
  const branches: ElseBranch[] = [
    { value: rule.head.value, body: rule.body, loc: rule.head.loc },
    ...rule.elses,
  ];
  branches.forEach((branch, i) => {
    inBlock(b, () => {
      const branchDepth = b.depth;
      const valueTerm = branch.value ?? trueTerm(branch);
      if (i > 0) b.emit({ type: "IsUndefinedStmt", source: value });
      const afterArgs = () =>
        planBody(p, b, branch.body, () =>
          planTerm(p, b, valueTerm, (v) => {
            b.emit({ type: "AssignVarOnceStmt", source: v, target: value, message }, branch.loc);
            // Early exit, as OPA does: when no solution can change the value, one is enough.
            if (isConstant(valueTerm)) b.emit({ type: "BreakStmt", index: b.depth - branchDepth });
          }));
      if (isFunction) unifyArgs(p, b, rule.head.args ?? [], arity, afterArgs);
      else afterArgs();
    });
  });
  inBlock(b, () => {
    b.emit({ type: "IsDefinedStmt", source: value });
    b.emit({ type: "AssignVarOnceStmt", source: local(value), target: result, message }, rule.head.loc);
  });
}

function unifyArgs(p: Planner, b: FuncBuilder, args: Term[], arity: number, k: () => void): void {
  if (args.length !== arity) {
    throw new PlanError(
      "function defined with a different number of arguments",
      args[0]?.loc ?? { file: "", row: 0, col: 0 },
    );
  }
  const step = (i: number) => {
    if (i === args.length) return k();
    unifyWithOperand(p, b, args[i], local(2 + i), () => step(i + 1));
  };
  step(0);
}

function functionArity(rules: Rule[]): number {
  return rules[0]?.head.args?.length ?? 0;
}

function trueTerm(branch: ElseBranch): Term {
  return { type: "boolean", value: true, loc: branch.loc };
}

/** Plans into a fresh block of its own (a BlockStmt), so "undefined" ends only that part. */
function inBlock(b: FuncBuilder, fn: () => void): void {
  const block: Block = { stmts: [] };
  b.emit({ type: "BlockStmt", blocks: [block] });
  b.into(block, fn);
}

function insertChildren(p: Planner, b: FuncBuilder, node: RuleNode, target: Local): void {
  for (const [key, child] of sortedChildren(node)) {
    if (child.ruleSet?.kind === "function" || !hasRules(child)) continue;
    inBlock(b, () => {
      const v = b.newLocal();
      const { func, args } = p.callee(b, child, !child.ruleSet);
      b.emit({ type: "CallStmt", func, args, result: v });
      b.emit({ type: "ObjectInsertOnceStmt", key: { string: p.str(key) }, value: local(v), object: target });
    });
  }
}

function sortedChildren(node: RuleNode): [string, RuleNode][] {
  return [...node.children.entries()].sort(([a], [c]) => (a < c ? -1 : a > c ? 1 : 0));
}

export function planVirtualDoc(p: Planner, node: RuleNode, name: string, spec: SpecEntry[]): Func {
  const main: Block = { stmts: [] };
  const extra = specValueCount(spec);
  const b = p.builder(main, extra);
  applySpecialisation(b, spec, 2);
  const doc = b.newLocal();
  b.emit({ type: "MakeObjectStmt", target: doc });
  insertChildren(p, b, node, doc);
  inBlock(b, () => {
    let cur = b.data;
    for (const key of node.path) {
      const next = b.newLocal();
      b.emit({ type: "DotStmt", source: local(cur), key: { string: p.str(key) }, target: next });
      cur = next;
    }
    const merged = b.newLocal();
    b.emit({ type: "ObjectMergeStmt", a: doc, b: cur, target: merged });
    b.emit({ type: "AssignVarStmt", source: local(merged), target: doc });
  });
  const ret: Block = { stmts: [{ type: "ReturnLocalStmt", source: doc }] };
  const params = [INPUT, DATA, ...Array.from({ length: extra }, (_, i) => 2 + i)];
  return { name, path: ["data", ...node.path], params, return: doc, blocks: [main, ret], memo: extra === 0 };
}

function hasRules(node: RuleNode): boolean {
  if (node.ruleSet) return true;
  for (const c of node.children.values()) if (hasRules(c)) return true;
  return false;
}
