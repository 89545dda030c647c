/**
 * The shared RateLimiter test suite: every implementation runs it from its own test file with a
 * factory taking an injected clock (milliseconds). Test-only module.
 */
import assert from "node:assert/strict";
import type { RateLimiter, RateLimitRule } from "./types.ts";

export type LimiterFactory = (
  now: () => number,
) => Promise<{ limiter: RateLimiter; cleanup?: () => Promise<void> }>;

const T0 = Date.parse("2025-01-01T00:00:00Z"); // a multiple of every window used below

export function rateLimiterSuite(name: string, make: LimiterFactory): void {
  async function withLimiter(fn: (l: RateLimiter, advance: (ms: number) => void) => Promise<void>) {
    let t = T0;
    const { limiter, cleanup } = await make(() => t);
    try {
      await fn(limiter, (ms) => (t += ms));
    } finally {
      await cleanup?.();
    }
  }
  const rule = (over: Partial<RateLimitRule> = {}): RateLimitRule => ({
    key: "org:acme",
    limit: 5,
    windowSeconds: 10,
    cost: 1,
    ...over,
  });

  Deno.test(`${name}: allows up to the limit, then refuses with Retry-After`, () =>
    withLimiter(async (l) => {
      for (let i = 4; i >= 0; i--) {
        const o = await l.consume(rule());
        assert.deepEqual(
          {
            allowed: o.allowed,
            remaining: o.remaining,
            limit: o.limit,
            key: o.key,
            retry: o.retryAfterSeconds,
          },
          { allowed: true, remaining: i, limit: 5, key: "org:acme", retry: 0 },
        );
        assert.ok(o.resetSeconds > 0 && o.resetSeconds <= 20);
      }
      const refused = await l.consume(rule());
      assert.equal(refused.allowed, false);
      assert.equal(refused.remaining, 0);
      assert.ok(refused.retryAfterSeconds >= 1);
    }));

  Deno.test(`${name}: costs count as several units and a refused request consumes nothing`, () =>
    withLimiter(async (l) => {
      assert.equal((await l.consume(rule({ cost: 3 }))).remaining, 2);
      assert.equal((await l.consume(rule({ cost: 3 }))).allowed, false);
      assert.equal((await l.consume(rule({ cost: 2 }))).allowed, true);
      assert.equal((await l.consume(rule())).allowed, false);
    }));

  Deno.test(`${name}: a cost above the limit is always refused`, () =>
    withLimiter(async (l) => {
      const o = await l.consume(rule({ cost: 6 }));
      assert.equal(o.allowed, false);
      assert.ok(o.retryAfterSeconds >= 1);
      assert.equal((await l.consume(rule())).remaining, 4, "nothing was consumed");
    }));

  Deno.test(`${name}: the previous window's count slides out`, () =>
    withLimiter(async (l, advance) => {
      const r = rule({ limit: 10 });
      for (let i = 0; i < 10; i++) assert.equal((await l.consume(r)).allowed, true);
      advance(10_000); // start of the next window: the previous 10 still weigh fully
      assert.equal((await l.consume(r)).allowed, false);
      advance(5_000); // halfway: they weigh 5
      for (let i = 0; i < 5; i++) assert.equal((await l.consume(r)).allowed, true, `request ${i}`);
      assert.equal((await l.consume(r)).allowed, false);
      advance(5_000); // next window: previous = 5, weighing fully
      for (let i = 0; i < 5; i++) assert.equal((await l.consume(r)).allowed, true);
      assert.equal((await l.consume(r)).allowed, false);
      advance(30_000); // long idle: everything forgotten
      assert.equal((await l.consume(r)).remaining, 9);
    }));

  Deno.test(`${name}: waiting Retry-After seconds is enough`, () =>
    withLimiter(async (l, advance) => {
      const r = rule({ limit: 3, windowSeconds: 60 });
      const step = [7_000, 13_000, 1_000, 29_000, 500, 3_000];
      for (let round = 0; round < 30; round++) {
        let o = await l.consume(r);
        while (o.allowed) {
          advance(step[round % step.length]);
          o = await l.consume(r);
        }
        advance(o.retryAfterSeconds * 1000);
        assert.equal((await l.consume(r)).allowed, true, `round ${round}`);
      }
    }));

  Deno.test(`${name}: no fixed window ever admits more than the limit`, () =>
    withLimiter(async (l, advance) => {
      const r = rule({ limit: 7, windowSeconds: 5 });
      const perWindow = new Map<number, number>();
      let t = T0;
      let seed = 42;
      for (let i = 0; i < 2000; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const dt = seed % 900;
        advance(dt);
        t += dt;
        const cost = 1 + (seed % 3 === 0 ? 1 : 0);
        if ((await l.consume({ ...r, cost })).allowed) {
          const w = Math.floor(t / 5000);
          perWindow.set(w, (perWindow.get(w) ?? 0) + cost);
        }
      }
      for (const [w, n] of perWindow) assert.ok(n <= 7, `window ${w} admitted ${n}`);
      assert.ok(perWindow.size > 100);
    }));

  Deno.test(`${name}: keys and window lengths are counted separately`, () =>
    withLimiter(async (l) => {
      for (let i = 0; i < 5; i++) await l.consume(rule());
      assert.equal((await l.consume(rule())).allowed, false);
      assert.equal((await l.consume(rule({ key: "org:beta" }))).allowed, true);
      assert.equal((await l.consume(rule({ windowSeconds: 60 }))).allowed, true);
    }));

  Deno.test(`${name}: invalid rules are rejected`, () =>
    withLimiter(async (l) => {
      for (
        const bad of [{ key: "" }, { limit: 0 }, { limit: Number.NaN }, { windowSeconds: 0 }, { cost: -1 }]
      ) {
        await assert.rejects(async () => await l.consume(rule(bad)), RangeError, JSON.stringify(bad));
      }
    }));
}
