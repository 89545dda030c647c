/**
 * What the meter adds to a module to talk to its host (the contract: meter_abi.ts): the fuel and
 * slice globals, `$refuel` (the call-out), `$grow` (every `memory.grow` goes through it), the
 * exported `gw_meter_arm`, and a `builtins` export that lists the meter's built-ins.
 */
import binaryen from "binaryen";
import { METER_ARM_EXPORT, METER_MEMORY_EXHAUSTED, METER_REFUEL } from "./meter_abi.ts";

const i32 = binaryen.i32;
const i64 = binaryen.i64;
/** The fuel (an i64) of an unarmed module, refilled whenever it runs out (it never calls out). */
const FULL = 1n << 62n;
/** Internal names of what is added ("gw$" is not a prefix binaryen or the emitter use). */
const FUEL = "gw$meter_fuel";
const SLICE = "gw$meter_slice";
const REFUEL = "gw$meter_refuel";
const GROW = "gw$meter_grow";
const ARM = "gw$meter_arm";
const BUILTINS = "gw$meter_builtins";
const BUILTIN0 = "gw$meter_opa_builtin0";

/** Internal names of the meter's global and functions in a module. */
export interface MeterNames {
  fuel: string;
  slice: string;
  refuel: string;
  grow: string;
}

/** The internal name of the `env.opa_builtin0` import, added when the module does not import it. */
export function opaBuiltin0(m: binaryen.Module): string {
  for (let i = 0; i < m.getNumFunctions(); i++) {
    const info = binaryen.getFunctionInfo(m.getFunctionByIndex(i));
    if (info.module === "env" && info.base === "opa_builtin0") return info.name;
  }
  m.addFunctionImport(BUILTIN0, "env", "opa_builtin0", binaryen.createType([i32, i32]), i32);
  return BUILTIN0;
}

/**
 * The fuel and slice globals, `$refuel`, `$grow` and the exported `gw_meter_arm`.
 *
 * `$refuel`: unarmed (slice 0: the stock SDK, a host that knows nothing of this) it refills the
 * fuel to FULL and never calls out; armed, it calls the host's refuel built-in, which may throw to
 * stop the evaluation, and gives the module `slice` more.
 */
export function addMeterInterface(m: binaryen.Module, builtin0: string): MeterNames {
  const full = () => m.i64.const(FULL);
  m.addGlobal(FUEL, i64, true, full());
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
      m.global.set(FUEL, full()),
      m.block(null, [callHost(METER_REFUEL.id), m.global.set(FUEL, m.i64.extend_u(slice()))]),
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
      m.global.set(FUEL, m.select(m.i32.eqz(slice()), full(), m.i64.extend_u(slice()))),
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
export function wrapBuiltins(m: binaryen.Module): void {
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

export function internal(m: binaryen.Module, exportName: string): string {
  return binaryen.getExportInfo(m.getExport(exportName)).value;
}
