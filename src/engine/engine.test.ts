import assert from "node:assert/strict";
import { adaptBuiltins } from "./builtin_adapter.ts";
import { PolicyEngine } from "./engine.ts";
import { loadBundle } from "./load.ts";
import { fakeBundle, fakeLoader } from "./testing/fake_policy.ts";
import { EngineError } from "./types.ts";

const load = async (spec: Parameters<typeof fakeBundle>[0], extra: Parameters<typeof fakeBundle>[1] = {}) =>
  await loadBundle({ kind: "archive", bytes: await fakeBundle(spec, extra) }, {
    loader: fakeLoader,
    source: "test",
  });

Deno.test("engine: no bundle → no_policy_loaded", () => {
  const engine = new PolicyEngine();
  const result = engine.evaluate("gateway/decision", {});
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.error.code, "no_policy_loaded");
  assert.equal(result.revision, null);
  assert.equal(engine.current(), null);
});

Deno.test("engine: a result set maps to ok / policy_undefined / policy_eval_failed", async () => {
  const engine = new PolicyEngine();
  engine.activate(await load({ value: "echo" }, { revision: "rev-9" }));
  const ok = engine.evaluate("gateway.decision", { user: "u" });
  assert.ok(ok.ok);
  assert.deepEqual(ok.value, { input: { user: "u" }, data: { limits: { free: 10 } } });
  assert.equal(ok.revision, "rev-9");
  assert.ok(ok.durationMs >= 0);
  assert.deepEqual(engine.current()?.entrypoints, ["gateway/decision"]);
  assert.equal(engine.current()?.source, "test");

  engine.activate(await load({ value: "undefined" }));
  const undef = engine.evaluate("gateway/decision", {});
  assert.equal(!undef.ok && undef.error.code, "policy_undefined");

  engine.activate(await load({ value: "abort" }));
  const failed = engine.evaluate("gateway/decision", {});
  assert.equal(!failed.ok && failed.error.code, "policy_eval_failed");
  assert.match(!failed.ok ? failed.error.message : "", /eval_conflict_error/);

  const missing = engine.evaluate("other/rule", {});
  assert.equal(!missing.ok && missing.error.code, "bundle_entrypoint_missing");
});

Deno.test("load: a manifest entrypoint the module lacks is bundle_entrypoint_missing", async () => {
  await assert.rejects(
    load({ value: 1, entrypoints: ["a/b"] }, { entrypoints: ["a/b", "c/d"] }),
    (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.code, "bundle_entrypoint_missing");
      assert.match(e.message, /c\/d/);
      return true;
    },
  );
});

Deno.test("load: a module that traps on an empty input is rejected", async () => {
  await assert.rejects(load({ value: 1, trap: true }), (e: unknown) => {
    assert.ok(e instanceof EngineError);
    assert.equal(e.code, "policy_load_failed");
    assert.match(e.message, /traps/);
    return true;
  });
});

Deno.test("load: a module the SDK cannot instantiate is policy_load_failed", async () => {
  const files = await fakeBundle({ value: 1 });
  await assert.rejects(loadBundle({ kind: "archive", bytes: files }), (e: unknown) => {
    assert.ok(e instanceof EngineError);
    assert.equal(e.code, "policy_load_failed");
    return true;
  });
});

Deno.test("builtins: non-strict turns an error into undefined, strict propagates it", () => {
  const registry = {
    "x.fail": () => {
      throw new Error("boom");
    },
    "x.ok": (a: unknown) => a,
  };
  const lenient = adaptBuiltins(registry, false);
  assert.equal(lenient["x.fail"](), undefined);
  assert.equal(lenient["x.ok"](3), 3);
  const strict = adaptBuiltins(registry, true);
  assert.throws(() => strict["x.fail"](), /boom/);
});
