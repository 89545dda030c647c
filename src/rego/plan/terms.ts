/**
 * Terms as values: scalars, variables, composites, comprehensions and calls.
 */
import type { CallTerm, Term } from "../ast.ts";
import type { Operand } from "../ir/ir.ts";
import { type FuncBuilder, local, PlanError } from "./builder.ts";
import { planBody } from "./body.ts";
import type { Planner } from "./planner.ts";
import { planDataPath, planRef, type ValueCont } from "./refs.ts";
import { findNode } from "./tree.ts";

const SMALL_INT = /^-?(0|[1-9][0-9]{0,8})$/;

export function planTerm(p: Planner, b: FuncBuilder, t: Term, k: ValueCont): void {
  switch (t.type) {
    case "null": {
      const l = b.newLocal();
      b.emit({ type: "MakeNullStmt", target: l });
      return k(local(l));
    }
    case "boolean":
      return k({ bool: t.value });
    case "number": {
      const l = b.newLocal();
      if (SMALL_INT.test(t.text)) b.emit({ type: "MakeNumberIntStmt", value: Number(t.text), target: l });
      else b.emit({ type: "MakeNumberRefStmt", index: p.str(t.text), target: l });
      return k(local(l));
    }
    case "string":
      return k({ string: p.str(t.value) });
    case "var": {
      if (t.name === "input") {
        b.emit({ type: "IsDefinedStmt", source: b.input });
        return k(local(b.input));
      }
      if (t.name === "data") return planDataPath(p, b, [], t.loc, k);
      const l = b.vars.get(t.name);
      if (l === undefined) throw new PlanError(`var ${t.name} is unsafe`, t.loc);
      return k(local(l));
    }
    case "ref":
      return planRef(p, b, t, k);
    case "array":
      return planSequence(p, b, t.items, (ops) => {
        const l = b.newLocal();
        b.emit({ type: "MakeArrayStmt", capacity: ops.length, target: l });
        for (const v of ops) b.emit({ type: "ArrayAppendStmt", value: v, array: l });
        k(local(l));
      });
    case "set":
      return planSequence(p, b, t.items, (ops) => {
        const l = b.newLocal();
        b.emit({ type: "MakeSetStmt", target: l });
        for (const v of ops) b.emit({ type: "SetAddStmt", value: v, set: l });
        k(local(l));
      });
    case "object":
      return planSequence(p, b, t.items.flat(), (ops) => {
        const l = b.newLocal();
        b.emit({ type: "MakeObjectStmt", target: l });
        for (let i = 0; i < ops.length; i += 2) {
          b.emit({ type: "ObjectInsertStmt", key: ops[i], value: ops[i + 1], object: l });
        }
        k(local(l));
      });
    case "arraycompr":
    case "setcompr":
    case "objectcompr":
      return planComprehension(p, b, t, k);
    case "call":
      return planCall(p, b, t, k);
  }
}

/**
 * Plans terms left to right (each may iterate), then continues with all their operands. Runs of
 * terms that cannot iterate are planned in a loop rather than as nested continuations, so a
 * literal with thousands of elements does not nest thousands of calls deep.
 */
export function planSequence(p: Planner, b: FuncBuilder, terms: Term[], k: (ops: Operand[]) => void): void {
  const ops: Operand[] = [];
  const step = (start: number) => {
    let i = start;
    for (; i < terms.length && !mayIterate(b, terms[i]); i++) {
      const at = i;
      planTerm(p, b, terms[at], (v) => {
        ops[at] = v;
      });
    }
    if (i === terms.length) return k([...ops]);
    planTerm(p, b, terms[i], (v) => {
      ops[i] = v;
      step(i + 1);
    });
  };
  step(0);
}

/**
 * Whether planning the term may open a block and continue inside it (iteration): a reference
 * with a variable not bound yet, walk(), or a composite or call containing one. Every other term
 * calls its continuation exactly once, in the current block.
 */
export function mayIterate(b: FuncBuilder, t: Term): boolean {
  switch (t.type) {
    case "ref":
      return mayIterate(b, t.head) || t.path.some((e) => b.hasUnboundVars(e) || mayIterate(b, e));
    case "call":
      return (t.operator.length === 1 && t.operator[0] === "walk") || t.args.some((a) => mayIterate(b, a));
    case "array":
    case "set":
      return t.items.some((i) => mayIterate(b, i));
    case "object":
      return t.items.some(([key, value]) => mayIterate(b, key) || mayIterate(b, value));
    default:
      return false;
  }
}

function planComprehension(
  p: Planner,
  b: FuncBuilder,
  t: Extract<Term, { type: "arraycompr" | "setcompr" | "objectcompr" }>,
  k: ValueCont,
): void {
  const target = b.newLocal();
  if (t.type === "arraycompr") b.emit({ type: "MakeArrayStmt", capacity: 0, target });
  else if (t.type === "setcompr") b.emit({ type: "MakeSetStmt", target });
  else b.emit({ type: "MakeObjectStmt", target });
  const block = { stmts: [] };
  b.emit({ type: "BlockStmt", blocks: [block] }, t.loc);
  b.into(block, () =>
    planBody(p, b, t.body, () => {
      if (t.type === "arraycompr") {
        planTerm(p, b, t.term, (v) => b.emit({ type: "ArrayAppendStmt", value: v, array: target }));
      } else if (t.type === "setcompr") {
        planTerm(p, b, t.term, (v) => b.emit({ type: "SetAddStmt", value: v, set: target }));
      } else {
        planSequence(p, b, [t.key, t.value], ([key, value]) =>
          b.emit({ type: "ObjectInsertOnceStmt", key, value, object: target }, t.loc));
      }
    }));
  k(local(target));
}

/** A call as a value: user functions, built-ins, and `with`-replaced functions. */
export function planCall(p: Planner, b: FuncBuilder, t: CallTerm, k: ValueCont): void {
  const name = t.operator.join(".");
  const override = b.functionOverrides.find((o) => o.name === name);
  if (override?.replacement.kind === "value") {
    const value = override.replacement.local;
    return planSequence(p, b, t.args, () => k(local(value)));
  }
  const operator = override?.replacement.kind === "function" ? override.replacement.name : t.operator;
  if (operator.length === 1 && operator[0] === "print") return planPrint(p, b, t, k);
  planSequence(p, b, t.args, (args) => {
    const result = b.newLocal();
    if (operator[0] === "data") {
      const node = findNode(p.tree, operator.slice(1));
      if (!node?.ruleSet || node.ruleSet.kind !== "function") {
        throw new PlanError(`undefined function ${operator.join(".")}`, t.loc);
      }
      // A replacement function runs as OPA runs a mock: no replacement applies inside it.
      const callee = override ? p.mockCallee(b, node) : p.callee(b, node);
      const [input, data, ...extra] = callee.args;
      b.emit({ type: "CallStmt", func: callee.func, args: [input, data, ...args, ...extra], result }, t.loc);
    } else {
      const fname = operator.join(".");
      if (fname === "walk" && args.length === 1) {
        // A relation: every [path, value] pair of the document, one per solution.
        const pairs = b.newLocal();
        b.emit({ type: "CallStmt", func: "bi_walk", args, result: pairs }, t.loc);
        const key = b.newLocal();
        const pair = b.newLocal();
        const block = { stmts: [] };
        b.emit({ type: "ScanStmt", source: pairs, key, value: pair, block });
        return b.into(block, () => k(local(pair)));
      }
      if (fname === "trace") {
        b.emit({ type: "AssignVarStmt", source: { bool: true }, target: result });
        return k(local(result));
      }
      b.emit({ type: "CallStmt", func: p.builtin(fname, args.length, t.loc), args, result }, t.loc);
    }
    k(local(result));
  });
}

/**
 * `print(a, b)` as OPA plans it: each argument is collected into a set (empty when undefined,
 * printed as <undefined>), and the host's `internal.print` writes the line. Always true.
 */
function planPrint(p: Planner, b: FuncBuilder, t: CallTerm, k: ValueCont): void {
  const sets = t.args.map((arg) => {
    const set = b.newLocal();
    b.emit({ type: "MakeSetStmt", target: set });
    const block = { stmts: [] };
    b.emit({ type: "BlockStmt", blocks: [block] });
    b.into(block, () => planTerm(p, b, arg, (v) => b.emit({ type: "SetAddStmt", value: v, set })));
    return set;
  });
  const arr = b.newLocal();
  b.emit({ type: "MakeArrayStmt", capacity: sets.length, target: arr });
  for (const set of sets) b.emit({ type: "ArrayAppendStmt", value: local(set), array: arr });
  const ignored = b.newLocal();
  const result = b.newLocal();
  const call = { stmts: [] };
  // A failing printer must not change the policy's answer.
  b.emit({ type: "BlockStmt", blocks: [call] });
  b.into(
    call,
    () =>
      b.emit(
        {
          type: "CallStmt",
          func: p.builtin("internal.print", 1, t.loc),
          args: [local(arr)],
          result: ignored,
        },
        t.loc,
      ),
  );
  b.emit({ type: "AssignVarStmt", source: { bool: true }, target: result });
  k(local(result));
}
