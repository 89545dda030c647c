/**
 * Stage 5: metering. Makes a module's evaluations stoppable and its memory cap visible (the
 * contract with the host is in meter_abi.ts).
 *
 * Wasm cannot read a clock, and nothing can change a module's state while it runs on the host's
 * thread, so the module is made to call out now and then. A mutable fuel global is counted down
 * at every point execution can come back to without bound:
 *
 * - at the head of every loop (once per iteration), by the size of the loop's body;
 * - at the entry of every function that recursion can reach again (a cycle of the call graph), of
 *   every function reachable through `call_indirect` (the table), and of every function whose
 *   unmetered work (its own expressions plus those of the unmetered functions it calls) passes
 *   MAX_SEGMENT: a chain of functions each calling the next twice does 2^n calls with no loop and no
 *   recursion, and this cuts it every MAX_SEGMENT expressions.
 *
 * Between two counting points a module therefore runs at most about MAX_SEGMENT expressions per
 * frame on the stack. When the fuel runs out it calls `$refuel`: unarmed (the stock SDK, a host
 * that knows nothing of this) it refills the counter to the maximum and never calls out; armed, it
 * calls the host's refuel built-in, which may throw to stop the evaluation. Every `memory.grow`
 * goes through `$grow`, which, armed, calls the refuel built-in too (filling fresh pages is slow
 * for little fuel) and tells the host when growing failed (the memory cap).
 *
 * The pass works on OPA's ABI only (`builtins`, `opa_json_dump`, `opa_json_parse`, `opa_malloc`),
 * so it applies to the compiler's modules (run after emit, in pipeline.ts) and to modules built by
 * `opa build` (run by the policy engine at load, in its compiler worker).
 */
import binaryen from "binaryen";
import { METER_ARM_EXPORT, METER_MEMORY_EXHAUSTED, METER_REFUEL } from "./meter_abi.ts";
import { type BodyFacts, EXPR, MeterUnsupported, walkBody } from "./meter_walk.ts";

export { MeterUnsupported };

/** Unmetered expressions a function may run (with its callees) before its entry is metered. */
export const MAX_SEGMENT = 2000;

const i32 = binaryen.i32;
const FULL = 0x7fff_ffff;
/** Internal names of what the pass adds ("gw$" is not a prefix binaryen or the emitter use). */
const FUEL = "gw$meter_fuel";
const SLICE = "gw$meter_slice";
const REFUEL = "gw$meter_refuel";
const GROW = "gw$meter_grow";
const ARM = "gw$meter_arm";
const BUILTINS = "gw$meter_builtins";
const BUILTIN0 = "gw$meter_opa_builtin0";

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
  const names = addRuntime(m, opaBuiltin0(m));
  instrument(m, names, fns, new Map(), tableFunctions(m));
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
    const names = addRuntime(m, opaBuiltin0(m));
    const costs = instrument(m, names, fns, new Map(), tableFunctions(m));
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
      const names = {
        fuel: internal(m, HANDOVER.fuel),
        slice: internal(m, HANDOVER.slice),
        refuel: internal(m, HANDOVER.refuel),
        grow: internal(m, HANDOVER.grow),
      };
      for (const name of Object.values(HANDOVER)) m.removeExport(name);
      checkAbi(m);
      instrument(m, names, definedFunctions(m, runtimeFns), costByName, new Set());
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

interface Fn {
  name: string;
  ref: number;
  facts: BodyFacts;
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

interface MeterNames {
  fuel: string;
  slice: string;
  refuel: string;
  grow: string;
}

/**
 * Charges fuel at the head of every loop of `fns` and at the entry of those meteredEntries picks;
 * routes their `memory.grow` through `$grow`. Returns each function's unmetered cost (0: metered).
 */
function instrument(
  m: binaryen.Module,
  names: MeterNames,
  fns: Fn[],
  knownCosts: Map<string, number>,
  tableFns: Set<string>,
): Map<string, number> {
  const { metered, costs } = meteredEntries(fns, knownCosts, tableFns);
  // Growing first: a replaced memory.grow may be the body of a loop or function wrapped below.
  for (const fn of fns) {
    for (const g of fn.facts.grows) g.replace(m.call(names.grow, [EXPR.MemoryGrow.getDelta(g.expr)], i32));
  }
  for (const fn of fns) {
    for (const loop of fn.facts.loops) {
      const body = EXPR.Loop.getBody(loop.expr);
      EXPR.Loop.setBody(loop.expr, m.block(null, [...charge(m, names, loop.size), body], binaryen.auto));
    }
    const weight = metered.get(fn.name);
    if (weight !== undefined) {
      const body = EXPR.Function.getBody(fn.ref);
      EXPR.Function.setBody(fn.ref, m.block(null, [...charge(m, names, weight), body], binaryen.auto));
    }
  }
  return costs;
}

/**
 * Functions whose entry is metered, with the weight charged there, and every function's unmetered
 * cost (0 when metered). Tarjan's algorithm yields the strongly connected components callees
 * first, so each function's callees are settled before it. A callee outside `fns` costs what
 * `knownCosts` says (the runtime's functions), or nothing (an import: the host's).
 */
function meteredEntries(
  fns: Fn[],
  knownCosts: Map<string, number>,
  tableFns: Set<string>,
): { metered: Map<string, number>; costs: Map<string, number> } {
  const byName = new Map(fns.map((f) => [f.name, f]));
  const table = [...tableFns].filter((n) => byName.has(n));
  const edges = (fn: Fn): string[] => {
    const out = fn.facts.calls.filter((c) => byName.has(c));
    return fn.facts.callsIndirectly ? [...out, ...table] : out;
  };
  const metered = new Map<string, number>();
  const costs = new Map<string, number>();
  for (const component of stronglyConnected(fns.map((f) => f.name), (n) => edges(byName.get(n)!))) {
    const cyclic = component.length > 1 || edges(byName.get(component[0])!).includes(component[0]);
    const members = new Set(component);
    for (const name of component) {
      const fn = byName.get(name)!;
      let cost = fn.facts.size;
      for (const callee of fn.facts.calls) {
        if (!members.has(callee)) cost += costs.get(callee) ?? knownCosts.get(callee) ?? 0;
      }
      if (cyclic || tableFns.has(name) || cost > MAX_SEGMENT) {
        // Charged its own size: the callees it runs are charged at their own metering points, or
        // (unmetered) are small; its cost would count every branch of every callee on each call.
        metered.set(name, Math.min(Math.max(fn.facts.size, 1), FULL >> 4));
        costs.set(name, 0);
      } else {
        costs.set(name, cost);
      }
    }
  }
  return { metered, costs };
}

/** Tarjan's strongly connected components, iteratively; components come out callees first. */
function stronglyConnected(nodes: string[], next: (n: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const frames: { node: string; succ: string[]; i: number }[] = [];
    const enter = (n: string) => {
      index.set(n, counter);
      low.set(n, counter++);
      stack.push(n);
      onStack.add(n);
      frames.push({ node: n, succ: next(n), i: 0 });
    };
    enter(root);
    while (frames.length > 0) {
      const f = frames[frames.length - 1];
      if (f.i < f.succ.length) {
        const w = f.succ[f.i++];
        if (!index.has(w)) enter(w);
        else if (onStack.has(w)) low.set(f.node, Math.min(low.get(f.node)!, index.get(w)!));
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(f.node)!));
      }
      if (low.get(f.node) === index.get(f.node)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== f.node);
        out.push(component);
      }
    }
  }
  return out;
}

/** `fuel -= weight; if (fuel < 0) refuel()` */
function charge(m: binaryen.Module, names: MeterNames, weight: number): number[] {
  const fuel = names.fuel;
  return [
    m.global.set(fuel, m.i32.sub(m.global.get(fuel, i32), m.i32.const(weight))),
    m.if(m.i32.lt_s(m.global.get(fuel, i32), m.i32.const(0)), m.call(names.refuel, [], binaryen.none)),
  ];
}

/** The internal name of the `env.opa_builtin0` import, added when the module does not import it. */
function opaBuiltin0(m: binaryen.Module): string {
  for (let i = 0; i < m.getNumFunctions(); i++) {
    const info = binaryen.getFunctionInfo(m.getFunctionByIndex(i));
    if (info.module === "env" && info.base === "opa_builtin0") return info.name;
  }
  m.addFunctionImport(BUILTIN0, "env", "opa_builtin0", binaryen.createType([i32, i32]), i32);
  return BUILTIN0;
}

/** The fuel and slice globals, `$refuel`, `$grow` and the exported `gw_meter_arm`. */
function addRuntime(m: binaryen.Module, builtin0: string): MeterNames {
  m.addGlobal(FUEL, i32, true, m.i32.const(FULL));
  m.addGlobal(SLICE, i32, true, m.i32.const(0));
  const slice = () => m.global.get(SLICE, i32);
  const callHost = (id: number) => m.drop(m.call(builtin0, [m.i32.const(id), m.i32.const(0)], i32));
  m.addFunction(
    REFUEL,
    binaryen.none,
    binaryen.none,
    [],
    m.if(
      m.i32.eqz(slice()),
      m.global.set(FUEL, m.i32.const(FULL)),
      m.block(null, [callHost(METER_REFUEL.id), m.global.set(FUEL, slice())]),
    ),
  );
  // grow(delta) → old size in pages, or -1 (after telling an armed host). Armed, it also calls
  // refuel first: touching fresh pages is slow (page faults) while it costs little fuel, so an
  // evaluation that allocates fast is checked at every growth.
  m.addFunction(
    GROW,
    binaryen.createType([i32]),
    i32,
    [i32],
    m.block(null, [
      m.if(m.i32.ne(slice(), m.i32.const(0)), callHost(METER_REFUEL.id)),
      m.local.set(1, m.memory.grow(m.local.get(0, i32))),
      m.if(
        m.i32.and(m.i32.eq(m.local.get(1, i32), m.i32.const(-1)), m.i32.ne(slice(), m.i32.const(0))),
        callHost(METER_MEMORY_EXHAUSTED.id),
      ),
      m.local.get(1, i32),
    ], i32),
  );
  // arm(slice): 0 (or less) disarms
  const arg = () => m.local.get(0, i32);
  m.addFunction(
    ARM,
    binaryen.createType([i32]),
    binaryen.none,
    [],
    m.block(null, [
      m.global.set(SLICE, m.select(m.i32.gt_s(arg(), m.i32.const(0)), arg(), m.i32.const(0))),
      m.global.set(FUEL, m.select(m.i32.eqz(slice()), m.i32.const(FULL), slice())),
    ]),
  );
  m.addFunctionExport(ARM, METER_ARM_EXPORT);
  return { fuel: FUEL, slice: SLICE, refuel: REFUEL, grow: GROW };
}

/**
 * Replaces the `builtins` export with one that adds the meter's built-ins to the module's map:
 * it dumps the original map as JSON text, copies it with the entries appended before the closing
 * brace, and parses the result (only OPA's ABI functions are used, so any OPA module works).
 */
function wrapBuiltins(m: binaryen.Module): void {
  const original = binaryen.getExportInfo(m.getExport("builtins")).value;
  const call = (name: string, args: number[]) => m.call(internal(m, name), args, i32);
  const entries = [METER_REFUEL, METER_MEMORY_EXHAUSTED].map((b) => `${JSON.stringify(b.name)}:${b.id}`);
  const suffix = new TextEncoder().encode(`${entries.join(",")}}`);
  const [src, len, dst, i, at] = [0, 1, 2, 3, 4];
  const get = (n: number) => m.local.get(n, i32);
  const byteAt = (base: number, offset: number) => m.i32.load8_u(0, 1, m.i32.add(get(base), offset));
  const body = [
    m.local.set(src, call("opa_json_dump", [m.call(original, [], i32)])),
    // len = strlen(src)
    m.block("len_done", [
      m.loop(
        "len_next",
        m.block(null, [
          m.br("len_done", m.i32.eqz(byteAt(src, get(len)))),
          m.local.set(len, m.i32.add(get(len), m.i32.const(1))),
          m.br("len_next"),
        ]),
      ),
    ]),
    // Not an object ("{…}"): left as it is.
    m.if(
      m.i32.or(
        m.i32.lt_u(get(len), m.i32.const(2)),
        m.i32.ne(byteAt(src, m.i32.sub(get(len), m.i32.const(1))), m.i32.const(0x7d)),
      ),
      m.return(call("opa_json_parse", [get(src), get(len)])),
    ),
    m.local.set(dst, call("opa_malloc", [m.i32.add(get(len), m.i32.const(suffix.length + 2))])),
    // copy all but the closing brace
    m.block("copy_done", [
      m.loop(
        "copy_next",
        m.block(null, [
          m.br("copy_done", m.i32.ge_u(get(i), m.i32.sub(get(len), m.i32.const(1)))),
          m.i32.store8(0, 1, m.i32.add(get(dst), get(i)), byteAt(src, get(i))),
          m.local.set(i, m.i32.add(get(i), m.i32.const(1))),
          m.br("copy_next"),
        ]),
      ),
    ]),
    m.local.set(at, m.i32.add(get(dst), get(i))),
    // a comma unless the map was empty ("{}")
    m.if(
      m.i32.ne(byteAt(src, m.i32.sub(get(len), m.i32.const(2))), m.i32.const(0x7b)),
      m.block(null, [
        m.i32.store8(0, 1, get(at), m.i32.const(0x2c)),
        m.local.set(at, m.i32.add(get(at), m.i32.const(1))),
      ]),
    ),
    ...Array.from(suffix, (b, k) => m.i32.store8(k, 1, get(at), m.i32.const(b))),
    m.i32.store8(suffix.length, 1, get(at), m.i32.const(0)),
    call("opa_json_parse", [get(dst), m.i32.sub(m.i32.add(get(at), m.i32.const(suffix.length)), get(dst))]),
  ];
  m.addFunction(BUILTINS, binaryen.none, i32, [i32, i32, i32, i32, i32], m.block(null, body, i32));
  m.removeExport("builtins");
  m.addFunctionExport(BUILTINS, "builtins");
}

function internal(m: binaryen.Module, exportName: string): string {
  return binaryen.getExportInfo(m.getExport(exportName)).value;
}
