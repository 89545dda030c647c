import assert from "node:assert/strict";
import { MALFORMED_DECISIONS } from "../testing/fakes.ts";
import { decisionSchema, rateLimitRules, windowSeconds } from "./schema.ts";

Deno.test("windows: seconds or durations", () => {
  assert.equal(windowSeconds(30), 30);
  assert.equal(windowSeconds("30s"), 30);
  assert.equal(windowSeconds("1m"), 60);
  assert.equal(windowSeconds("2h"), 7200);
  assert.equal(windowSeconds("1d"), 86400);
});

Deno.test("rate_limits become rules; cost defaults to 1", () => {
  const d = decisionSchema.parse({
    allow: true,
    reason: "ok",
    rate_limits: [{ key: "org:acme", limit: 10, window: "1m" }, { key: "k2", limit: 5, window: 1, cost: 2 }],
  });
  assert.deepEqual(rateLimitRules(d), [
    { key: "org:acme", limit: 10, windowSeconds: 60, cost: 1 },
    { key: "k2", limit: 5, windowSeconds: 1, cost: 2 },
  ]);
});

Deno.test("malformed decisions do not parse", () => {
  for (const bad of MALFORMED_DECISIONS) {
    assert.equal(decisionSchema.safeParse(bad).success, false, JSON.stringify(bad));
  }
});
