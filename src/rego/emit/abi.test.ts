/**
 * OPA's Wasm ABI as a host without the SDK sees it: both evaluation paths (opa_eval, ABI 1.2,
 * and the context API of ABI 1.0), the result set shape, invalid input JSON, and aborts.
 */
import assert from "node:assert/strict";
import { compile, formatDiagnostic } from "../mod.ts";
import { METER_MEMORY_EXHAUSTED, METER_REFUEL } from "./meter_abi.ts";

const POLICY = `package t
import rego.v1
default allow := false
allow if input.user == "alice"
conflict := x if { some x in input.xs }
`;

interface Abi {
  memory: WebAssembly.Memory;
  exports: Record<string, CallableFunction | WebAssembly.Global>;
  call(name: string, ...args: number[]): number;
}

function instantiate(): Abi {
  const result = compile([{ path: "t.rego", text: POLICY }], { entrypoints: ["t/allow", "t/conflict"] });
  assert.deepEqual(result.diagnostics.map(formatDiagnostic), []);
  const memory = new WebAssembly.Memory({ initial: 5 });
  const text = (addr: number) => {
    const bytes = new Uint8Array(memory.buffer, addr);
    return new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0)));
  };
  const builtin = () => {
    throw new Error("no host built-ins expected");
  };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(result.wasm!), {
    env: {
      memory,
      opa_abort: (addr: number) => {
        throw new Error(`abort: ${text(addr)}`);
      },
      opa_println: (addr: number) => console.log(text(addr)),
      opa_builtin0: builtin,
      opa_builtin1: builtin,
      opa_builtin2: builtin,
      opa_builtin3: builtin,
      opa_builtin4: builtin,
    },
  });
  const exports = instance.exports as Abi["exports"];
  return { memory, exports, call: (name, ...args) => (exports[name] as CallableFunction)(...args) as number };
}

function writeBytes(abi: Abi, s: string): [number, number] {
  const bytes = new TextEncoder().encode(s);
  const addr = abi.call("opa_malloc", bytes.length);
  new Uint8Array(abi.memory.buffer).set(bytes, addr);
  return [addr, bytes.length];
}

function readJson(abi: Abi, addr: number): unknown {
  const bytes = new Uint8Array(abi.memory.buffer, addr);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0))));
}

Deno.test("ABI versions and the entrypoints/builtins documents", () => {
  const abi = instantiate();
  assert.equal((abi.exports.opa_wasm_abi_version as WebAssembly.Global).value, 1);
  assert.ok((abi.exports.opa_wasm_abi_minor_version as WebAssembly.Global).value >= 2);
  assert.deepEqual(readJson(abi, abi.call("opa_json_dump", abi.call("entrypoints"))), {
    "t/allow": 0,
    "t/conflict": 1,
  });
  // No host built-in is called; the meter's two are declared (meter_abi.ts).
  assert.deepEqual(readJson(abi, abi.call("opa_json_dump", abi.call("builtins"))), {
    [METER_REFUEL.name]: METER_REFUEL.id,
    [METER_MEMORY_EXHAUSTED.name]: METER_MEMORY_EXHAUSTED.id,
  });
});

Deno.test("opa_eval: result set, undefined, invalid input JSON leaves input undefined", () => {
  const abi = instantiate();
  const data = abi.call("opa_json_parse", ...writeBytes(abi, "{}"));
  const evalWith = (input: string) => {
    const heap = abi.call("opa_heap_ptr_get");
    const bytes = new TextEncoder().encode(input);
    new Uint8Array(abi.memory.buffer).set(bytes, heap);
    return readJson(abi, abi.call("opa_eval", 0, 0, data, heap, bytes.length, heap + bytes.length, 0));
  };
  assert.deepEqual(evalWith('{"user":"alice"}'), [{ result: true }]);
  assert.deepEqual(evalWith('{"user":"bob"}'), [{ result: false }]);
  assert.deepEqual(evalWith('{"user": "alice"'), [{ result: false }]); // not JSON: input undefined
});

Deno.test("context API (ABI 1.0): eval_ctx_new/set_input/set_data/set_entrypoint/eval/get_result", () => {
  const abi = instantiate();
  const base = abi.call("opa_heap_ptr_get");
  for (const [user, want] of [["alice", true], ["eve", false]] as const) {
    abi.call("opa_heap_ptr_set", base);
    const input = abi.call("opa_json_parse", ...writeBytes(abi, JSON.stringify({ user })));
    const data = abi.call("opa_json_parse", ...writeBytes(abi, "{}"));
    const ctx = abi.call("opa_eval_ctx_new");
    abi.call("opa_eval_ctx_set_input", ctx, input);
    abi.call("opa_eval_ctx_set_data", ctx, data);
    abi.call("opa_eval_ctx_set_entrypoint", ctx, 0);
    assert.equal(abi.call("eval", ctx), 0);
    assert.deepEqual(readJson(abi, abi.call("opa_json_dump", abi.call("opa_eval_ctx_get_result", ctx))), [{
      result: want,
    }]);
  }
});

Deno.test("a conflict aborts through env.opa_abort with file:row:col", () => {
  const abi = instantiate();
  const data = abi.call("opa_json_parse", ...writeBytes(abi, "{}"));
  const heap = abi.call("opa_heap_ptr_get");
  const bytes = new TextEncoder().encode('{"xs":[1,2]}');
  new Uint8Array(abi.memory.buffer).set(bytes, heap);
  assert.throws(
    () => abi.call("opa_eval", 0, 1, data, heap, bytes.length, heap + bytes.length, 0),
    /abort: t\.rego:5:1: var assignment conflict/,
  );
});
