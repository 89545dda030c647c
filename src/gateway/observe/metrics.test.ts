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

Deno.test("metrics: requests and latencies counted without label lookups read as prom-client's would", async () => {
  const metrics = new GatewayMetrics();
  metrics.registry.setDefaultLabels({ process: "2" });
  metrics.observeRequest("orders", "allow", 200, 0.0007);
  metrics.observeRequest("orders", "allow", 200, 0.003);
  metrics.observeRequest("orders", "deny", 403, 20);
  metrics.observePolicy(0.02, true);
  const text = await metrics.text();
  const has = (line: string) => assert.ok(text.split("\n").includes(line), `${line}\n---\n${text}`);
  has('gateway_requests_total{route="orders",decision="allow",status="200",process="2"} 2');
  has('gateway_requests_total{route="orders",decision="deny",status="403",process="2"} 1');
  has("# TYPE gateway_request_duration_seconds histogram");
  has('gateway_request_duration_seconds_bucket{le="0.0005",route="orders",process="2"} 0');
  has('gateway_request_duration_seconds_bucket{le="0.001",route="orders",process="2"} 1');
  has('gateway_request_duration_seconds_bucket{le="0.005",route="orders",process="2"} 2');
  has('gateway_request_duration_seconds_bucket{le="10",route="orders",process="2"} 2');
  has('gateway_request_duration_seconds_bucket{le="+Inf",route="orders",process="2"} 3');
  has('gateway_request_duration_seconds_count{route="orders",process="2"} 3');
  has('gateway_request_duration_seconds_sum{route="orders",process="2"} 20.0037');
  has('gateway_policy_eval_duration_seconds_bucket{le="0.00005",result="ok",process="2"} 1');
  has('gateway_policy_eval_duration_seconds_count{result="ok",process="2"} 1');
});
