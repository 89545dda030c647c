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
