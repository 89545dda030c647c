/**
 * The metering pass on hand-written modules (loops, recursion, call chains, memory growth, the
 * `builtins()` map) run directly, with imports that stand in for the SDK, and on compiled Rego
 * run through the stock SDK: unarmed nothing changes; armed, the host can stop any of them.
 */
import assert from "node:assert/strict";
import binaryen from "binaryen";
import * as sdk from "@open-policy-agent/opa-wasm";
import { compile, formatDiagnostic } from "../mod.ts";
import { MeterUnsupported, meterWasm } from "./meter.ts";
import { METER_ARM_EXPORT, METER_MEMORY_EXHAUSTED, METER_REFUEL } from "./meter_abi.ts";

const loadPolicySync = (sdk as unknown as { default: typeof sdk }).default.loadPolicySync;

/** c0 calls c1 twice, …: 2^depth calls without a loop or a cycle. */
function chain(depth: number): string {
  const fns = [`(func $c${depth} (result i32) (i32.const 1))`];
  for (let i = depth - 1; i >= 0; i--) {
    fns.push(`(func $c${i} (result i32) (i32.add (call $c${i + 1}) (call $c${i + 1})))`);
  }
  return fns.join("\n");
}

/**
 * OPA's ABI as far as the pass needs it: values are JSON text here, so `opa_json_dump` is the
 * identity and `opa_json_parse` remembers the length it was given.
 */
const WAT = `
(module
  (import "env" "memory" (memory 1))
  (import "env" "opa_builtin0" (func $b0 (param i32 i32) (result i32)))
  (data (i32.const 16) "{\\"a\\":0}\\00")
  (data (i32.const 64) "{}\\00")
  (global $map (mut i32) (i32.const 16))
  (global $len (mut i32) (i32.const 0))
  (global $heap (mut i32) (i32.const 1024))
  (func (export "builtins") (result i32) (global.get $map))
  (func (export "set_map") (param i32) (global.set $map (local.get 0)))
  (func (export "opa_json_dump") (param i32) (result i32) (local.get 0))
  (func (export "opa_json_parse") (param i32 i32) (result i32)
    (global.set $len (local.get 1)) (local.get 0))
  (func (export "parsed_len") (result i32) (global.get $len))
  (func (export "opa_malloc") (param i32) (result i32) (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get 0)))
    (local.get $p))
  (func (export "spin") (loop $l (br $l)))
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $i))
  (func $fan (export "fan") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (i32.add (call $fan (i32.sub (local.get $n) (i32.const 1)))
                     (call $fan (i32.sub (local.get $n) (i32.const 1)))))))
  ${chain(40)}
  (func (export "chain") (result i32) (call $c0))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
)`;

function wat(text: string): Uint8Array {
  const m = binaryen.parseText(text);
  try {
    assert.ok(m.validate());
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

class Stop extends Error {}

interface Run {
  exports: Record<string, (...args: number[]) => number>;
  memory: WebAssembly.Memory;
  /** Ids the module called opa_builtin0 with. */
  calls: number[];
}

/** Instantiates with a host whose opa_builtin0 runs `onCall` (default: return). */
function run(wasm: Uint8Array, onCall: (id: number, r: Run) => void = () => {}): Run {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 });
  const r = { memory, calls: [] as number[] } as Run;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>), {
    env: {
      memory,
      opa_builtin0: (id: number) => {
        r.calls.push(id);
        onCall(id, r);
        return 0;
      },
    },
  });
  r.exports = instance.exports as Run["exports"];
  return r;
}

const plain = wat(WAT);
const metered = meterWasm(plain);

Deno.test("meter: unarmed, a module computes what it did and never calls out", () => {
  const before = run(plain), after = run(metered);
  for (const n of [0, 1, 1000, 3_000_000]) assert.equal(after.exports.count(n), before.exports.count(n));
  assert.equal(after.exports.fan(12), before.exports.fan(12));
  assert.equal(after.exports.grow(5), -1, "past the maximum, memory.grow still answers -1");
  assert.equal(after.exports.grow(1), 1);
  assert.deepEqual(after.calls, []);
});

Deno.test("meter: armed, the host is called every slice and the module runs on when it returns", () => {
  const r = run(metered);
  r.exports[METER_ARM_EXPORT](1000);
  assert.equal(r.exports.count(1_000_000), 1_000_000);
  assert.ok(r.calls.length > 100, `${r.calls.length} call-outs`);
  assert.ok(r.calls.every((id) => id === METER_REFUEL.id));
  r.calls.length = 0;
  r.exports[METER_ARM_EXPORT](0);
  assert.equal(r.exports.count(1_000_000), 1_000_000);
  assert.deepEqual(r.calls, [], "disarmed again");
});

Deno.test("meter: armed, a loop that never ends, exponential recursion and a 2^40 call chain are stopped", () => {
  for (const [name, args] of [["spin", []], ["fan", [60]], ["chain", []]] as const) {
    const r = run(metered, (id) => {
      if (id === METER_REFUEL.id && r.calls.length >= 3) throw new Stop();
    });
    r.exports[METER_ARM_EXPORT](10_000);
    assert.throws(() => r.exports[name](...args), Stop, name);
    assert.equal(r.calls.length, 3, name);
  }
});

Deno.test("meter: disarmed from a call-out, the fuel left runs out without calling out again", () => {
  const r = run(metered, (_id, self) => self.exports[METER_ARM_EXPORT](0));
  r.exports[METER_ARM_EXPORT](5);
  assert.equal(r.exports.count(1_000_000), 1_000_000);
  assert.deepEqual(r.calls, [METER_REFUEL.id]);
});

Deno.test("meter: armed, growing memory checks in first, and a failed memory.grow is reported before it answers -1", () => {
  const r = run(metered);
  r.exports[METER_ARM_EXPORT](1 << 20);
  assert.equal(r.exports.grow(1), 1);
  assert.deepEqual(r.calls, [METER_REFUEL.id]);
  assert.equal(r.exports.grow(1), -1);
  assert.deepEqual(r.calls, [METER_REFUEL.id, METER_REFUEL.id, METER_MEMORY_EXHAUSTED.id]);
});

Deno.test("meter: builtins() lists the meter's built-ins beside the module's own", () => {
  const r = run(metered);
  const text = () => {
    const at = r.exports.builtins();
    return new TextDecoder().decode(new Uint8Array(r.memory.buffer, at, r.exports.parsed_len()));
  };
  const meter = {
    [METER_REFUEL.name]: METER_REFUEL.id,
    [METER_MEMORY_EXHAUSTED.name]: METER_MEMORY_EXHAUSTED.id,
  };
  assert.deepEqual(JSON.parse(text()), { a: 0, ...meter });
  r.exports.set_map(64); // "{}"
  assert.deepEqual(JSON.parse(text()), meter);
});

Deno.test("meter: a metered module, one without OPA's ABI and bytes that are no module are refused", () => {
  assert.throws(() => meterWasm(metered), MeterUnsupported);
  const noDump = wat(WAT.replace(`(export "opa_json_dump")`, ""));
  assert.throws(
    () => meterWasm(noDump),
    (e) => e instanceof MeterUnsupported && /opa_json_dump/.test(e.message),
  );
  assert.throws(() => meterWasm(new Uint8Array([1, 2, 3])), MeterUnsupported);
});

// --- compiled Rego, through the stock SDK ---

const POLICY = `package p
import rego.v1
pairs := count([1 | some i in numbers.range(1, input.n); some j in numbers.range(1, input.n); i < j])
words := concat(",", sort([sprintf("w%d", [i]) | some i in numbers.range(1, input.n)]))
deep := count([1 | walk(input, _)])
`;

function compiled(meter: boolean): Uint8Array {
  const r = compile([{ path: "p.rego", text: POLICY }], { entrypoints: ["p"], meter });
  assert.deepEqual(r.diagnostics.map(formatDiagnostic), []);
  return r.wasm!;
}

Deno.test("meter: compiled policies answer the same metered or not, in the stock SDK with no extra built-in", async () => {
  const [a, b] = await Promise.all([sdk.loadPolicy(compiled(false)), sdk.loadPolicy(compiled(true))]);
  for (const n of [0, 1, 7, 60]) {
    const input = { n, nested: { list: [1, [2, { x: 3 }]] } };
    assert.deepEqual(b.evaluate(input, "p"), a.evaluate(input, "p"), `n = ${n}`);
  }
});

Deno.test("meter: an armed compiled policy is stopped by its host in the middle of an iteration", () => {
  let calls = 0;
  const policy = loadPolicySync(new WebAssembly.Module(compiled(true) as Uint8Array<ArrayBuffer>), {
    initial: 5,
  }, {
    [METER_REFUEL.name]: () => {
      if (++calls === 5) throw new Stop();
    },
  });
  ((policy.wasmInstance as WebAssembly.Instance).exports[METER_ARM_EXPORT] as (n: number) => void)(10_000);
  assert.throws(() => policy.evaluate({ n: 1_000_000 }, "p"), Stop);
  assert.equal(calls, 5);
});
