/**
 * Stage 5: metering. Makes a module's evaluations stoppable and its memory cap visible (the
 * contract with the host is in meter_abi.ts).
 *
 * Wasm cannot read a clock, and nothing can change a module's state while it runs on the host's
 * thread, so the module is made to call out now and then. A mutable fuel global is counted down
 * (meter_instrument.ts) at every point execution can come back to without bound:
 *
 * - at the head of every loop (once per iteration), by the size of the loop's body;
 * - at every call from a function into its own cycle of the call graph (recursion), by the size of
 *   the callee;
 * - at the entry of every function reachable through `call_indirect` and of every function whose
 *   unmetered work (with the unmetered functions it calls) passes MAX_SEGMENT expressions
 *   (meter_plan.ts).
 *
 * So between two charges a module runs at most about MAX_SEGMENT expressions per frame on the
 * stack (the compiler's runtime also runs one pass of a leaf loop: meter_instrument.ts). When the
 * fuel runs out it calls `$refuel`, and every `memory.grow` goes through `$grow`
 * (meter_interface.ts): unarmed, a module behaves as before and never calls out; armed, it calls
 * the host, which can stop it.
 *
 * The pass needs only OPA's ABI (`builtins`, `opa_json_dump`, `opa_json_parse`, `opa_malloc`), so
 * it applies to the compiler's modules (after emit: pipeline.ts) and to modules built by
 * `opa build` (by the policy engine at load, in its compiler worker).
 */
import binaryen from "binaryen";
import { METER_ARM_EXPORT } from "./meter_abi.ts";
import { type Fn, instrument } from "./meter_instrument.ts";
import {
  addMeterInterface,
  internal,
  type MeterNames,
  opaBuiltin0,
  wrapBuiltins,
} from "./meter_interface.ts";
import { EXPR, MeterUnsupported, walkBody } from "./meter_walk.ts";

export { MeterUnsupported };
export { MAX_SEGMENT } from "./meter_plan.ts";

const REQUIRED_EXPORTS = ["builtins", "opa_json_dump", "opa_json_parse", "opa_malloc"];

/** Meters a module read from bytes (a module built elsewhere); throws MeterUnsupported. */
export function meterWasm(wasm: Uint8Array): Uint8Array<ArrayBuffer> {
  let m: binaryen.Module;
  try {
    m = binaryen.readBinary(wasm);
  } catch (e) {
    throw new MeterUnsupported(`not a WebAssembly module binaryen can read: ${(e as Error)?.message ?? e}`);
  }
  try {
    enableFeatures(m);
    if (!m.validate()) throw new MeterUnsupported("the module does not validate");
    meterModule(m);
    if (!m.validate()) throw new Error("internal error: the metered module does not validate");
    return new Uint8Array(m.emitBinary());
  } finally {
    m.dispose();
  }
}

/** Meters a whole module in place. */
export function meterModule(m: binaryen.Module): void {
  if (m.getExport(METER_ARM_EXPORT)) throw new MeterUnsupported("the module is metered already");
  checkAbi(m);
  const fns = definedFunctions(m, new Set());
  const names = addMeterInterface(m, opaBuiltin0(m));
  instrument(m, names, fns, { tableFns: tableFunctions(m) });
  wrapBuiltins(m);
}

/**
 * The compiler's modules are the embedded runtime plus the functions the emitter adds. Walking the
 * runtime costs ~70 ms a compile with binaryen.js (~2 µs an expression), so it is metered once per
 * process: `runtime` is the metered runtime, which the emitter starts from, and `finish` meters
 * only what the emitter added, knowing the unmetered cost of each runtime function it calls.
 */
export interface RuntimeMeter {
  runtime: Uint8Array;
  finish(m: binaryen.Module): void;
}

const prepared = new WeakMap<Uint8Array, RuntimeMeter>();

/** The meter for modules emitted over `runtime` (the embedded runtime module); memoized. */
export function runtimeMeter(runtime: Uint8Array): RuntimeMeter {
  let meter = prepared.get(runtime);
  if (meter === undefined) {
    meter = prepareRuntime(runtime);
    prepared.set(runtime, meter);
  }
  return meter;
}

/** Exports that carry the meter's internal names from the metered runtime to `finish`. */
const HANDOVER = {
  fuel: "gw$meter_fuel",
  slice: "gw$meter_slice",
  refuel: "gw$meter_refuel",
  grow: "gw$meter_grow",
};

function prepareRuntime(runtime: Uint8Array): RuntimeMeter {
  const m = binaryen.readBinary(runtime);
  let bytes: Uint8Array<ArrayBuffer>;
  const costByExport = new Map<string, number>();
  try {
    enableFeatures(m);
    const fns = definedFunctions(m, new Set());
    const names = addMeterInterface(m, opaBuiltin0(m));
    const costs = instrument(m, names, fns, { tableFns: tableFunctions(m), trusted: true });
    for (let i = 0; i < m.getNumExports(); i++) {
      const info = binaryen.getExportInfo(m.getExportByIndex(i));
      if (info.kind === binaryen.ExternalFunction) costByExport.set(info.name, costs.get(info.value) ?? 0);
    }
    m.addGlobalExport(names.fuel, HANDOVER.fuel);
    m.addGlobalExport(names.slice, HANDOVER.slice);
    m.addFunctionExport(names.refuel, HANDOVER.refuel);
    m.addFunctionExport(names.grow, HANDOVER.grow);
    if (!m.validate()) throw new Error("internal error: the metered runtime does not validate");
    bytes = new Uint8Array(m.emitBinary());
  } finally {
    m.dispose();
  }
  // Internal names as the emitter will see them: read back from the bytes it starts from.
  const back = binaryen.readBinary(bytes);
  const runtimeFns = new Set<string>();
  const costByName = new Map<string, number>();
  try {
    for (let i = 0; i < back.getNumFunctions(); i++) {
      runtimeFns.add(binaryen.getFunctionInfo(back.getFunctionByIndex(i)).name);
    }
    for (const [name, cost] of costByExport) costByName.set(internal(back, name), cost);
  } finally {
    back.dispose();
  }
  return {
    runtime: bytes,
    finish(m) {
      const names: MeterNames = {
        fuel: internal(m, HANDOVER.fuel),
        slice: internal(m, HANDOVER.slice),
        refuel: internal(m, HANDOVER.refuel),
        grow: internal(m, HANDOVER.grow),
      };
      for (const name of Object.values(HANDOVER)) m.removeExport(name);
      checkAbi(m);
      instrument(m, names, definedFunctions(m, runtimeFns), { knownCosts: costByName });
      wrapBuiltins(m);
    },
  };
}

function enableFeatures(m: binaryen.Module): void {
  const f = binaryen.Features;
  m.setFeatures(
    m.getFeatures() | f.MVP | f.MutableGlobals | f.BulkMemory | f.BulkMemoryOpt | f.SignExt |
      f.NontrappingFPToInt,
  );
}

function checkAbi(m: binaryen.Module): void {
  for (const name of REQUIRED_EXPORTS) {
    const exp = m.getExport(name);
    if (!exp || binaryen.getExportInfo(exp).kind !== binaryen.ExternalFunction) {
      throw new MeterUnsupported(`the module lacks OPA's ABI export ${name}`);
    }
  }
  if (!m.hasMemory()) throw new MeterUnsupported("the module has no memory");
}

/** The module's own functions (not imports, not those in `skip`), walked. */
function definedFunctions(m: binaryen.Module, skip: Set<string>): Fn[] {
  const fns: Fn[] = [];
  for (let i = 0; i < m.getNumFunctions(); i++) {
    const ref = m.getFunctionByIndex(i);
    const info = binaryen.getFunctionInfo(ref);
    if (info.module || skip.has(info.name)) continue;
    fns.push({ name: info.name, ref, facts: walkBody(info.body, (e) => EXPR.Function.setBody(ref, e)) });
  }
  return fns;
}

/** Functions in the module's tables: `call_indirect` may reach any of them. */
function tableFunctions(m: binaryen.Module): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < m.getNumElementSegments(); i++) {
    for (const name of binaryen.getElementSegmentInfo(m.getElementSegmentByIndex(i)).data) out.add(name);
  }
  return out;
}
