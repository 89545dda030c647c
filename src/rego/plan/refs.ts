/**
 * References: `input.a[x]`, `data.pkg.rule[k].f`, `local[i]`, `[1, 2][i]`, `f(x).y`.
 *
 * A path element that is a constant or a bound variable is a lookup (DotStmt); an unbound
 * variable iterates (ScanStmt) and is bound to each key in turn; any other term with unbound
 * variables iterates and unifies the key with it. Under `data`, the rule tree decides: a path
 * that reaches a rule set calls its Func, a path that stops at (or iterates over) an inner node
 * builds the node's virtual document, anything else is base data.
 */
import type { Location, RefTerm, Term } from "../ast.ts";
import type { Local, Operand } from "../ir/ir.ts";
import { type FuncBuilder, local, PlanError } from "./builder.ts";
import type { Planner } from "./planner.ts";
import { planTerm } from "./terms.ts";
import { findNode, type RuleNode } from "./tree.ts";
import { unifyWithOperand } from "./unify.ts";

export type ValueCont = (v: Operand) => void;

export function planRef(p: Planner, b: FuncBuilder, ref: RefTerm, k: ValueCont): void {
  const head = ref.head;
  if (head.type === "var") {
    if (head.name === "data") return planDataPath(p, b, ref.path, ref.loc, k);
    if (head.name === "input") {
      b.emit({ type: "IsDefinedStmt", source: b.input });
      return planPath(p, b, b.input, ref.path, 0, k);
    }
    const l = b.vars.get(head.name);
    if (l === undefined) throw new PlanError(`var ${head.name} is unsafe`, head.loc);
    return planPath(p, b, l, ref.path, 0, k);
  }
  planTerm(p, b, head, (v) => planPath(p, b, toLocal(b, v), ref.path, 0, k));
}

/** Walks `path[i:]` from the value in `source`. */
export function planPath(
  p: Planner,
  b: FuncBuilder,
  source: Local,
  path: Term[],
  i: number,
  k: ValueCont,
): void {
  if (i === path.length) return k(local(source));
  const elem = path[i];
  const next = (v: Local) => planPath(p, b, v, path, i + 1, k);
  if (elem.type === "var" && !b.isBound(elem.name)) {
    const key = b.newLocal();
    const value = b.newLocal();
    const block = { stmts: [] };
    b.emit({ type: "ScanStmt", source, key, value, block }, elem.loc);
    b.into(block, () => {
      b.vars.set(elem.name, key);
      next(value);
    });
    return;
  }
  if (b.hasUnboundVars(elem)) {
    const key = b.newLocal();
    const value = b.newLocal();
    const block = { stmts: [] };
    b.emit({ type: "ScanStmt", source, key, value, block }, elem.loc);
    b.into(block, () => unifyWithOperand(p, b, elem, local(key), () => next(value)));
    return;
  }
  planTerm(p, b, elem, (keyOp) => {
    const target = b.newLocal();
    b.emit({ type: "DotStmt", source: local(source), key: keyOp, target }, elem.loc);
    next(target);
  });
}

/** `data` followed by `path`, resolved against the rule tree and `with data…` overrides. */
export function planDataPath(p: Planner, b: FuncBuilder, rawPath: Term[], loc: Location, k: ValueCont): void {
  // Namespaces under `data` are objects, so there numbers index as strings: `data[1]` is
  // `data["1"]`. Below a rule's value (or below the first key that is not a namespace) keys are
  // used as written: `data.p.arr[0]` indexes an array.
  const asKey = (t: Term): Term => t.type === "number" ? { type: "string", value: t.text, loc: t.loc } : t;
  const path = rawPath.map(asKey);
  const mixed = (upTo: number) => rawPath.map((t, j) => (j <= upTo ? path[j] : t));
  const consts = constantPrefix(path);
  for (const o of b.dataOverrides) {
    // The reference reads inside (or exactly) a replaced document: start from the replacement.
    if (o.path.length <= consts.length && o.path.every((s, j) => s === consts[j])) {
      return planPath(p, b, o.value, mixed(o.path.length - 1), o.path.length, k);
    }
  }
  let node: RuleNode = p.tree;
  let i = 0;
  while (i < path.length) {
    if (node.ruleSet) return callRuleSet(p, b, node, rawPath, i, loc, k);
    const name = consts[i];
    if (name === undefined) break; // a variable or computed key: iterate over the whole document
    const child = node.children.get(name);
    if (!child) {
      // No rule defines anything below here: plain base data.
      return planPath(p, b, b.data, mixed(i), 0, k);
    }
    node = child;
    i++;
  }
  if (node.ruleSet) return callRuleSet(p, b, node, rawPath, i, loc, k);
  if (node === p.tree && node.children.size === 0) return planPath(p, b, b.data, mixed(0), 0, k);
  const doc = b.newLocal();
  const callee = p.callee(b, node, true);
  b.emit({ type: "CallStmt", func: callee.func, args: callee.args, result: doc }, loc);
  applyNestedOverrides(p, b, node.path, doc);
  planPath(p, b, doc, mixed(i), i, k);
}

function callRuleSet(
  p: Planner,
  b: FuncBuilder,
  node: RuleNode,
  path: Term[],
  i: number,
  loc: Location,
  k: ValueCont,
): void {
  const set = node.ruleSet!;
  const fnName = ["data", ...node.path].join(".");
  if (set.kind === "function" && (set.rules[0] ?? set.defaults[0]).rule.head.args!.length > 0) {
    throw new PlanError(`function ${fnName} used as a value`, loc);
  }
  // A function without arguments reads as its value; `with` may have replaced it.
  const override = set.kind === "function" ? b.functionOverrides.find((o) => o.name === fnName) : undefined;
  if (override?.replacement.kind === "value") return planPath(p, b, override.replacement.local, path, i, k);
  const replacement = override?.replacement.name;
  const target = replacement?.[0] === "data" ? findNode(p.tree, replacement.slice(1)) ?? node : node;
  const result = b.newLocal();
  const callee = override ? p.mockCallee(b, target) : p.callee(b, target);
  b.emit({ type: "CallStmt", func: callee.func, args: callee.args, result }, loc);
  planPath(p, b, result, path, i, k);
}

/** `with data.a.b.c as v` while reading `data.a`: the replacement is written into the document read. */
function applyNestedOverrides(p: Planner, b: FuncBuilder, at: string[], doc: Local): void {
  for (const o of b.dataOverrides) {
    if (o.path.length > at.length && at.every((s, j) => s === o.path[j])) {
      const keys = b.newLocal();
      b.emit({ type: "MakeArrayStmt", capacity: o.path.length - at.length, target: keys });
      for (const s of o.path.slice(at.length)) {
        b.emit({ type: "ArrayAppendStmt", value: { string: p.str(s) }, array: keys });
      }
      b.emit({
        type: "CallStmt",
        func: "rt_upsert",
        args: [local(doc), local(keys), local(o.value)],
        result: doc,
      });
    }
  }
}

/** The leading path elements that are string constants. */
export function constantPrefix(path: Term[]): string[] {
  const out: string[] = [];
  for (const t of path) {
    if (t.type !== "string") break;
    out.push(t.value);
  }
  return out;
}

export function toLocal(b: FuncBuilder, v: Operand): Local {
  if ("local" in v) return v.local;
  const l = b.newLocal();
  b.emit({ type: "AssignVarStmt", source: v, target: l });
  return l;
}
