/**
 * The gateway's own CPU cost per request, without sockets: the real pipeline (pipeline_fixture.ts)
 * in front of an upstream `fetch` that answers at once; plus each stage alone. Run: `deno bench -A --unstable-kv test/bench/pipeline_bench.ts`.
 */
import { newRequestState } from "../../src/gateway/context.ts";
import { validateDecision } from "../../src/gateway/decision/validate.ts";
import { inputJson } from "../../src/gateway/input/encode.ts";
import { JsonText } from "../../src/engine/types.ts";
import { decisionLine } from "../../src/gateway/observe/decision_log.ts";
import { upstreamPayload } from "../../src/gateway/proxy/claims.ts";
import { engine, headers, metrics, once, rawKey, routes, signer, verifier } from "./pipeline_fixture.ts";

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
const input = new JsonText(inputJson(parts));
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
  inputJson(parts);
});
Deno.bench("evaluate (engine, JSON text input)", () => {
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
