/**
 * /readyz with the engine's policy instance check (as src/main.ts wires it): ready while the
 * instance in force can evaluate, 503 with `policy_instance_unavailable` once an evaluation spoilt
 * it and it could not be rebuilt.
 */
import assert from "node:assert/strict";
import { HOST_BUILTINS } from "../../engine/builtins/index.ts";
import { PolicyEngine } from "../../engine/engine.ts";
import { sdkLoader } from "../../engine/instance/sdk_module.ts";
import { loadBundle } from "../../engine/load.ts";
import type { PolicyLoader } from "../../engine/policy.ts";
import { GatewayMetrics } from "../observe/metrics.ts";
import { opsRoutes } from "./routes.ts";

Deno.test("readyz: a policy instance that cannot be rebuilt makes the gateway not ready", async () => {
  let broken = false;
  const loader: PolicyLoader = async (wasm, builtins, options) => {
    const module = await sdkLoader(wasm, builtins, options);
    return {
      instantiate: () => {
        if (broken) throw new RangeError("WebAssembly.Memory(): could not allocate memory");
        return module.instantiate();
      },
    };
  };
  const rego = `package gateway
import rego.v1
decision := {"allow": true, "reason": "ok", "n": count([1 | some i in numbers.range(1, input.n); some j in numbers.range(1, input.n)])}
`;
  const engine = new PolicyEngine();
  engine.activate(
    await loadBundle({ kind: "files", files: new Map([["p.rego", new TextEncoder().encode(rego)]]) }, {
      entrypoints: ["gateway/decision"],
      builtins: HOST_BUILTINS,
      loader,
      timeoutMs: 30,
    }),
  );
  const app = opsRoutes({
    policy: { current: () => engine.current(), lastReloadError: () => null },
    metrics: new GatewayMetrics(),
    jwks: () => ({ keys: [] }),
    dependencies: { policy_instance: () => engine.readiness() },
  });
  const readyz = async () => {
    const res = await app.request("/readyz");
    return { status: res.status, body: await res.json() };
  };

  assert.deepEqual(await readyz(), {
    status: 200,
    body: {
      status: "ready",
      revision: engine.current()!.revision,
      source: "embedded",
      loaded_at: engine.current()!.loadedAt.toISOString(),
      last_reload_error: null,
      dependencies: { policy_instance: { status: "up" } },
    },
  });
  broken = true;
  const timedOut = engine.evaluate("gateway/decision", { n: 1_000_000 });
  assert.equal(!timedOut.ok && timedOut.error.code, "policy_timeout");
  const down = await readyz();
  assert.equal(down.status, 503);
  assert.equal(down.body.status, "not_ready");
  assert.deepEqual(down.body.dependencies.policy_instance, {
    status: "down",
    error: "policy_instance_unavailable",
  });
  assert.equal(down.body.revision, engine.current()!.revision, "the bundle in force is still named");
});
