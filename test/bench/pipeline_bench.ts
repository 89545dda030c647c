/**
 * The gateway's own CPU cost per request, without sockets: the real pipeline (key verifier over an
 * in-memory store, the bench policy through the engine, the limiter, the JWT signer and its cache,
 * metrics, the decision log into a discarding writer) in front of an upstream `fetch` that answers
 * at once; plus each stage alone. Run: `deno bench -A --unstable-kv test/bench/pipeline_bench.ts`.
 */
import { fileURLToPath } from "node:url";
import { startEngine } from "../../src/engine/mod.ts";
import { createGatewayApp } from "../../src/gateway/app.ts";
import { validateDecision } from "../../src/gateway/decision/validate.ts";
import { encodeInput } from "../../src/gateway/input/encode.ts";
import { ClaimsSigner } from "../../src/gateway/jwt/signer.ts";
import { DEFAULT_LIMITS } from "../../src/gateway/limits/middleware.ts";
import { decisionLine, jsonLinesSink } from "../../src/gateway/observe/decision_log.ts";
import { LineWriter } from "../../src/gateway/observe/line_writer.ts";
import { GatewayMetrics } from "../../src/gateway/observe/metrics.ts";
import { upstreamPayload } from "../../src/gateway/proxy/claims.ts";
import { MemoryRateLimiter } from "../../src/gateway/ratelimit/memory_limiter.ts";
import { RouteTable } from "../../src/gateway/routes/table.ts";
import { createKey } from "../../src/keys/manage.ts";
import { MemoryKeyStore } from "../../src/keys/memory_store.ts";
import { extractApiKey, KeyVerifier } from "../../src/keys/verifier.ts";
import { newRequestState } from "../../src/gateway/context.ts";

const SECRET = "bench-secret-bench-secret-bench-secret-0123";
const store = new MemoryKeyStore();
const { rawKey } = await createKey({ store, secret: SECRET }, {
  org: "bench",
  subject: "svc-bench",
  identityType: "service",
  scopes: ["bench:read"],
  env: "test",
});
const verifier = new KeyVerifier({ store, secret: SECRET, cacheTtlMs: 60_000 });
const signer = await ClaimsSigner.create({ issuer: "bench" });
const { engine, manager } = await startEngine({
  bundle: fileURLToPath(new URL("./fixtures/policy", import.meta.url)),
  entrypoints: ["gateway/decision"],
  watch: false,
  pollIntervalMs: 0,
});
manager.stop();
const routes = new RouteTable([{ id: "bench", prefix: "/", upstream: "http://127.0.0.1:9" }]);
const metrics = new GatewayMetrics();
const writer = new LineWriter({ write: (b) => Promise.resolve(b.length) });
const upstreamBody = JSON.stringify({ ok: true, items: [1, 2, 3] });
const app = createGatewayApp({
  routes,
  evaluator: engine,
  policyStatus: { current: () => engine.current(), lastReloadError: () => null },
  entrypoint: "gateway/decision",
  headerAllowList: ["user-agent"],
  verifier,
  extractKey: extractApiKey,
  signer,
  limiter: new MemoryRateLimiter(),
  metrics,
  sink: jsonLinesSink(writer),
  limits: DEFAULT_LIMITS,
  upstream: {
    connectMs: 5000,
    overallMs: 30000,
    jwtHeader: "authorization",
    jwtPrefix: "Bearer ",
    via: "1.1 gw",
  },
  fetch: () =>
    Promise.resolve(new Response(upstreamBody, { headers: { "content-type": "application/json" } })),
});
const env = { remoteAddr: { hostname: "127.0.0.1", port: 5555, transport: "tcp" } };
const headers = { host: "127.0.0.1:8080", authorization: `Bearer ${rawKey}`, "user-agent": "autocannon" };

async function once(): Promise<void> {
  const res = await app.fetch(new Request("http://127.0.0.1:8080/items", { headers }), env);
  if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
  await res.body?.cancel();
}
await once();

const record =
  (await verifier.verify(rawKey) as { ok: true; record: import("../../src/keys/types.ts").KeyRecord })
    .record;
const parts = {
  key: record,
  route: routes.routes[0],
  requestId: crypto.randomUUID(),
  method: "GET",
  path: "/items",
  host: "127.0.0.1:8080",
  search: "",
  headers: new Headers(headers),
  headerAllowList: ["user-agent"],
  clientAddress: "127.0.0.1",
  now: new Date(),
};
const input = encodeInput(parts);
const evaluation = engine.evaluate("gateway/decision", input);
if (!evaluation.ok) throw evaluation.error;
const decision = validateDecision(evaluation.value);
if (!decision.ok) throw new Error(decision.issue);
const state = newRequestState("req-1", performance.now());
Object.assign(state, { key: record, route: routes.routes[0], decision: decision.decision, outcome: "allow" });

Deno.bench("whole pipeline (app.fetch, instant upstream)", { group: "pipeline", baseline: true }, once);
Deno.bench("new Request only", { group: "pipeline" }, () => {
  new Request("http://127.0.0.1:8080/items", { headers });
});
Deno.bench("key verify (cached)", async () => {
  await verifier.verify(rawKey);
});
Deno.bench("encode input", () => {
  encodeInput(parts);
});
Deno.bench("evaluate (engine, ArrayBuffer input)", () => {
  engine.evaluate("gateway/decision", input);
});
Deno.bench("validate decision", () => {
  validateDecision(evaluation.value);
});
Deno.bench("sign (cached token)", async () => {
  await signer.sign(upstreamPayload(record, decision.decision, "rev"), { subject: "s", audience: "a" });
});
Deno.bench("decision line + JSON", () => {
  JSON.stringify(
    decisionLine(state, { method: "GET", path: "/items", status: 200, latencyMs: 1.2, now: Date.now() }),
  );
});
Deno.bench("metrics observe", () => {
  metrics.observeRequest("bench", "allow", 200, 0.001);
  metrics.observePolicy(0.05, true);
});
