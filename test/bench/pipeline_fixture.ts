/**
 * The gateway pipeline of the in-process bench, shared by pipeline_bench.ts and pipeline_profile.ts:
 * the real stages (key verifier over an in-memory store, the bench policy through the engine, the
 * limiter, the JWT signer and its cache, metrics, the decision log into a discarding writer) in
 * front of an upstream client that answers at once. `once()` sends one request through `app.fetch`.
 */
import { fileURLToPath } from "node:url";
import { startEngine } from "../../src/engine/mod.ts";
import { createGatewayApp } from "../../src/gateway/app.ts";
import { ClaimsSigner } from "../../src/gateway/jwt/signer.ts";
import { DEFAULT_LIMITS } from "../../src/gateway/limits/middleware.ts";
import { jsonLinesSink } from "../../src/gateway/observe/decision_log.ts";
import { LineWriter } from "../../src/gateway/observe/line_writer.ts";
import { GatewayMetrics } from "../../src/gateway/observe/metrics.ts";
import { MemoryRateLimiter } from "../../src/gateway/ratelimit/memory_limiter.ts";
import { RouteTable } from "../../src/gateway/routes/table.ts";
import { createKey } from "../../src/keys/manage.ts";
import { MemoryKeyStore } from "../../src/keys/memory_store.ts";
import { extractApiKey, KeyVerifier } from "../../src/keys/verifier.ts";

export const SECRET = "bench-secret-bench-secret-bench-secret-0123";
export const store = new MemoryKeyStore();
export const { rawKey } = await createKey({ store, secret: SECRET }, {
  org: "bench",
  subject: "svc-bench",
  identityType: "service",
  scopes: ["bench:read"],
  env: "test",
});
export const verifier = new KeyVerifier({ store, secret: SECRET, cacheTtlMs: 60_000 });
export const signer = await ClaimsSigner.create({ issuer: "bench" });
export const { engine, manager } = await startEngine({
  bundle: fileURLToPath(new URL("./fixtures/policy", import.meta.url)),
  entrypoints: ["gateway/decision"],
  watch: false,
  pollIntervalMs: 0,
});
manager.stop();
export const routes = new RouteTable([{ id: "bench", prefix: "/", upstream: "http://127.0.0.1:9" }]);
export const metrics = new GatewayMetrics();
const writer = new LineWriter({ write: (b) => Promise.resolve(b.length) });
const upstreamBytes = new TextEncoder().encode(JSON.stringify({ ok: true, items: [1, 2, 3] }));
export const app = createGatewayApp({
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
  // An upstream client that answers at once, as undici's does (a record of fields, the small body
  // buffered): what is measured is the gateway's own work.
  upstreamClient: {
    name: "undici",
    send: () => ({
      response: Promise.resolve({
        status: 200,
        statusText: "OK",
        headers: { "content-type": "application/json", "content-length": String(upstreamBytes.length) },
        body: Promise.resolve(upstreamBytes),
      }),
      abort() {},
    }),
    close: () => Promise.resolve(),
  },
});
const remoteAddr = { hostname: "127.0.0.1", port: 5555, transport: "tcp" };
export const headers = {
  host: "127.0.0.1:8080",
  authorization: `Bearer ${rawKey}`,
  "user-agent": "autocannon",
};

/** One request, with the bindings Deno.serve passes (`completed` settles once the body is done). */
export async function once(): Promise<void> {
  let delivered!: () => void;
  const completed = new Promise<void>((resolve) => delivered = resolve);
  const res = await app.fetch(new Request("http://127.0.0.1:8080/items", { headers }), {
    remoteAddr,
    completed,
  });
  if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
  // The body is left unread: Deno.serve would send a bytes body natively.
  delivered();
}
await once();
