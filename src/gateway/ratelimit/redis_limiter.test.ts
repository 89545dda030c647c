/**
 * The Redis limiter against the real Redis (127.0.0.1:6379 or $REDIS_URL; these tests fail, never
 * skip, when it is unreachable). Every test uses its own key prefix.
 */
import assert from "node:assert/strict";
import { RedisConnection } from "../../redis/connection.ts";
import { RedisError } from "../../redis/errors.ts";
import { closedPort, FlakyProxy, settingsAt, testRedis } from "../../redis/testing/test_redis.ts";
import { decisionSchema } from "../decision/schema.ts";
import { errorBody, harness } from "../testing/harness.ts";
import { throttle } from "../throttle/middleware.ts";
import { rateLimiterSuite } from "./limiter_suite.ts";
import { RedisRateLimiter } from "./redis_limiter.ts";
import type { RateLimitRule } from "./types.ts";

// The whole shared suite, with the suite's clock sent to the script in place of the server's.
rateLimiterSuite("RedisRateLimiter", async (now) => {
  const redis = await RedisConnection.connect(await testRedis());
  return { limiter: new RedisRateLimiter({ redis, now }), cleanup: () => redis.close() };
});

const rule = (over: Partial<RateLimitRule> = {}): RateLimitRule => ({
  key: "org:acme",
  limit: 5,
  windowSeconds: 3600,
  cost: 1,
  ...over,
});

async function withRedis(fn: (redis: RedisConnection) => Promise<void>, n = 1): Promise<void> {
  const settings = await testRedis();
  const conns = await Promise.all(Array.from({ length: n }, () => RedisConnection.connect(settings)));
  try {
    for (const c of conns) await fn(c);
  } finally {
    await Promise.all(conns.map((c) => c.close()));
  }
}

Deno.test("RedisRateLimiter: on the server's clock, allows up to the limit and refuses after", () =>
  withRedis(async (redis) => {
    const limiter = new RedisRateLimiter({ redis });
    for (let left = 4; left >= 0; left--) {
      const o = await limiter.consume(rule());
      assert.equal(o.allowed, true);
      assert.equal(o.remaining, left);
      assert.ok(o.resetSeconds > 0 && o.resetSeconds <= 7200);
    }
    const refused = await limiter.consume(rule());
    assert.equal(refused.allowed, false);
    assert.ok(refused.retryAfterSeconds >= 1 && refused.retryAfterSeconds <= 7200);
  }));

Deno.test("RedisRateLimiter: the bucket is namespaced and expires with the window", () =>
  withRedis(async (redis) => {
    const limiter = new RedisRateLimiter({ redis });
    const r = rule({ windowSeconds: 10 });
    await limiter.consume(r);
    const key = limiter.keyOf(r);
    assert.equal(key, `${redis.settings.keyPrefix}ratelimit:10:org:acme`);
    const ttl = await redis.command<number>(["PTTL", key]);
    assert.ok(ttl > 10_000 && ttl <= 20_000, `expires within two windows (PTTL ${ttl})`);
    const refused = await limiter.consume({ ...r, cost: 5 });
    assert.equal(refused.allowed, false);
    assert.equal(await redis.command(["HGET", key, "c"]), "1", "a refused request wrote nothing");
  }));

Deno.test("RedisRateLimiter: two replicas share one budget, also when they race", async () => {
  const settings = await testRedis();
  const a = await RedisConnection.connect(settings);
  const b = await RedisConnection.connect(settings);
  try {
    const t = Date.parse("2025-06-01T00:00:00Z");
    const replicas = [a, b].map((redis) => new RedisRateLimiter({ redis, now: () => t }));
    const r = rule({ limit: 25, windowSeconds: 60 });
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, (_, i) => replicas[i % 2].consume(r)),
    );
    assert.equal(outcomes.filter((o) => o.allowed).length, 25);
    // Each replica sees the other's charges.
    assert.equal((await replicas[0].consume(rule({ limit: 25, windowSeconds: 60, cost: 0 }))).remaining, 0);
    const other = await replicas[1].consume(rule({ limit: 30, windowSeconds: 60 }));
    assert.deepEqual([other.allowed, other.remaining], [true, 4], "25 used by both, +1 of 30");
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("RedisRateLimiter: keeps counting after the server forgot the script (NOSCRIPT → EVAL)", () =>
  withRedis(async (redis) => {
    const limiter = new RedisRateLimiter({ redis });
    assert.equal((await limiter.consume(rule())).remaining, 4);
    await redis.command(["SCRIPT", "FLUSH"]);
    assert.equal((await limiter.consume(rule())).remaining, 3);
  }));

Deno.test("RedisRateLimiter: Redis down — consume rejects at once", async () => {
  const redis = RedisConnection.open(settingsAt(closedPort()));
  try {
    const limiter = new RedisRateLimiter({ redis });
    await assert.rejects(
      limiter.consume(rule()),
      (e) => e instanceof RedisError && e.code === "redis_unavailable",
    );
    await assert.rejects(limiter.consume(rule({ limit: 0 })), RangeError, "rules are checked first");
  } finally {
    await redis.close();
  }
});

Deno.test("RedisRateLimiter: Redis hanging — consume rejects after the 50 ms deadline", async () => {
  const settings = await testRedis();
  const proxy = FlakyProxy.start(settings.url);
  const redis = await RedisConnection.connect(proxy.settings(settings));
  try {
    const limiter = new RedisRateLimiter({ redis });
    assert.equal((await limiter.consume(rule())).allowed, true);
    proxy.freeze();
    await assert.rejects(
      limiter.consume(rule()),
      (e) => e instanceof RedisError && e.code === "redis_timeout",
    );
  } finally {
    await redis.close();
    await proxy.close();
  }
});

function gatewayWith(limiter: RedisRateLimiter) {
  const decision = decisionSchema.parse({
    allow: true,
    reason: "ok",
    rate_limits: [{ key: "org:acme", limit: 2, window: 60 }],
  });
  return harness([throttle({ limiter })], { decision }).app;
}

Deno.test("gateway on Redis: replicas share the limit (429 on the other one); an outage answers 503", async () => {
  const settings = await testRedis();
  const proxy = FlakyProxy.start(settings.url);
  const a = await RedisConnection.connect(settings);
  const b = await RedisConnection.connect(proxy.settings(settings));
  try {
    const replicaA = gatewayWith(new RedisRateLimiter({ redis: a }));
    const replicaB = gatewayWith(new RedisRateLimiter({ redis: b }));
    assert.equal((await replicaA.request("/")).status, 200);
    assert.equal((await replicaB.request("/")).status, 200);
    const limited = await replicaA.request("/");
    assert.equal(limited.status, 429);
    assert.equal((await errorBody(limited)).reason, "rate_limited");
    proxy.cut();
    const down = await replicaB.request("/");
    assert.equal(down.status, 503);
    assert.equal((await errorBody(down)).reason, "rate_limiter_failed");
  } finally {
    await a.close();
    await b.close();
    await proxy.close();
  }
});
