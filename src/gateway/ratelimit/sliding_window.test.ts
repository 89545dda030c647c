import assert from "node:assert/strict";
import { advance, decide, isExpired, toOutcome } from "./sliding_window.ts";

Deno.test("advance rolls counters into the next window and forgets older ones", () => {
  assert.deepEqual(advance(undefined, 25_000, 10_000), { window: 2, previous: 0, current: 0 });
  assert.deepEqual(advance({ window: 2, previous: 1, current: 4 }, 29_999, 10_000), {
    window: 2,
    previous: 1,
    current: 4,
  });
  assert.deepEqual(advance({ window: 2, previous: 1, current: 4 }, 30_000, 10_000), {
    window: 3,
    previous: 4,
    current: 0,
  });
  assert.deepEqual(advance({ window: 2, previous: 1, current: 4 }, 40_000, 10_000), {
    window: 4,
    previous: 0,
    current: 0,
  });
});

Deno.test("decide weighs the previous window by the part still inside the sliding window", () => {
  // 30% into window 1, previous = 10: estimate 7 + current 1 = 8 of 10
  const d = decide({ window: 1, previous: 10, current: 1 }, 13_000, 10_000, 10, 1);
  assert.equal(d.allowed, true);
  assert.equal(d.remaining, 1);
  assert.deepEqual(d.state, { window: 1, previous: 10, current: 2 });
  assert.equal(d.resetMs, 17_000);
  const refused = decide({ window: 1, previous: 10, current: 1 }, 13_000, 10_000, 10, 3);
  assert.equal(refused.allowed, false);
  // needs 10·(1 − f) + 1 + 3 ≤ 10 → f ≥ 0.4 → at 14 000
  assert.equal(refused.retryAfterMs, 1_000);
  assert.deepEqual(refused.state, { window: 1, previous: 10, current: 1 });
});

Deno.test("decide: when the current window is full, retry falls in the next window", () => {
  const d = decide({ window: 0, previous: 0, current: 4 }, 2_000, 10_000, 4, 1);
  assert.equal(d.allowed, false);
  // next window starts at 10 000; needs 4·(1 − g) + 1 ≤ 4 → g ≥ 0.25 → 12 500
  assert.equal(d.retryAfterMs, 10_500);
  assert.equal(decide(undefined, 0, 10_000, 4, 5).retryAfterMs, Infinity);
});

Deno.test("isExpired once two windows have passed", () => {
  assert.equal(isExpired({ window: 3, previous: 0, current: 1 }, 49_999, 10_000), false);
  assert.equal(isExpired({ window: 3, previous: 0, current: 1 }, 50_000, 10_000), true);
});

Deno.test("toOutcome: whole seconds rounded up; a refusal waits ≥ 1 s, an impossible cost one window", () => {
  const rule = { key: "org:acme", limit: 10, windowSeconds: 10, cost: 1 };
  const allowed = decide({ window: 1, previous: 10, current: 1 }, 13_000, 10_000, 10, 1);
  assert.deepEqual(toOutcome(rule, allowed), {
    allowed: true,
    limit: 10,
    remaining: 1,
    resetSeconds: 17,
    retryAfterSeconds: 0,
    key: "org:acme",
  });
  const base = { allowed: false, state: { window: 0, previous: 0, current: 10 }, remaining: 0 };
  const soon = toOutcome(rule, { ...base, resetMs: 1_001, retryAfterMs: 1 });
  assert.equal(soon.resetSeconds, 2);
  assert.equal(soon.retryAfterSeconds, 1);
  assert.equal(toOutcome(rule, { ...base, resetMs: 0, retryAfterMs: 2_500 }).retryAfterSeconds, 3);
  const never = toOutcome({ ...rule, cost: 11 }, decide(undefined, 0, 10_000, 10, 11));
  assert.equal(never.allowed, false);
  assert.equal(never.retryAfterSeconds, 10);
});
