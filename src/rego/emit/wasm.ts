/**
 * Stage 4: IR → WebAssembly following OPA's Wasm ABI.
 *
 * The embedded runtime module (runtime_wasm.ts, built from src/rego/runtime/) is read with
 * binaryen; the planned funcs and plans are added as Wasm functions calling the runtime's exports
 * (runtime_abi.ts; the statements are lowered in lower.ts); OPA's ABI exports are added; the
 * runtime's internal exports are removed.
 */
import binaryen from "binaryen";
import type { Func, Plan, Policy } from "../ir/ir.ts";
import { ABI_RUNTIME_EXPORTS, RUNTIME_FUNCTIONS, type RuntimeFunctionName } from "./runtime_abi.ts";
import { RUNTIME_WASM } from "./runtime_wasm.ts";
import { FunctionLowering, type LoweringHost, maxLocal } from "./lower.ts";
import { hostCallName, SET_CODEC_SUFFIX } from "../builtins/host_sets.ts";

export interface EmitOptions {
  strict: boolean;
  optimize: boolean;
  /** The runtime module to start from. Default: the embedded one (RUNTIME_WASM). */
  runtime?: Uint8Array;
  /** Later stages that work on the finished module before it is written (the meter, meter.ts). */
  after?: ((m: binaryen.Module) => void)[];
}

const i32 = binaryen.i32;
const ABI_MINOR_VERSION = 2;
const utf8 = new TextEncoder();

export function emitWasm(policy: Policy, opts: EmitOptions): Uint8Array<ArrayBuffer> {
  const m = binaryen.readBinary(opts.runtime ?? RUNTIME_WASM);
  // What the runtime's AssemblyScript build uses; every engine the SDK runs on supports these.
  const f = binaryen.Features;
  m.setFeatures(f.MVP | f.MutableGlobals | f.BulkMemory | f.BulkMemoryOpt | f.SignExt | f.NontrappingFPToInt);
  try {
    const emitter = new ModuleEmitter(m, policy, opts);
    emitter.emit();
    // The runtime's functions the policy never reaches (native built-ins it does not call) are
    // dropped: a module carries only the runtime it uses (~2 ms; -O's optimiser does it anyway).
    if (!opts.optimize) m.runPasses(["remove-unused-module-elements"]);
    if (opts.optimize) {
      binaryen.setOptimizeLevel(2);
      binaryen.setShrinkLevel(1);
      m.optimize();
    }
    emitter.restoreBuiltinImports();
    for (const stage of opts.after ?? []) stage(m);
    if (!m.validate()) throw new Error("internal error: emitted module does not validate");
    return new Uint8Array(m.emitBinary());
  } finally {
    m.dispose();
  }
}

class ModuleEmitter implements LoweringHost {
  /** Address and byte length of each static string (policy strings, then the emitter's own). */
  private readonly strings: { ptr: number; len: number }[] = [];
  private readonly extraStrings = new Map<string, number>();
  private readonly funcNames = new Set<string>();
  private readonly hostBuiltins = new Map<string, number>();
  /** Host built-ins called through the set codec (../builtins/host_sets.ts). */
  private readonly setCodec = new Set<string>();
  private readonly rtNames = new Map<string, string>();
  /** Memoised funcs, each with two globals: whether a value is cached, and the value. */
  private memoSlots = 0;
  private readonly staticText: string[];

  constructor(private m: binaryen.Module, private policy: Policy, private opts: EmitOptions) {
    this.staticText = [...policy.static.strings];
    for (const f of policy.funcs) this.funcNames.add(f.name);
    policy.static.builtinFuncs.forEach((b, i) => this.hostBuiltins.set(b.name, i));
    for (const b of policy.static.builtinFuncs) {
      if (hostCallName(b.name).endsWith(SET_CODEC_SUFFIX)) this.setCodec.add(b.name);
    }
  }

  emit(): void {
    this.resolveRuntime();
    this.addBuiltinImports();
    // Strings needed by the ABI functions are interned before the data layout is fixed.
    const entrypointsJson = JSON.stringify(Object.fromEntries(this.policy.plans.map((p, i) => [p.name, i])));
    const builtinsJson = JSON.stringify(
      Object.fromEntries(this.policy.static.builtinFuncs.map((b, i) => [hostCallName(b.name), i])),
    );
    const epIdx = this.intern(entrypointsJson);
    const biIdx = this.intern(builtinsJson);
    const badEp = this.intern("invalid entrypoint id");
    // Messages used by statements are interned during lowering, so lower first, then lay out data.
    for (const f of this.policy.funcs) this.addFunc(f);
    this.policy.plans.forEach((p, i) => this.addPlan(p, i));
    this.addDispatch(badEp);
    this.addAbiExports(epIdx, biIdx);
    this.layoutData();
    this.stripInternalExports();
  }

  // --- runtime --------------------------------------------------------------------------------

  private resolveRuntime(): void {
    for (const name of Object.keys(RUNTIME_FUNCTIONS)) {
      const exp = this.m.getExport(name);
      if (!exp) throw new Error(`runtime is missing export ${name}`);
      this.rtNames.set(name, binaryen.getExportInfo(exp).value);
    }
  }

  /** Internal name of a runtime export (an rt_* function or a bi_* native built-in). */
  private rt(name: string): string {
    let internal = this.rtNames.get(name);
    if (internal === undefined) {
      const exp = this.m.getExport(name);
      if (!exp) throw new Error(`runtime has no function ${name}`);
      internal = binaryen.getExportInfo(exp).value;
      this.rtNames.set(name, internal);
    }
    return internal;
  }

  private call(name: RuntimeFunctionName, args: number[]): number {
    const result = RUNTIME_FUNCTIONS[name].result === "none" ? binaryen.none : i32;
    return this.m.call(this.rt(name), args, result);
  }

  private addBuiltinImports(): void {
    for (let n = 0; n <= 4; n++) {
      const params = binaryen.createType(new Array(n + 2).fill(i32));
      this.m.addFunctionImport(`opa_builtin${n}`, "env", `opa_builtin${n}`, params, i32);
    }
  }

  /** OPA's ABI: the module imports opa_builtin0..4 even when it calls none (after dead-code removal). */
  restoreBuiltinImports(): void {
    for (let n = 0; n <= 4; n++) {
      if (this.m.getFunction(`opa_builtin${n}`) !== 0) continue;
      const params = binaryen.createType(new Array(n + 2).fill(i32));
      this.m.addFunctionImport(`opa_builtin${n}`, "env", `opa_builtin${n}`, params, i32);
    }
  }

  // --- static data ----------------------------------------------------------------------------

  private intern(text: string): number {
    let idx = this.extraStrings.get(text);
    if (idx === undefined) {
      idx = this.staticText.length;
      this.staticText.push(text);
      this.extraStrings.set(text, idx);
    }
    return idx;
  }

  /** Expressions for a static string's address and length, resolved after layout. */
  private strPtr(idx: number): number {
    return this.m.global.get(`$str_ptr_${idx}`, i32);
  }

  private layoutData(): void {
    const m = this.m;
    const segments: binaryen.MemorySegment[] = [];
    let end = 0;
    // binaryen.js has these at run time; its type declarations lack them.
    const seg = m as unknown as DataSegmentAccess;
    for (let i = 0; i < seg.getNumDataSegments(); i++) {
      const info = seg.getDataSegmentInfo(m.getDataSegmentByIndex(i));
      const data = new Uint8Array(info.data);
      segments.push({ offset: m.i32.const(info.offset), data, passive: info.passive });
      if (!info.passive) end = Math.max(end, info.offset + data.length);
    }
    const start = align(end, 8);
    const chunks: Uint8Array[] = [];
    let cursor = start;
    for (const text of this.staticText) {
      const bytes = utf8.encode(text);
      this.strings.push({ ptr: cursor, len: bytes.length });
      const withNul = new Uint8Array(bytes.length + 1);
      withNul.set(bytes);
      chunks.push(withNul);
      cursor += withNul.length;
    }
    const blob = new Uint8Array(cursor - start);
    let off = 0;
    for (const c of chunks) {
      blob.set(c, off);
      off += c.length;
    }
    if (blob.length > 0) segments.push({ offset: m.i32.const(start), data: blob, passive: false });
    // String addresses and lengths are immutable globals, so functions could be lowered first.
    this.strings.forEach((s, i) => {
      m.addGlobal(`$str_ptr_${i}`, i32, false, m.i32.const(s.ptr));
      m.addGlobal(`$str_len_${i}`, i32, false, m.i32.const(s.len));
    });
    const heapStart = align(cursor, 8);
    const memName = binaryen.getExportInfo(m.getExport("memory")).value;
    const pages = Math.max(2, Math.ceil(heapStart / 65536));
    m.setMemory(pages, -1, null, segments, false, false, memName);
    m.addMemoryImport(memName, "env", "memory");
    m.addFunction(
      "$start",
      binaryen.none,
      binaryen.none,
      [],
      this.call("rt_heap_init", [m.i32.const(heapStart)]),
    );
    m.setStart(m.getFunction("$start"));
  }

  private stripInternalExports(): void {
    const keep = new Set<string>([...ABI_RUNTIME_EXPORTS, "memory"]);
    const drop: string[] = [];
    for (let i = 0; i < this.m.getNumExports(); i++) {
      const name = binaryen.getExportInfo(this.m.getExportByIndex(i)).name;
      if (!keep.has(name) && (name.startsWith("rt_") || name.startsWith("bi_"))) drop.push(name);
    }
    for (const name of drop) this.m.removeExport(name);
  }

  // --- ABI exports ----------------------------------------------------------------------------

  private addDispatch(badEp: number): void {
    const m = this.m;
    m.addGlobal("$eval_input", i32, true, m.i32.const(0));
    m.addGlobal("$eval_data", i32, true, m.i32.const(0));
    for (let i = 0; i < this.memoSlots; i++) {
      m.addGlobal(`$memo_set_${i}`, i32, true, m.i32.const(0));
      m.addGlobal(`$memo_val_${i}`, i32, true, m.i32.const(0));
    }
    // dispatch(entrypoint, input, data) → result set
    const arms = this.policy.plans.map((_, i) =>
      m.if(
        m.i32.eq(m.local.get(0, i32), m.i32.const(i)),
        m.return(m.call(`$plan_${i}`, [m.local.get(1, i32), m.local.get(2, i32)], i32)),
      )
    );
    m.addFunction(
      "$dispatch",
      binaryen.createType([i32, i32, i32]),
      i32,
      [],
      m.block(null, [
        this.call("rt_set_strict", [m.i32.const(this.opts.strict ? 1 : 0)]),
        m.global.set("$eval_input", m.local.get(1, i32)),
        m.global.set("$eval_data", m.local.get(2, i32)),
        ...Array.from({ length: this.memoSlots }, (_, i) => m.global.set(`$memo_set_${i}`, m.i32.const(0))),
        ...arms,
        this.call("rt_abort", [this.strPtr(badEp)]),
        m.unreachable(),
      ], i32),
    );
  }

  private addAbiExports(epIdx: number, biIdx: number): void {
    const m = this.m;
    const jsonOf = (idx: number) =>
      this.call("opa_json_parse", [this.strPtr(idx), m.global.get(`$str_len_${idx}`, i32)]);
    m.addFunction("$entrypoints", binaryen.none, i32, [], jsonOf(epIdx));
    m.addFunctionExport("$entrypoints", "entrypoints");
    m.addFunction("$builtins", binaryen.none, i32, [], jsonOf(biIdx));
    m.addFunctionExport("$builtins", "builtins");

    // eval(ctx): the context API (ABI 1.0).
    m.addFunction(
      "$eval",
      binaryen.createType([i32]),
      i32,
      [],
      m.block(null, [
        this.call("rt_eval_ctx_set_result", [
          m.local.get(0, i32),
          m.call("$dispatch", [
            this.call("rt_eval_ctx_entrypoint", [m.local.get(0, i32)]),
            this.call("rt_eval_ctx_input", [m.local.get(0, i32)]),
            this.call("rt_eval_ctx_data", [m.local.get(0, i32)]),
          ], i32),
        ]),
        m.i32.const(0),
      ], i32),
    );
    m.addFunctionExport("$eval", "eval");

    // opa_eval(reserved, entrypoint, data, input_ptr, input_len, heap_ptr, format): ABI 1.2.
    const [ep, data, inPtr, inLen, heap, format] = [1, 2, 3, 4, 5, 6];
    const input = 7, rs = 8;
    m.addFunction(
      "$opa_eval",
      binaryen.createType([i32, i32, i32, i32, i32, i32, i32]),
      i32,
      [i32, i32],
      m.block(null, [
        this.call("opa_heap_ptr_set", [m.local.get(heap, i32)]),
        m.if(
          m.i32.gt_s(m.local.get(inLen, i32), m.i32.const(0)),
          m.local.set(input, this.call("opa_json_parse", [m.local.get(inPtr, i32), m.local.get(inLen, i32)])),
        ),
        m.if(m.i32.eqz(m.local.get(data, i32)), m.local.set(data, this.call("rt_object", []))),
        m.local.set(
          rs,
          m.call("$dispatch", [m.local.get(ep, i32), m.local.get(input, i32), m.local.get(data, i32)], i32),
        ),
        m.if(
          m.i32.eq(m.local.get(format, i32), m.i32.const(1)),
          m.return(this.call("opa_value_dump", [m.local.get(rs, i32)])),
        ),
        this.call("opa_json_dump", [m.local.get(rs, i32)]),
      ], i32),
    );
    m.addFunctionExport("$opa_eval", "opa_eval");

    m.addGlobal("$abi_version", i32, false, m.i32.const(1));
    m.addGlobalExport("$abi_version", "opa_wasm_abi_version");
    m.addGlobal("$abi_minor_version", i32, false, m.i32.const(ABI_MINOR_VERSION));
    m.addGlobalExport("$abi_minor_version", "opa_wasm_abi_minor_version");
  }

  // --- functions ------------------------------------------------------------------------------

  private addFunc(f: Func): void {
    const fn = new FunctionLowering(this, maxLocal(f.blocks, f.params) + 1, f.params.length);
    const m = this.m;
    const prologue: number[] = [];
    if (f.memo) {
      // Memoised while called with the evaluation's own input and data (see Func.memo).
      const slot = this.memoSlots++;
      const own = fn.temp();
      fn.memo = { slot, own };
      prologue.push(
        m.local.set(
          own,
          m.i32.and(
            m.i32.eq(m.local.get(0, i32), m.global.get("$eval_input", i32)),
            m.i32.eq(m.local.get(1, i32), m.global.get("$eval_data", i32)),
          ),
        ),
        m.if(
          m.i32.and(m.local.get(own, i32), m.global.get(`$memo_set_${slot}`, i32)),
          m.return(m.global.get(`$memo_val_${slot}`, i32)),
        ),
      );
    }
    const body = [...prologue, ...f.blocks.map((b) => fn.block(b)), this.m.return(this.m.i32.const(0))];
    this.m.addFunction(
      f.name,
      binaryen.createType(f.params.map(() => i32)),
      i32,
      fn.varTypes(),
      this.m.block(null, body, i32),
    );
  }

  private addPlan(p: Plan, index: number): void {
    const fn = new FunctionLowering(this, maxLocal(p.blocks, [0, 1]) + 1, 2);
    const rs = fn.temp();
    fn.resultSet = rs;
    const m = this.m;
    const body = [
      m.local.set(rs, this.call("rt_set", [])),
      ...p.blocks.map((b) => fn.block(b)),
      m.return(m.local.get(rs, i32)),
    ];
    m.addFunction(
      `$plan_${index}`,
      binaryen.createType([i32, i32]),
      i32,
      fn.varTypes(),
      m.block(null, body, i32),
    );
  }

  // --- helpers for FunctionLowering ------------------------------------------------------------

  module(): binaryen.Module {
    return this.m;
  }
  rtCall(name: RuntimeFunctionName, args: number[]): number {
    return this.call(name, args);
  }
  stringValue(idx: number): number {
    return this.call("rt_string", [this.strPtr(idx), this.m.global.get(`$str_len_${idx}`, i32)]);
  }
  numberRef(idx: number): number {
    return this.call("rt_number_ref", [this.strPtr(idx), this.m.global.get(`$str_len_${idx}`, i32)]);
  }
  abort(message: string): number {
    return this.m.block(null, [
      this.call("rt_abort", [this.strPtr(this.intern(message))]),
      this.m.unreachable(),
    ]);
  }
  fileName(index: number): string {
    return this.policy.static.files[index] ?? "";
  }
  callFunction(name: string, args: number[]): number {
    const m = this.m;
    if (this.funcNames.has(name)) return m.call(name, args, i32);
    const host = this.hostBuiltins.get(name);
    if (host !== undefined) {
      if (args.length > 4) throw new Error(`host built-in ${name} takes more than 4 arguments`);
      if (!this.setCodec.has(name)) {
        return m.call(`opa_builtin${args.length}`, [m.i32.const(host), m.i32.const(0), ...args], i32);
      }
      const encoded = args.map((a) => this.call("rt_host_arg", [a]));
      const result = m.call(
        `opa_builtin${args.length}`,
        [m.i32.const(host), m.i32.const(0), ...encoded],
        i32,
      );
      return this.call("rt_host_result", [result]);
    }
    return m.call(this.rt(name), args, i32);
  }
}

interface DataSegmentAccess {
  getNumDataSegments(): number;
  getDataSegmentInfo(ref: number): { offset: number; data: ArrayBuffer; passive: boolean };
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
