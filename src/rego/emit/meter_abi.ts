/**
 * The contract between a metered module (meter.ts) and its host. Plain constants: the policy
 * engine imports this file on the serving thread, where binaryen must not be loaded.
 *
 * A metered module counts down a fuel counter at every loop iteration and at the entry of the
 * functions that could otherwise run unboundedly without passing a loop (recursion, call chains
 * that fan out). While the host has not armed it, the module behaves as before: it never calls
 * out, and a failed `memory.grow` returns -1 as it always did. Once armed with
 * `gw_meter_arm(slice)`:
 *
 * - every `slice` units of fuel, and before it grows its memory, it calls the built-in
 *   `METER_REFUEL` (through `opa_builtin0`, so the stock SDK dispatches it by name to a custom
 *   built-in). The host returns to let it run on (it gets `slice` more units) or throws to stop
 *   it: wasm cannot read a clock, this is how a deadline reaches it;
 * - a `memory.grow` that fails calls the built-in `METER_MEMORY_EXHAUSTED`, which the host is
 *   expected to throw from: the evaluation ran into the instance's memory cap.
 *
 * Both names are listed in the module's `builtins()` map (with the ids below), so that the SDK can
 * dispatch them. They start with "$", which no Rego built-in name can.
 */

/** Exported function `(slice: i32) → void`: 0 disarms, n > 0 calls out every n units of fuel. */
export const METER_ARM_EXPORT = "gw_meter_arm";

export const METER_REFUEL = { name: "$meter.refuel", id: 0x7fff_fff0 } as const;
export const METER_MEMORY_EXHAUSTED = { name: "$meter.memory_exhausted", id: 0x7fff_fff1 } as const;

/** The built-in names a metered module declares in `builtins()`. */
export const METER_BUILTIN_NAMES: readonly string[] = [METER_REFUEL.name, METER_MEMORY_EXHAUSTED.name];

/** Whether a module's exports show it metered (WebAssembly.Module.exports(m) will do). */
export function isMetered(exports: readonly { name: string }[]): boolean {
  return exports.some((e) => e.name === METER_ARM_EXPORT);
}
