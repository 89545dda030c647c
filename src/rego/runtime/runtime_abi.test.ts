import { deepEqual, equal, ok } from "node:assert/strict";
import binaryen from "binaryen";
import { RUNTIME_FUNCTIONS, type WasmType } from "../emit/runtime_abi.ts";
import { RUNTIME_SOURCE_SHA256, RUNTIME_WASM } from "../emit/runtime_wasm.ts";
import { NATIVE_BUILTINS } from "../builtins/native.ts";
import { hashSources, readSources } from "./build.ts";

/** Exported function name → [param types, result type], read with binaryen. */
function exportedSignatures(): Map<string, [WasmType[], WasmType]> {
  const mod = binaryen.readBinary(RUNTIME_WASM);
  const names = new Map<number, WasmType>([
    [binaryen.i32, "i32"],
    [binaryen.i64, "i64"],
    [binaryen.f64, "f64"],
    [binaryen.none, "none"],
  ]);
  const sigs = new Map<string, [WasmType[], WasmType]>();
  for (let i = 0; i < mod.getNumExports(); i++) {
    const info = binaryen.getExportInfo(mod.getExportByIndex(i));
    if (info.kind !== binaryen.ExternalFunction) continue;
    const fn = binaryen.getFunctionInfo(mod.getFunction(info.value));
    const params = binaryen.expandType(fn.params).map((t) => names.get(t) ?? ("?" as WasmType));
    sigs.set(info.name, [params, names.get(fn.results) ?? ("?" as WasmType)]);
  }
  mod.dispose();
  return sigs;
}

Deno.test("runtime_wasm.ts is fresh (source hash matches)", async () => {
  equal(RUNTIME_SOURCE_SHA256, await hashSources(await readSources()), "run `deno task runtime:build`");
});

Deno.test("runtime exports every RUNTIME_FUNCTIONS entry with the declared types", () => {
  const sigs = exportedSignatures();
  for (const [name, fn] of Object.entries(RUNTIME_FUNCTIONS)) {
    const sig = sigs.get(name);
    ok(sig, `missing export ${name}`);
    deepEqual(sig, [fn.params, fn.result], name);
  }
});

Deno.test("native built-ins exist as i32 functions of their arity", () => {
  const sigs = exportedSignatures();
  for (const [name, bi] of Object.entries(NATIVE_BUILTINS)) {
    const sig = sigs.get(bi.export);
    ok(sig, `missing export ${bi.export} for ${name}`);
    deepEqual(sig, [Array(bi.arity).fill("i32"), "i32"], name);
    equal(bi.export, "bi_" + name.replaceAll(".", "_"));
  }
});

Deno.test("runtime imports only memory, opa_abort and opa_println", () => {
  const allowed = new Set(["env.memory", "env.opa_abort", "env.opa_println"]);
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(RUNTIME_WASM as BufferSource));
  for (const imp of imports) ok(allowed.has(`${imp.module}.${imp.name}`), `${imp.module}.${imp.name}`);
  ok(imports.some((i) => i.module === "env" && i.name === "memory" && i.kind === "memory"));
});

Deno.test("runtime has no start function and exports only rt_/bi_/opa_ functions and memory", () => {
  const mod = binaryen.readBinary(RUNTIME_WASM);
  equal(mod.getStart(), 0);
  for (let i = 0; i < mod.getNumExports(); i++) {
    const info = binaryen.getExportInfo(mod.getExportByIndex(i));
    ok(/^(rt_|bi_|opa_)/.test(info.name) || info.name === "memory", info.name);
  }
  mod.dispose();
});
