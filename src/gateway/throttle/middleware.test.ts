import assert from "node:assert/strict";
import { decisionSchema } from "../decision/schema.ts";
import { FakeLimiter } from "../testing/fakes.ts";
import { errorBody, harness } from "../testing/harness.ts";
import { throttle } from "./middleware.ts";

function decisionWith(rate_limits: unknown[]) {
  return decisionSchema.parse({ allow: true, reason: "ok", rate_limits });
}

Deno.test("within the limit: passes with RateLimit-* headers", async () => {
  const limiter = new FakeLimiter();
  const { app, states } = harness([throttle({ limiter })], {
    decision: decisionWith([{ key: "k", limit: 3, window: "1m" }]),
  });
  const res = await app.request("/");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("ratelimit-limit"), "3");
  assert.equal(res.headers.get("ratelimit-remaining"), "2");
  assert.equal(res.headers.get("ratelimit-reset"), "60");
  assert.equal(res.headers.get("retry-after"), null);
  assert.equal(states[0].rateLimit?.remaining, 2);
});

Deno.test("over the limit: 429 with Retry-After and RateLimit-* headers, handler not reached", async () => {
  const limiter = new FakeLimiter();
  const { app } = harness([throttle({ limiter })], {
    decision: decisionWith([{ key: "k", limit: 1, window: 30 }]),
  });
  assert.equal((await app.request("/")).status, 200);
  const res = await app.request("/");
  assert.equal(res.status, 429);
  const body = await errorBody(res);
  assert.equal(body.reason, "rate_limited");
  assert.equal(res.headers.get("retry-after"), "30");
  assert.equal(res.headers.get("ratelimit-limit"), "1");
  assert.equal(res.headers.get("ratelimit-remaining"), "0");
  assert.equal(res.headers.get("ratelimit-reset"), "30");
});

Deno.test("several rules: the first refusal stops, headers report the most restrictive", async () => {
  const limiter = new FakeLimiter();
  const d = decisionWith([{ key: "wide", limit: 100, window: 60 }, { key: "narrow", limit: 2, window: 60 }]);
  const { app } = harness([throttle({ limiter })], { decision: d });
  const res = await app.request("/");
  assert.equal(res.headers.get("ratelimit-limit"), "2");
  assert.equal(res.headers.get("ratelimit-remaining"), "1");
});

Deno.test("no rate_limits: no headers, no limiter call", async () => {
  const limiter = new FakeLimiter();
  const { app } = harness([throttle({ limiter })], { decision: decisionWith([]) });
  const res = await app.request("/");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("ratelimit-limit"), null);
  assert.equal(limiter.used.size, 0);
});

Deno.test("a failing limiter fails closed: 503", async () => {
  const limiter = new FakeLimiter();
  limiter.fail = true;
  const { app } = harness([throttle({ limiter })], {
    decision: decisionWith([{ key: "k", limit: 1, window: 1 }]),
  });
  const res = await app.request("/");
  assert.equal(res.status, 503);
  assert.equal((await errorBody(res)).reason, "rate_limiter_failed");
});

Deno.test("limiters answering at once, with a promise, or both: the same outcomes", async () => {
  const rules = [{ key: "wide", limit: 100, window: 60 }, { key: "narrow", limit: 2, window: 60 }];
  for (const atOnce of [[], ["wide"], ["narrow"], ["wide", "narrow"]]) {
    const limiter = new FakeLimiter();
    atOnce.forEach((k) => limiter.atOnce.add(k));
    const { app } = harness([throttle({ limiter })], { decision: decisionWith(rules) });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const res = await app.request("/");
      statuses.push([res.status, res.headers.get("ratelimit-remaining")]);
    }
    assert.deepEqual(statuses, [[200, "1"], [200, "0"], [429, "0"]], `at once: ${atOnce}`);
    assert.deepEqual([...limiter.used], [["wide", 3], ["narrow", 2]]); // rules before a refusal stay charged
    limiter.fail = true;
    const res = await app.request("/");
    assert.equal(res.status, 503, `at once: ${atOnce}`);
    assert.equal((await errorBody(res)).reason, "rate_limiter_failed");
  }
});
