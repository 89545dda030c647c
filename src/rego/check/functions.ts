/**
 * Stage: functions. Every call must name a known function with the right number of arguments.
 *
 * - An operator that is neither a built-in nor a user function (a "data…" path of a function
 *   group) is a rego_type_error "undefined function foo".
 * - A wrong argument count is a rego_type_error "foo: too many arguments" / "too few arguments",
 *   followed by the counts as OPA prints them (`have: (any, any)`, `want: (any)`).
 * - A function replaced by another with `with` must take as many arguments as its replacement:
 *   "count: arity mismatch", with both counts.
 * Variadic built-ins (print) take any number. Calls with an extra output argument were already
 * rewritten by the locals stage, so counts must match exactly here.
 */
import type { CallTerm, WithModifier } from "../ast.ts";
import { lookupBuiltin } from "../builtins/catalog.ts";
import { functionArity } from "./rule_index.ts";
import { type CheckState, report, type Stage } from "./stage.ts";
import { forEachRuleExpr, forEachRuleTerm } from "./terms.ts";

function signature(n: number): string {
  return `(${Array.from({ length: n }, () => "any").join(", ")})`;
}

function checkCall(state: CheckState, call: CallTerm): void {
  const name = call.operator.join(".");
  let arity: number | undefined;
  if (call.operator[0] === "data") {
    arity = functionArity(state.index, call.operator);
  } else {
    const builtin = lookupBuiltin(name);
    if (builtin?.variadic) return;
    arity = builtin?.args;
  }
  if (arity === undefined) {
    report(state, "rego_type_error", `undefined function ${name}`, call.loc);
    return;
  }
  if (call.args.length === arity) return;
  const problem = call.args.length > arity ? "too many arguments" : "too few arguments";
  report(
    state,
    "rego_type_error",
    `${name}: ${problem}\n\thave: ${signature(call.args.length)}\n\twant: ${signature(arity)}`,
    call.loc,
  );
}

function arityOf(state: CheckState, name: readonly string[]): number | undefined {
  if (name[0] === "data") return functionArity(state.index, name);
  const builtin = lookupBuiltin(name.join("."));
  return builtin?.args;
}

/** `with f as g` where g replaces function f: both must take the same number of arguments. */
function checkReplacement(state: CheckState, w: WithModifier): void {
  if (!w.replacement) return;
  const t = w.target;
  const target = [(t.head as { name: string }).name, ...t.path.map((p) => (p as { value: string }).value)];
  const want = arityOf(state, target);
  const have = arityOf(state, w.replacement);
  if (want === undefined || have === undefined || want === have) return;
  report(
    state,
    "rego_type_error",
    `${target.join(".")}: arity mismatch\n\thave: ${signature(have)}\n\twant: ${signature(want)}`,
    w.loc,
  );
}

export const functionsStage: Stage = {
  name: "functions",
  follows: "conflicts (one arity per user function) and locals (extra output arguments rewritten)",
  run(state) {
    for (const module of state.modules) {
      for (const rule of module.rules) {
        forEachRuleTerm(rule, (t) => {
          if (t.type === "call") checkCall(state, t);
        });
        forEachRuleExpr(rule, (e) => {
          if ("with" in e) e.with.forEach((w) => checkReplacement(state, w));
        });
      }
    }
  },
};
