import assert from "node:assert/strict";
import { compilePolicy } from "./compile_bundle.ts";
import * as offThread from "./compile_off_thread.ts";
import { EngineError } from "./types.ts";

const request = {
  sources: [{
    path: "p.rego",
    text: `package gateway\ndecision := {"allow": input.identity.type == "service", "reason": "t"}\n` +
      Array.from({ length: 300 }, (_, i) => `r${i} := ${i} if input.request.method == "M${i}"`).join("\n"),
  }],
  entrypoints: ["gateway/decision"],
  strict: false,
};

Deno.test("compile off thread: the same module and dependencies as on the calling thread", async () => {
  const inline = compilePolicy(request);
  const worker = await offThread.compileOffThread(request);
  assert.equal(offThread.lastCompileOnCallingThread, false);
  assert.deepEqual(worker.inputDependencies, inline.inputDependencies);
  assert.deepEqual(new Uint8Array(worker.wasm), new Uint8Array(inline.wasm));
});

Deno.test("compile off thread: this thread keeps running while the worker compiles", async () => {
  const compiled = offThread.compileOffThread(request).then(() => "compiled");
  const tick = new Promise((resolve) => setTimeout(() => resolve("tick"), 0));
  assert.equal(await Promise.race([compiled, tick]), "tick");
  assert.equal(await compiled, "compiled");
});

Deno.test("compile off thread: compile errors arrive as the same EngineError", async () => {
  const bad = { ...request, sources: [{ path: "bad.rego", text: "package gateway\ndecision := {" }] };
  let inline: EngineError | undefined;
  try {
    compilePolicy(bad);
  } catch (e) {
    inline = e as EngineError;
  }
  await assert.rejects(() => offThread.compileOffThread(bad), (e) => {
    assert.ok(e instanceof EngineError);
    assert.equal(e.code, "policy_compile_failed");
    assert.equal(e.message, inline?.message);
    return true;
  });
});

Deno.test("compile off thread: a worker that cannot start leaves the compile to this thread", async () => {
  const missing = new URL("./testing/no_such_worker.ts", import.meta.url);
  const compiled = await offThread.compileOffThread(request, { workerModule: missing });
  assert.equal(offThread.lastCompileOnCallingThread, true);
  assert.deepEqual(compiled.inputDependencies, compilePolicy(request).inputDependencies);
});

Deno.test("compile off thread: a worker that crashes or hangs after starting is a compile failure, not retried here", async () => {
  const misbehaving = (mode: string) =>
    new URL(`./testing/misbehaving_compile_worker.ts?mode=${mode}`, import.meta.url);
  await assert.rejects(
    () => offThread.compileOffThread(request, { workerModule: misbehaving("crash") }),
    (e) =>
      e instanceof EngineError && e.code === "policy_compile_failed" &&
      /worker failed: .*simulated/.test(e.message),
  );
  assert.equal(offThread.lastCompileOnCallingThread, false);
  await assert.rejects(
    () => offThread.compileOffThread(request, { workerModule: misbehaving("hang"), timeoutMs: 300 }),
    (e) => e instanceof EngineError && /no answer within 300 ms/.test(e.message),
  );
  assert.equal(offThread.lastCompileOnCallingThread, false);
});
