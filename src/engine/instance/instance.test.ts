/**
 * Bounded evaluation, through the engine with compiled policies: the deadline, the memory cap, the
 * replacement of a spoilt instance, and what happens when one cannot be made.
 */
import assert from "node:assert/strict";
import binaryen from "binaryen";
import { compile, formatDiagnostic } from "../../rego/mod.ts";
import { HOST_BUILTINS } from "../builtins/index.ts";
import { emptyManifest } from "../bundle/manifest.ts";
import { assembleFiles, writeBundle } from "../bundle/write.ts";
import { PolicyEngine } from "../engine.ts";
import { loadBundle, type LoadOptions } from "../load.ts";
import type { PolicyLoader, WasmPolicy } from "../policy.ts";
import { type EngineError, type Evaluation, JsonText } from "../types.ts";
import { PolicyInstance, RETRY_MS } from "./instance.ts";
import { sdkLoader } from "./sdk_module.ts";

/**
 * `pairs` is quadratic in input.n; `range` allocates input.n numbers; `hash` calls a host built-in;
 * `scans` runs the runtime's innermost byte loop over input.s, input.n times.
 */
const POLICY = `package gateway
import rego.v1
pairs := count([1 | some i in numbers.range(1, input.n); some j in numbers.range(1, input.n); i < j])
range := count(numbers.range(1, input.n))
hash := count([h | some i in numbers.range(1, input.n); h := crypto.sha256(sprintf("%d", [i]))])
member := data.members[input.i]
scans := count([1 | some i in numbers.range(1, input.n); indexof(input.s, "z") < 0])
conflict := 1 if input.a
conflict := 2 if input.b
decision := {"allow": true, "reason": "ok"}
`;
const ENTRYPOINTS = [
  "gateway/scans",
  "gateway/pairs",
  "gateway/range",
  "gateway/hash",
  "gateway/member",
  "gateway/conflict",
  "gateway/decision",
];
const MEMBERS = Array.from({ length: 5000 }, (_, i) => `member-${i}`);

async function engineFor(options: LoadOptions = {}, text = POLICY): Promise<PolicyEngine> {
  const files = new Map([
    ["policy.rego", new TextEncoder().encode(text)],
    ["data.json", new TextEncoder().encode(JSON.stringify({ members: MEMBERS }))],
  ]);
  const engine = new PolicyEngine();
  engine.activate(
    await loadBundle({ kind: "files", files }, {
      entrypoints: ENTRYPOINTS,
      builtins: HOST_BUILTINS,
      ...options,
    }),
  );
  return engine;
}

function failed(result: Evaluation): EngineError {
  assert.equal(result.ok, false, JSON.stringify(result));
  return (result as { error: EngineError }).error;
}

function value(result: Evaluation): unknown {
  assert.ok(result.ok, result.ok ? "" : `${result.error.code}: ${result.error.message}`);
  return result.value;
}

Deno.test("bounded evaluation: a policy past its deadline is stopped (policy_timeout); the next one answers right", async () => {
  const engine = await engineFor({ timeoutMs: 50 });
  const slow = engine.evaluate("gateway/pairs", { n: 1_000_000 }); // ~5·10^11 steps unstopped
  assert.equal(failed(slow).code, "policy_timeout");
  // Not a speed target (that is the benchmark's): only that it stopped long before the work was done.
  assert.ok(slow.durationMs < 5_000, `${slow.durationMs} ms`);
  assert.equal(value(engine.evaluate("gateway/pairs", { n: 4 })), 6);
  // The replacement holds the bundle's data (restored from the first instance's memory).
  assert.equal(value(engine.evaluate("gateway/member", { i: 4321 })), "member-4321");
  assert.deepEqual(engine.instanceStats(), { replaced: { policy_timeout: 1 }, failed: 0 });
  assert.deepEqual(engine.health(), { ok: true });
});

Deno.test("bounded evaluation: the runtime's own loops are counted: repeated scans of a large string are stopped", async () => {
  // indexof's byte loop is an innermost loop of the compiler's runtime: counted, checked by the
  // policy's loop around it (meter_instrument.ts).
  const engine = await engineFor({ timeoutMs: 50 });
  const s = "a".repeat(1_000_000);
  const result = engine.evaluate("gateway/scans", new JsonText(JSON.stringify({ n: 1_000_000, s })));
  assert.equal(failed(result).code, "policy_timeout");
  assert.ok(result.durationMs < 5_000, `${result.durationMs} ms`);
  const short = "a".repeat(1000);
  assert.equal(value(engine.evaluate("gateway/scans", new JsonText(JSON.stringify({ n: 2, s: short })))), 2);
});

Deno.test("bounded evaluation: a host built-in checks the deadline too", async () => {
  const busy = () => {
    const until = performance.now() + 20;
    while (performance.now() < until) { /* a slow built-in */ }
    return "h";
  };
  const engine = await engineFor({ timeoutMs: 50, builtins: { ...HOST_BUILTINS, "crypto.sha256": busy } });
  const result = engine.evaluate("gateway/hash", { n: 1000 }); // 1000 × 20 ms unstopped
  assert.equal(failed(result).code, "policy_timeout");
  assert.ok(result.durationMs < 5_000, `${result.durationMs} ms`);
});

Deno.test("bounded evaluation: a runaway allocation hits the memory cap (policy_memory_exceeded); the next evaluation answers right", async () => {
  const engine = await engineFor({ timeoutMs: 60_000, maxMemoryMB: 16 });
  assert.equal(value(engine.evaluate("gateway/range", { n: 1000 })), 1000);
  const hog = engine.evaluate("gateway/range", { n: 100_000_000 });
  assert.equal(failed(hog).code, "policy_memory_exceeded");
  assert.equal(value(engine.evaluate("gateway/range", { n: 10 })), 10);
  assert.equal(value(engine.evaluate("gateway/member", { i: 17 })), "member-17");
  assert.deepEqual(value(engine.evaluate("gateway/decision", {})), { allow: true, reason: "ok" });
  assert.deepEqual(engine.instanceStats().replaced, { policy_memory_exceeded: 1 });
});

Deno.test("bounded evaluation: an abort is an answer, not a spoilt instance: it is kept", async () => {
  const files = new Map([["policy.rego", new TextEncoder().encode(POLICY)]]);
  const loaded = await loadBundle({ kind: "files", files }, {
    entrypoints: ENTRYPOINTS,
    builtins: HOST_BUILTINS,
  });
  const before = loaded.instance.policy;
  const result = loaded.instance.evaluate("r", "gateway/conflict", { a: true, b: true });
  assert.equal(failed(result).code, "policy_eval_failed");
  assert.match(failed(result).message, /conflict/);
  assert.equal(loaded.instance.policy, before);
});

Deno.test("bounded evaluation: a timeout in one engine leaves no deadline behind for the next evaluation", async () => {
  const [a, b] = await Promise.all([engineFor({ timeoutMs: 30 }), engineFor({ timeoutMs: 60_000 })]);
  for (let round = 0; round < 3; round++) {
    assert.equal(failed(a.evaluate("gateway/pairs", { n: 1_000_000 })).code, "policy_timeout");
    // Takes far longer than 30 ms on this machine; it must not inherit a's deadline.
    assert.equal(value(b.evaluate("gateway/pairs", { n: 1500 })), 1500 * 1499 / 2);
    assert.equal(value(a.evaluate("gateway/pairs", { n: 3 })), 3);
  }
});

Deno.test("bounded evaluation: a bundle whose policy times out on an empty input is refused", async () => {
  const text =
    `package gateway\nimport rego.v1\ndecision := count([1 | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); i < j])\n`;
  await assert.rejects(
    () => engineFor({ timeoutMs: 30, entrypoints: ["gateway/decision"] }, text),
    (e: EngineError) => e.code === "policy_load_failed" && /took longer than 30 ms/.test(e.message),
  );
});

/** A loader whose instances can be made to fail (the process out of memory, say). */
function flakyLoader(): { loader: PolicyLoader; broken: { value: boolean } } {
  const broken = { value: false };
  const loader: PolicyLoader = async (wasm, builtins, options) => {
    const module = await sdkLoader(wasm, builtins, options);
    return {
      instantiate(): WasmPolicy {
        if (broken.value) throw new RangeError("WebAssembly.Memory(): could not allocate memory");
        return module.instantiate();
      },
    };
  };
  return { loader, broken };
}

Deno.test("bounded evaluation: an instance that cannot be rebuilt makes the engine unavailable until it can", async () => {
  const { loader, broken } = flakyLoader();
  const r = compile([{ path: "p.rego", text: POLICY }], { entrypoints: ENTRYPOINTS });
  assert.deepEqual(r.diagnostics.map(formatDiagnostic), []);
  let clock = 0;
  const module = await loader(r.wasm!, HOST_BUILTINS, {});
  const instance = await PolicyInstance.create(module, {}, { timeoutMs: 30, now: () => clock });
  const events: string[] = [];
  instance.observe({
    replaced: (c) => events.push(`replaced ${c}`),
    replacementFailed: () => events.push("failed"),
  });

  broken.value = true;
  assert.equal(failed(instance.evaluate("r", "gateway/pairs", { n: 1_000_000 })).code, "policy_timeout");
  assert.equal(instance.health().ok, false);
  const down = failed(instance.evaluate("r", "gateway/decision", {}));
  assert.equal(down.code, "policy_instance_unavailable");
  assert.deepEqual(events, ["failed"], "no new attempt before RETRY_MS");

  broken.value = false;
  assert.equal(failed(instance.evaluate("r", "gateway/decision", {})).code, "policy_instance_unavailable");
  clock += RETRY_MS;
  assert.equal((value(instance.evaluate("r", "gateway/decision", {})) as { allow: boolean }).allow, true);
  assert.deepEqual(instance.health(), { ok: true });
  assert.deepEqual(events, ["failed"]);
});

Deno.test("bounded evaluation: the engine reports an unavailable instance in health()", async () => {
  const { loader, broken } = flakyLoader();
  const engine = await engineFor({ timeoutMs: 30, loader });
  broken.value = true;
  engine.evaluate("gateway/pairs", { n: 1_000_000 });
  const health = engine.health();
  assert.equal(health.ok, false);
  assert.equal(!health.ok && health.error.code, "policy_instance_unavailable");
  assert.deepEqual(engine.instanceStats(), { replaced: {}, failed: 1 });
});

// --- modules built elsewhere ---

/** A bundle carrying a module, as `opa build -t wasm` writes one. */
async function prebuilt(wasm: Uint8Array, entrypoints: string[]): Promise<Uint8Array> {
  const manifest = {
    ...emptyManifest(),
    revision: "prebuilt",
    wasm: entrypoints.map((entrypoint) => ({ entrypoint, module: "/policy.wasm" })),
  };
  return await writeBundle(assembleFiles({ manifest, data: {}, wasm }));
}

Deno.test("bounded evaluation: a module built without metering is metered at load (in the worker) and bounded", async () => {
  // No `opa` binary here: the stand-in is this compiler's module, unmetered, which follows OPA's ABI.
  const r = compile([{ path: "p.rego", text: POLICY }], { entrypoints: ENTRYPOINTS, meter: false });
  assert.ok(
    !WebAssembly.Module.exports(new WebAssembly.Module(r.wasm!)).some((e) => e.name === "gw_meter_arm"),
  );
  const engine = new PolicyEngine();
  engine.activate(
    await loadBundle({ kind: "archive", bytes: await prebuilt(r.wasm!, ENTRYPOINTS) }, {
      builtins: HOST_BUILTINS,
      compileOffThread: true,
      timeoutMs: 50,
    }),
  );
  assert.equal(failed(engine.evaluate("gateway/pairs", { n: 1_000_000 })).code, "policy_timeout");
  assert.equal(value(engine.evaluate("gateway/pairs", { n: 5 })), 10);
});

Deno.test("bounded evaluation: a module that cannot be metered is refused, saying why", async () => {
  const m = binaryen.parseText(
    `(module (memory (export "memory") 1) (func (export "eval") (param i32) (result i32) (i32.const 0)))`,
  );
  const wasm = m.emitBinary();
  m.dispose();
  const bytes = await prebuilt(wasm, ["x"]);
  for (const compileOffThread of [true, false]) {
    await assert.rejects(
      () => loadBundle({ kind: "archive", bytes }, { compileOffThread }),
      (e: EngineError) =>
        e.code === "policy_load_failed" && /cannot be metered/.test(e.message) && /builtins/.test(e.message),
    );
  }
});
