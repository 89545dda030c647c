import assert from "node:assert/strict";
import { GatewayMetrics } from "./metrics.ts";

Deno.test("metrics: the decision cache's counts are read at scrape time; tracking again replaces the source", async () => {
  const metrics = new GatewayMetrics();
  const first = { hits: 3, misses: 1, bypassed: 0, size: 1 };
  metrics.trackDecisionCache(first);
  first.hits = 5;
  let text = await metrics.text();
  assert.match(text, /gateway_decision_cache_requests_total\{result="hit"\} 5/);
  assert.match(text, /gateway_decision_cache_entries 1/);
  metrics.trackDecisionCache({ hits: 0, misses: 0, bypassed: 7, size: 0 });
  text = await metrics.text();
  assert.match(text, /gateway_decision_cache_requests_total\{result="bypass"\} 7/);
  assert.match(text, /gateway_decision_cache_requests_total\{result="hit"\} 0/);
});

Deno.test("metrics: policy instance replacements by cause, and failed ones, read at scrape time", async () => {
  const metrics = new GatewayMetrics();
  const stats = { replaced: { policy_timeout: 2 } as Record<string, number>, failed: 0 };
  metrics.trackPolicyInstances(() => stats);
  assert.match(
    await metrics.text(),
    /gateway_policy_instance_replacements_total\{cause="policy_timeout"\} 2/,
  );
  stats.replaced.policy_memory_exceeded = 1;
  stats.failed = 3;
  const text = await metrics.text();
  assert.match(text, /gateway_policy_instance_replacements_total\{cause="policy_memory_exceeded"\} 1/);
  assert.match(text, /gateway_policy_instance_replacement_failures_total 3/);
});
