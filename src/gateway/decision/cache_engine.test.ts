/**
 * The decision cache with the real compiler and engine: decisions come from the cache exactly
 * while the bundle in force says they may, and never outlive a reload.
 */
import assert from "node:assert/strict";
import { HOST_BUILTINS } from "../../engine/builtins/index.ts";
import { PolicyEngine } from "../../engine/engine.ts";
import { loadBundle } from "../../engine/load.ts";
import { regoBundle as bundleOf } from "../../engine/testing/rego_bundle.ts";
import { fakeGateway } from "../testing/gateway.ts";

const KEY = { authorization: "Bearer good" };

const BY_METHOD = `package gateway
decision := {"allow": input.request.method == "GET", "reason": "by_method"}
`;

Deno.test("decision cache + engine: cached while the policy reads only cacheable paths; a reload starts afresh", async () => {
  const engine = new PolicyEngine();
  engine.activate(await bundleOf(BY_METHOD));
  const g = fakeGateway({
    evaluator: engine,
    policyStatus: { current: () => engine.current(), lastReloadError: () => null },
  });
  const statuses = [];
  for (
    const [path, method] of [["/orders/1", "GET"], ["/orders/2", "GET"], ["/orders/3", "DELETE"], [
      "/orders/4",
      "DELETE",
    ]]
  ) {
    statuses.push((await g.app.request(path, { method, headers: KEY })).status);
  }
  assert.deepEqual(statuses, [200, 200, 403, 403]);
  assert.deepEqual(g.lines.map((l) => l.decision_cache), ["miss", "hit", "miss", "hit"]);
  assert.equal(g.lines[1].policy_ms, null);
  const metrics = await g.metrics.text();
  assert.match(metrics, /gateway_decision_cache_requests_total\{result="hit"\} 2/);
  assert.match(metrics, /gateway_decision_cache_entries 2/);

  // Hot reload: the next request is decided by the new bundle, never by a cached decision.
  engine.activate(await bundleOf(BY_METHOD.replace('"GET"', '"DELETE"')));
  const after = await g.app.request("/orders/5", { method: "GET", headers: KEY });
  assert.equal(after.status, 403);
  assert.equal(g.lines.at(-1)!.decision_cache, "miss");
  assert.notEqual(g.lines.at(-1)!.revision, g.lines[0].revision);
});

Deno.test("decision cache + engine: a policy reading the time or calling time.now_ns is evaluated every time", async () => {
  for (
    const rego of [
      `package gateway\ndecision := {"allow": input.request.time >= "2000", "reason": "t"}\n`,
      `package gateway\ndecision := {"allow": time.now_ns() > 0, "reason": "t"}\n`,
    ]
  ) {
    const engine = new PolicyEngine();
    engine.activate(await bundleOf(rego));
    const g = fakeGateway({ evaluator: engine });
    for (let i = 0; i < 3; i++) {
      assert.equal((await g.app.request("/orders/1", { headers: KEY })).status, 200);
    }
    assert.deepEqual(g.lines.map((l) => l.decision_cache), [null, null, null]);
    assert.deepEqual(g.lines.map((l) => typeof l.policy_ms), ["number", "number", "number"]);
  }
});

Deno.test("decision cache: off by configuration", async () => {
  const engine = new PolicyEngine();
  engine.activate(await bundleOf(BY_METHOD));
  const g = fakeGateway({ evaluator: engine, decisionCache: false });
  for (let i = 0; i < 2; i++) await g.app.request("/orders/1", { headers: KEY });
  assert.deepEqual(g.lines.map((l) => l.decision_cache), [null, null]);
  assert.doesNotMatch(await g.metrics.text(), /gateway_decision_cache/);
});

Deno.test("decision cache: the default policy (policies/) is cacheable per key, route and method", async () => {
  const { readBundleDirectory } = await import("../../engine/bundle/directory.ts");
  const files = await readBundleDirectory(new URL("../../../policies", import.meta.url).pathname);
  const loaded = await loadBundle({ kind: "files", files }, {
    entrypoints: ["gateway/decision"],
    builtins: HOST_BUILTINS,
  });
  assert.deepEqual(loaded.info.inputDependencies?.["gateway/decision"], {
    paths: [
      ["identity", "key_id"],
      ["identity", "org"],
      ["identity", "plan"],
      ["identity", "scopes"],
      ["identity", "subject"],
      ["identity", "type"],
      ["request", "method"],
      ["route", "id"],
    ],
    volatile: [],
  });
});
