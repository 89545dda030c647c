/** /readyz with dependency checks (fakes here; the real Redis in redis_readiness.test.ts). */
import assert from "node:assert/strict";
import type { BundleInfo } from "../../engine/types.ts";
import { GatewayMetrics } from "../observe/metrics.ts";
import type { DependencyCheck, DependencyStatus } from "./dependencies.ts";
import { opsRoutes } from "./routes.ts";

const BUNDLE: BundleInfo = {
  revision: "rev-7",
  entrypoints: ["gateway/decision"],
  loadedAt: new Date(0),
  source: "test",
};

function ops(
  dependencies?: Record<string, DependencyCheck>,
  opts: { bundle?: BundleInfo | null; dependencyTimeoutMs?: number } = {},
) {
  const bundle = opts.bundle === undefined ? BUNDLE : opts.bundle;
  return opsRoutes({
    policy: { current: () => bundle, lastReloadError: () => null },
    metrics: new GatewayMetrics(),
    jwks: () => ({ keys: [] }),
    dependencies,
    dependencyTimeoutMs: opts.dependencyTimeoutMs,
  });
}

async function readyz(app: ReturnType<typeof ops>): Promise<{ status: number; body: any }> {
  const res = await app.request("/readyz");
  return { status: res.status, body: await res.json() };
}

const up = (latency_ms = 0.4): DependencyCheck => () => Promise.resolve({ status: "up", latency_ms });
const down = (error: string): DependencyCheck => () => Promise.resolve({ status: "down", error });

Deno.test("readyz: without dependencies the answer has no dependencies field", async () => {
  const { status, body } = await readyz(ops());
  assert.equal(status, 200);
  assert.equal(body.status, "ready");
  assert.equal(body.revision, "rev-7");
  assert.equal("dependencies" in body, false);
});

Deno.test("readyz: every dependency up → 200 with each one's state", async () => {
  const { status, body } = await readyz(ops({ redis: up(0.4), other: up(2) }));
  assert.equal(status, 200);
  assert.equal(body.status, "ready");
  assert.deepEqual(body.dependencies, {
    redis: { status: "up", latency_ms: 0.4 },
    other: { status: "up", latency_ms: 2 },
  });
});

Deno.test("readyz: one dependency down → 503, the bundle still reported", async () => {
  const { status, body } = await readyz(ops({ redis: down("redis_unavailable"), other: up() }));
  assert.equal(status, 503);
  assert.equal(body.status, "not_ready");
  assert.equal(body.revision, "rev-7");
  assert.deepEqual(body.dependencies.redis, { status: "down", error: "redis_unavailable" });
  assert.equal(body.dependencies.other.status, "up");
});

Deno.test("readyz: no bundle and a dependency up → 503 with both reported", async () => {
  const { status, body } = await readyz(ops({ redis: up() }, { bundle: null }));
  assert.equal(status, 503);
  assert.equal(body.revision, null);
  assert.equal(body.dependencies.redis.status, "up");
});

Deno.test("readyz: only stable codes leave — messages, throws and odd shapes become check_failed", async () => {
  const secretUrl = "redis://:hunter2@redis.internal:6379";
  const { status, body } = await readyz(ops({
    message: down(`connect ECONNREFUSED ${secretUrl}`),
    thrown: () => Promise.reject(new Error(`cannot reach ${secretUrl}`)),
    throwsAtOnce: () => {
      throw new Error(secretUrl);
    },
    noError: () => Promise.resolve({ status: "down" }),
    odd: () => Promise.resolve({ status: "sideways", detail: secretUrl } as unknown as DependencyStatus),
    badLatency: () => Promise.resolve({ status: "up", latency_ms: Number.NaN }),
  }));
  assert.equal(status, 503);
  for (const name of ["message", "thrown", "throwsAtOnce", "noError", "odd"]) {
    assert.deepEqual(body.dependencies[name], { status: "down", error: "check_failed" }, name);
  }
  assert.deepEqual(body.dependencies.badLatency, { status: "up" });
  const text = JSON.stringify(body);
  assert.equal(text.includes("hunter2"), false);
  assert.equal(text.includes("redis.internal"), false);
});

Deno.test("readyz: a check that never answers is down (check_timeout) once its deadline passes", async () => {
  const never = Promise.withResolvers<DependencyStatus>();
  const { status, body } = await readyz(
    ops({ hangs: () => never.promise, fine: up() }, { dependencyTimeoutMs: 20 }),
  );
  assert.equal(status, 503);
  assert.deepEqual(body.dependencies.hangs, { status: "down", error: "check_timeout" });
  assert.equal(body.dependencies.fine.status, "up");
});

Deno.test("readyz: concurrent probes share a check under way; the next probe checks again", async () => {
  let calls = 0;
  let release = Promise.withResolvers<void>();
  const app = ops({
    redis: async () => {
      calls++;
      await release.promise;
      return { status: "up", latency_ms: 1 };
    },
  });
  const probes = Array.from({ length: 5 }, () => readyz(app));
  await new Promise((r) => setTimeout(r, 0));
  release.resolve();
  for (const p of await Promise.all(probes)) assert.equal(p.status, 200);
  assert.equal(calls, 1);
  release = Promise.withResolvers();
  release.resolve();
  assert.equal((await readyz(app)).status, 200);
  assert.equal(calls, 2);
});

Deno.test("readyz: serving the last good copy says so, with the source's error", async () => {
  const app = opsRoutes({
    policy: {
      current: () => BUNDLE,
      lastReloadError: () => "bundle_not_found: cannot fetch http://bundles.example/b.tar.gz",
      lastGood: () => ({ path: "/var/lib/gw/last.tar.gz", revision: "rev-7", loadedAt: new Date(0) }),
    },
    metrics: new GatewayMetrics(),
    jwks: () => ({ keys: [] }),
  });
  const { status, body } = await readyz(app);
  assert.equal(status, 200);
  assert.deepEqual(body.last_good, {
    path: "/var/lib/gw/last.tar.gz",
    revision: "rev-7",
    loaded_at: "1970-01-01T00:00:00.000Z",
  });
  assert.match(body.last_reload_error, /^bundle_not_found/);
  assert.equal((await readyz(ops())).body.last_good, undefined);
});
