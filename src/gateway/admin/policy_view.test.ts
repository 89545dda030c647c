import assert from "node:assert/strict";
import { Hono } from "hono";
import { BundleManager, EngineError, PolicyEngine, type SourceSnapshot } from "../../engine/mod.ts";
import { fakeBundle, fakeLoader } from "../../engine/testing/fake_policy.ts";
import { MemoryKeyStore } from "../../keys/memory_store.ts";
import { policyView } from "./policy_view.ts";
import { adminRoutes } from "./routes.ts";

const TOKEN = "admin-token-0123456789";

/** A bundle source that answers a bundle, then fails the way the test says. */
function scriptedSource(steps: Array<() => Promise<SourceSnapshot>>) {
  let i = 0;
  return {
    location: "https://bundles.example/gw.tar.gz",
    fetch: () => steps[Math.min(i++, steps.length - 1)](),
  };
}

async function setup() {
  const good = await fakeBundle({ value: "v1" }, { revision: "rev-1" });
  let t = Date.parse("2026-01-02T03:04:05Z");
  const engine = new PolicyEngine();
  const source = scriptedSource([
    () => Promise.resolve({ kind: "archive", bytes: good, version: "1" }),
    () =>
      Promise.reject(
        new EngineError("bundle_not_found", "cannot fetch https://bundles.example/gw.tar.gz?sig=SECRET"),
      ),
  ]);
  const manager = new BundleManager(engine, source, {
    loader: fakeLoader,
    log: () => {},
    watch: false,
    pollIntervalMs: 0,
    clock: { now: () => new Date(t), setTimeout, clearTimeout } as any,
  });
  const app = new Hono();
  app.route(
    "/admin",
    adminRoutes({
      store: new MemoryKeyStore(),
      token: TOKEN,
      hmacSecret: "test-secret-test-secret-test-secret!",
      policy: () =>
        policyView("https://bundles.example/gw.tar.gz?token=SECRET", engine.current(), manager.status()),
    }),
  );
  const get = async (auth = `Bearer ${TOKEN}`) => {
    const res = await app.request("/admin/policy", { headers: { authorization: auth } });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  return { manager, get, advance: (ms: number) => (t += ms) };
}

Deno.test("admin policy: behind the admin credential", async () => {
  const { get } = await setup();
  for (const auth of ["", "Bearer nope", TOKEN]) {
    const res = await get(auth);
    assert.equal(res.status, 401, auth);
    assert.deepEqual(JSON.parse(res.text), { error: "admin_unauthorized" });
  }
});

Deno.test("admin policy: nothing loaded yet, then the revision, activation, last failure and counters", async () => {
  const { manager, get, advance } = await setup();
  const empty = await get();
  assert.equal(empty.status, 200);
  assert.equal(empty.headers.get("cache-control"), "no-store");
  assert.deepEqual(JSON.parse(empty.text), {
    revision: null,
    source: "https://bundles.example/gw.tar.gz?***",
    loaded_from: null,
    activated_at: null,
    last_failure: null,
    last_good: null,
    reloads: { activations: 0, failures: 0, last_attempt_at: null, last_success_at: null },
  });

  assert.equal(await manager.reload(), "activated");
  advance(60_000);
  assert.equal(await manager.reload(), "failed");
  const res = await get();
  assert.doesNotMatch(res.text, /SECRET/);
  assert.deepEqual(JSON.parse(res.text), {
    revision: "rev-1",
    source: "https://bundles.example/gw.tar.gz?***",
    loaded_from: "https://bundles.example/gw.tar.gz",
    activated_at: "2026-01-02T03:04:05.000Z",
    last_failure: {
      code: "bundle_not_found",
      message: "cannot fetch https://bundles.example/gw.tar.gz?***",
      at: "2026-01-02T03:05:05.000Z",
    },
    last_good: null,
    reloads: {
      activations: 1,
      failures: 1,
      last_attempt_at: "2026-01-02T03:05:05.000Z",
      last_success_at: "2026-01-02T03:04:05.000Z",
    },
  });
});

Deno.test("admin policy: not wired, the route does not exist", async () => {
  const app = new Hono();
  app.route("/admin", adminRoutes({ store: new MemoryKeyStore(), token: TOKEN, hmacSecret: "x".repeat(32) }));
  const res = await app.request("/admin/policy", { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 404);
});
