/**
 * Puts the meter's charges into functions (meter.ts says where and why).
 *
 * A charge is `fuel = t = fuel - weight; if (t < 0) refuel()`, with `t` a local of the function
 * and the fuel an i64 (it cannot run over, whatever is taken from it between two checks).
 *
 * In trusted code (the compiler's own runtime), only the loops that have loops inside them (or call
 * functions that can loop) check. Innermost loops (no loop nested, calling only functions that
 * cannot loop) and long call chains only take their weight from the fuel, and recursive calls are
 * not charged (each level of a recursion over a value is counted by its loops): the checks cost
 * ~7% of a decision, most of whose ~3,000 metering points are the runtime's byte loops over the
 * input's JSON. The work is still counted, and checked at the next check anywhere: in the
 * runtime's enclosing loop, in the policy's own code (every loop of the code the emitter adds
 * checks), or at a memory growth. This trusts the runtime's innermost loops and recursions to end
 * (they go over one value or buffer in memory, bounded by the memory cap; a recursion too deep
 * overflows the stack, a trap). A module built elsewhere checks at every point.
 */
import binaryen from "binaryen";
import type { MeterNames } from "./meter_interface.ts";
import { MAX_WEIGHT, type MeterPlan, planCharges } from "./meter_plan.ts";
import { type BodyFacts, EXPR } from "./meter_walk.ts";

const i32 = binaryen.i32;
const i64 = binaryen.i64;

export interface Fn {
  name: string;
  ref: number;
  facts: BodyFacts;
}

export interface InstrumentOptions {
  /** Unmetered cost of callees outside `fns` (the runtime's, for the emitter's functions). */
  knownCosts?: Map<string, number>;
  /** Functions `call_indirect` may reach. */
  tableFns?: Set<string>;
  /** The functions are the compiler's runtime: their innermost loops are counted, not checked. */
  trusted?: boolean;
}

/**
 * Charges `fns` at their loops, at calls into their own cycle of the call graph and at the entries
 * the plan picks; routes their `memory.grow` through `$grow`. Returns each function's unmetered
 * cost (0: charged on entry), for the functions that will call these.
 */
export function instrument(
  m: binaryen.Module,
  names: MeterNames,
  fns: Fn[],
  options: InstrumentOptions = {},
): Map<string, number> {
  const plan = planCharges(fns, options.knownCosts ?? new Map(), options.tableFns ?? new Set());
  // Growing first: a replaced memory.grow may be the body of a loop or function wrapped below.
  for (const fn of fns) {
    for (const g of fn.facts.grows) g.replace(m.call(names.grow, [EXPR.MemoryGrow.getDelta(g.expr)], i32));
  }
  const sizes = new Map(fns.map((f) => [f.name, f.facts.size]));
  for (const fn of fns) instrumentFunction(m, names, fn, plan, sizes, options.trusted === true);
  return plan.costs;
}

function instrumentFunction(
  m: binaryen.Module,
  names: MeterNames,
  fn: Fn,
  plan: MeterPlan,
  sizes: Map<string, number>,
  trusted: boolean,
): void {
  let tmp = -1;
  const check = (weight: number) => charge(m, names, weight, tmp === -1 ? (tmp = addVar(fn.ref, i64)) : tmp);
  // In trusted code, innermost loops and long call chains are counted; other loops check.
  const count = trusted ? (weight: number) => [take(m, names, weight)] : check;

  // Trusted recursion goes over the levels of a value, each level's work counted by its loops.
  const cycle = trusted ? undefined : plan.cycleOf.get(fn.name);
  if (cycle !== undefined) {
    for (const call of fn.facts.calls) {
      if (plan.cycleOf.get(call.target) !== cycle) continue;
      call.replace(m.block(null, [...count(sizes.get(call.target)!), call.expr], binaryen.auto));
    }
  }
  for (const loop of fn.facts.loops) {
    const innermost = !loop.nested && !loop.indirect && !loop.calls.some((c) => plan.loops.has(c));
    const head = innermost ? count(loop.size) : check(loop.size);
    EXPR.Loop.setBody(loop.expr, m.block(null, [...head, EXPR.Loop.getBody(loop.expr)], binaryen.auto));
  }
  const weight = plan.entries.get(fn.name);
  if (weight !== undefined) {
    EXPR.Function.setBody(
      fn.ref,
      m.block(null, [...count(weight), EXPR.Function.getBody(fn.ref)], binaryen.auto),
    );
  }
}

/** `fuel -= weight`, unchecked. */
function take(m: binaryen.Module, names: MeterNames, weight: number): number {
  return m.global.set(
    names.fuel,
    m.i64.sub(m.global.get(names.fuel, i64), m.i64.const(BigInt(weightOf(weight)))),
  );
}

/** `fuel = t = fuel - weight; if (t < 0) refuel()` */
function charge(m: binaryen.Module, names: MeterNames, weight: number, t: number): number[] {
  const less = m.i64.sub(m.global.get(names.fuel, i64), m.i64.const(BigInt(weightOf(weight))));
  return [
    m.global.set(names.fuel, m.local.tee(t, less, i64)),
    m.if(m.i64.lt_s(m.local.get(t, i64), m.i64.const(0n)), m.call(names.refuel, [], binaryen.none)),
  ];
}

function weightOf(weight: number): number {
  return Math.min(Math.max(weight, 1), MAX_WEIGHT);
}

/** binaryen.js lacks a wrapper for adding a local to a function; its C API has one. */
function addVar(fn: number, type: number): number {
  return (binaryen as unknown as { _BinaryenFunctionAddVar(f: number, t: number): number })
    ._BinaryenFunctionAddVar(fn, type);
}
