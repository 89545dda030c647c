/**
 * The Redis limiter over Upstash's REST API (`@upstash/redis`), against the real Redis behind a
 * REST front that speaks Upstash's protocol (redis/testing/upstash_front.ts). Fails, never skips,
 * without Redis on 127.0.0.1:6379 (or $REDIS_URL).
 */
import assert from "node:assert/strict";
import { RedisError } from "../../redis/errors.ts";
import { testUpstash } from "../../redis/testing/test_redis.ts";
import { UpstashConnection } from "../../redis/upstash.ts";
import { rateLimiterSuite } from "./limiter_suite.ts";
import { RedisRateLimiter } from "./redis_limiter.ts";
import type { RateLimitRule } from "./types.ts";

rateLimiterSuite("RedisRateLimiter over Upstash REST", async (now) => {
  const { settings, close } = await testUpstash();
  const redis = new UpstashConnection(settings);
  return { limiter: new RedisRateLimiter({ redis, now }), cleanup: close };
});

const rule: RateLimitRule = { key: "org:acme", limit: 25, windowSeconds: 60, cost: 1 };

Deno.test("Upstash limiter: two instances admit exactly the limit between them, on the server's clock", async () => {
  const { settings, front, close } = await testUpstash();
  try {
    const a = new RedisRateLimiter({ redis: new UpstashConnection(settings) });
    const b = new RedisRateLimiter({ redis: new UpstashConnection(settings) });
    const outcomes = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).consume(rule)));
    assert.equal(outcomes.filter((o) => o.allowed).length, 25);
    assert.equal((await a.consume({ ...rule, cost: 0 })).remaining, 0, "a sees b's charges");
    assert.ok(front.requests >= 61, "every consume went over HTTP");
  } finally {
    await close();
  }
});

Deno.test("Upstash limiter: the script is sent in full once after the server forgot it", async () => {
  const { settings, close } = await testUpstash();
  const redis = new UpstashConnection(settings);
  try {
    const limiter = new RedisRateLimiter({ redis });
    assert.equal((await limiter.consume(rule)).remaining, 24);
    await redis.command(["SCRIPT", "FLUSH"]);
    assert.equal((await limiter.consume(rule)).remaining, 23);
  } finally {
    await close();
  }
});

Deno.test("Upstash limiter: fails closed — a hanging front times out, a gone one is unavailable", async () => {
  const { settings, front, close } = await testUpstash({ commandTimeoutMs: 100 });
  const states: string[] = [];
  const redis = new UpstashConnection(settings, { onStateChange: (s) => states.push(s) });
  try {
    const limiter = new RedisRateLimiter({ redis });
    assert.equal((await limiter.consume(rule)).allowed, true);
    front.freeze();
    await assert.rejects(limiter.consume(rule), (e) => e instanceof RedisError && e.code === "redis_timeout");
    front.restore();
    front.cut();
    await assert.rejects(
      limiter.consume(rule),
      (e) =>
        e instanceof RedisError && e.code === "redis_unavailable" && !e.message.includes(settings.restToken!),
    );
    front.restore();
    assert.equal((await limiter.consume(rule)).allowed, true);
    assert.deepEqual(states, ["up", "down", "up"]);
  } finally {
    await close();
  }
});

Deno.test("Upstash transport: a wrong token is refused (401) and never echoed", async () => {
  const { settings, close } = await testUpstash();
  try {
    const redis = new UpstashConnection({ ...settings, restToken: "wrong-token-value" });
    await assert.rejects(
      redis.ping(),
      (e) =>
        e instanceof RedisError && e.code === "redis_unavailable" && !e.message.includes("wrong-token-value"),
    );
  } finally {
    await close();
  }
});
