/**
 * The host's side of the meter (src/rego/emit/meter_abi.ts): the deadline of the evaluation under
 * way, and the two built-ins a metered module calls out to.
 *
 * An evaluation runs synchronously on this thread, so one deadline at a time is all there is. The
 * module calls `$meter.refuel` every FUEL_SLICE units of fuel; past the deadline that throws
 * EvaluationTimeout, which unwinds the module's frames back to the engine. A failed `memory.grow`
 * calls `$meter.memory_exhausted`, which throws MemoryExhausted. Host built-ins check the deadline
 * before they run (builtin_adapter.ts).
 */
import { METER_MEMORY_EXHAUSTED, METER_REFUEL } from "../../rego/abi.ts";
import type { HostBuiltins } from "../builtin_adapter.ts";

/**
 * Fuel between two call-outs. A unit is about one Wasm expression of a loop body or function
 * (meter.ts counts every branch, so units run ahead of the work done). Measured on the compiler's
 * modules (iterating, parsing a large input, walk, sort, building strings and objects, scanning a
 * 1 MB string), 2^21 units took a median 0.02–0.32 ms, 90% of them under 0.65 ms, so a deadline
 * is noticed within about a millisecond of passing; a decision of the default policy calls out
 * about once in ten (~1 µs each).
 */
export const FUEL_SLICE = 1 << 21;

/** Thrown through the module when the evaluation's deadline passed. */
export class EvaluationTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the evaluation took longer than ${timeoutMs} ms`);
    this.name = "EvaluationTimeout";
  }
}

/** Thrown through the module when its memory cannot grow (the instance's cap). */
export class MemoryExhausted extends Error {
  constructor() {
    super("the evaluation ran out of the instance's memory");
    this.name = "MemoryExhausted";
  }
}

let deadline = Infinity;
let timeoutMs = Infinity;

/** Starts the deadline of an evaluation that started at `started` (performance.now()). */
export function armDeadline(started: number, ms: number): void {
  timeoutMs = ms;
  deadline = started + ms;
}

export function disarmDeadline(): void {
  deadline = Infinity;
}

/** Throws EvaluationTimeout once the evaluation under way is past its deadline. */
export function checkDeadline(): void {
  if (deadline !== Infinity && performance.now() > deadline) throw new EvaluationTimeout(timeoutMs);
}

/** The meter's built-ins, given to every instance beside the policy's own. */
export const METER_HOST_BUILTINS: HostBuiltins = Object.freeze({
  [METER_REFUEL.name]: () => {
    checkDeadline();
    return undefined;
  },
  [METER_MEMORY_EXHAUSTED.name]: () => {
    throw new MemoryExhausted();
  },
});

/** Whether a thrown value is one of the meter's (it must pass through any catch on its way out). */
export function isMeterSignal(e: unknown): e is EvaluationTimeout | MemoryExhausted {
  return e instanceof EvaluationTimeout || e instanceof MemoryExhausted;
}
