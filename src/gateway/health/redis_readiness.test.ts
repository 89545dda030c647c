/**
 * /readyz with `redisHealth` against the real Redis (127.0.0.1:6379 or $REDIS_URL; fails, never
 * skips, when it is unreachable), a closed port and a server that stops answering.
 */
import assert from "node:assert/strict";
import { RedisConnection } from "../../redis/connection.ts";
import { redisHealth } from "../../redis/health.ts";
import { closedPort, FlakyProxy, settingsAt, testRedis } from "../../redis/testing/test_redis.ts";
import { GatewayMetrics } from "../observe/metrics.ts";
import { opsRoutes } from "./routes.ts";

function ops(redis: RedisConnection, dependencyTimeoutMs?: number) {
  return opsRoutes({
    policy: {
      current: () => ({ revision: "r", entrypoints: [], loadedAt: new Date(0), source: "test" }),
      lastReloadError: () => null,
    },
    metrics: new GatewayMetrics(),
    jwks: () => ({ keys: [] }),
    dependencies: { redis: () => redisHealth(redis) },
    dependencyTimeoutMs,
  });
}

async function readyz(app: ReturnType<typeof ops>): Promise<{ status: number; body: any; text: string }> {
  const res = await app.request("/readyz");
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), text };
}

Deno.test("readyz + Redis: up with its latency", async () => {
  const redis = await RedisConnection.connect(await testRedis());
  try {
    const { status, body } = await readyz(ops(redis));
    assert.equal(status, 200);
    assert.equal(body.dependencies.redis.status, "up");
    assert.equal(typeof body.dependencies.redis.latency_ms, "number");
  } finally {
    await redis.close();
  }
});

Deno.test("readyz + Redis: nothing listening → 503 redis_unavailable, no URL or password", async () => {
  const port = closedPort();
  const redis = RedisConnection.open(settingsAt(port, { url: `redis://:hunter2@127.0.0.1:${port}` }));
  try {
    const { status, body, text } = await readyz(ops(redis));
    assert.equal(status, 503);
    assert.deepEqual(body.dependencies.redis, { status: "down", error: "redis_unavailable" });
    assert.equal(text.includes("hunter2"), false);
    assert.equal(text.includes(String(port)), false);
  } finally {
    await redis.close();
  }
});

Deno.test("readyz + Redis: a server that stops answering is down within the deadlines", async () => {
  const settings = await testRedis();
  const proxy = FlakyProxy.start(settings.url);
  // The connection's own deadline (50 ms) answers first; the probe's (here 5 s) is the backstop.
  const redis = await RedisConnection.connect(proxy.settings(settings));
  const slow = await RedisConnection.connect(proxy.settings(settings, 60_000));
  try {
    assert.equal((await readyz(ops(redis))).status, 200);
    proxy.freeze();
    const frozen = await readyz(ops(redis, 5_000));
    assert.equal(frozen.status, 503);
    assert.deepEqual(frozen.body.dependencies.redis, { status: "down", error: "redis_timeout" });
    // A connection deadline longer than the probe's: the probe's deadline bounds the answer.
    const bounded = await readyz(ops(slow, 50));
    assert.equal(bounded.status, 503);
    assert.deepEqual(bounded.body.dependencies.redis, { status: "down", error: "check_timeout" });
    proxy.restore();
  } finally {
    await redis.close();
    await slow.close();
    await proxy.close();
  }
});
