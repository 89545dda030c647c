import assert from "node:assert/strict";
import { rateLimiterSuite } from "./limiter_suite.ts";
import { MemoryRateLimiter } from "./memory_limiter.ts";

rateLimiterSuite("MemoryRateLimiter", (now) => Promise.resolve({ limiter: new MemoryRateLimiter({ now }) }));

Deno.test("MemoryRateLimiter: expired buckets are evicted as traffic continues", async () => {
  let t = 0;
  const limiter = new MemoryRateLimiter({ now: () => t });
  for (let i = 0; i < 100; i++) await limiter.consume({ key: `k${i}`, limit: 5, windowSeconds: 1, cost: 1 });
  assert.equal(limiter.size, 100);
  t = 2_000; // window 2: buckets from window 0 no longer matter
  for (let i = 0; i < 60; i++) await limiter.consume({ key: "hot", limit: 1000, windowSeconds: 1, cost: 1 });
  assert.equal(limiter.size, 1);
});

Deno.test("MemoryRateLimiter: live buckets stay; the count is capped", async () => {
  let t = 0;
  const limiter = new MemoryRateLimiter({ now: () => t, maxBuckets: 50 });
  for (let i = 0; i < 200; i++) await limiter.consume({ key: `k${i}`, limit: 5, windowSeconds: 60, cost: 1 });
  assert.equal(limiter.size, 50);
  t = 1_000;
  const recent = await limiter.consume({ key: "k199", limit: 5, windowSeconds: 60, cost: 1 });
  assert.equal(recent.remaining, 3, "a recently used bucket was kept");
  const evicted = await limiter.consume({ key: "k0", limit: 5, windowSeconds: 60, cost: 1 });
  assert.equal(evicted.remaining, 4, "the least recently used bucket was dropped");
});
