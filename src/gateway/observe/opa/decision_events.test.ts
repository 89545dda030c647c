import assert from "node:assert/strict";
import {
  type EngineErrorCode,
  type Evaluation,
  MASK_ENTRYPOINT,
  type PolicyEvaluator,
} from "../../../engine/types.ts";
import { EngineError, JsonText } from "../../../engine/types.ts";
import { fakeGateway } from "../../testing/gateway.ts";
import { LineWriter } from "../line_writer.ts";
import { OpaDecisionLog } from "./decision_events.ts";

const KEY = { authorization: "Bearer good", "user-agent": "ua/1" };

/** The mask rule's stand-in: answers with `mask(event)`; `entrypoints` as the bundle says. */
function maskEvaluator(
  mask: (event: any) => { value: unknown } | { error: EngineErrorCode },
  hasMask = true,
): PolicyEvaluator & { seen: any[] } {
  const seen: any[] = [];
  return {
    seen,
    evaluate(entrypoint: string, input: unknown): Evaluation {
      assert.equal(entrypoint, MASK_ENTRYPOINT);
      // The event arrives as its JSON text, as the engine takes it.
      assert.ok(input instanceof JsonText);
      const event = JSON.parse(input.text);
      seen.push(event);
      const a = mask(event);
      return "error" in a
        ? { ok: false, error: new EngineError(a.error, "boom"), revision: "rev-1", durationMs: 0 }
        : { ok: true, value: a.value, revision: "rev-1", durationMs: 0 };
    },
    current: () => ({
      revision: "rev-1",
      entrypoints: hasMask ? ["gateway/decision", MASK_ENTRYPOINT] : ["gateway/decision"],
      loadedAt: new Date(0),
      source: "fake",
    }),
  };
}

async function run(evaluator: PolicyEvaluator, requests: [string, HeadersInit][]) {
  const bytes: Uint8Array[] = [];
  const console = new LineWriter({
    write: (b) => {
      bytes.push(b.slice());
      return Promise.resolve(b.length);
    },
  });
  const log = new OpaDecisionLog({
    evaluator,
    entrypoint: "gateway/decision",
    labels: { id: "inst", version: "v" },
    bundleName: "authz",
    console,
    uploader: null,
  });
  const g = fakeGateway({ sink: log, decisionIds: true });
  const ids: (string | null)[] = [];
  for (const [path, headers] of requests) {
    const res = await g.app.request(path, { headers });
    await res.body?.cancel();
    ids.push(res.headers.get("x-decision-id"));
  }
  await console.flush();
  const text = new TextDecoder().decode(new Uint8Array(bytes.flatMap((b) => [...b])));
  return { events: text.split("\n").filter(Boolean).map((l) => JSON.parse(l)), ids, log };
}

Deno.test("opa events: OPA's fields, the decision id sent back, the gateway's facts under `gateway`", async () => {
  const { events, ids } = await run(maskEvaluator(() => ({ value: [] })), [["/orders/7?q=1", KEY]]);
  assert.equal(events.length, 1);
  const e = events[0];
  assert.equal(e.decision_id, ids[0]);
  assert.match(ids[0]!, /^[0-9a-f-]{36}$/);
  assert.deepEqual(e.labels, { id: "inst", version: "v" });
  assert.deepEqual(e.bundles, { authz: { revision: "rev-1" } });
  assert.equal(e.path, "gateway/decision");
  assert.equal(e.input.identity.key_id, "key_test1");
  assert.deepEqual(e.input.request.query, { q: ["1"] });
  assert.equal(e.result.allow, true);
  assert.equal(e.req_id, 1);
  assert.ok(e.metrics.timer_server_handler_ns >= 0);
  assert.equal(e.gateway.route, "orders");
  assert.equal(e.gateway.key_id, "key_test1");
  assert.deepEqual(e.gateway.rate_limit && Object.keys(e.gateway.rate_limit), [
    "key",
    "limit",
    "remaining",
    "allowed",
  ]);
  assert.equal(JSON.stringify(e).includes("Bearer good"), false);
  assert.equal(e.erased, undefined);
});

Deno.test("opa events: a request refused before the policy has no path, input or result", async () => {
  const { events } = await run(maskEvaluator(() => ({ value: [] })), [["/orders/7", {
    authorization: "Bearer x",
  }]]);
  assert.equal(events[0].path, undefined);
  assert.equal(events[0].input, undefined);
  assert.equal(events[0].result, undefined);
  assert.equal(events[0].gateway.status, 401);
});

Deno.test("opa events: the mask rule sees the whole event as its input and its paths are applied", async () => {
  const ev = maskEvaluator(() => ({
    value: ["/input/request/headers/user-agent", { op: "upsert", path: "/result/reason", value: "x" }],
  }));
  const { events } = await run(ev, [["/orders/7", KEY]]);
  assert.equal(ev.seen[0].input.request.headers["user-agent"], "ua/1");
  assert.equal(ev.seen[0].decision_id, events[0].decision_id);
  assert.deepEqual(events[0].input.request.headers, {});
  assert.equal(events[0].result.reason, "x");
  assert.deepEqual(events[0].erased, ["/input/request/headers/user-agent"]);
  assert.deepEqual(events[0].masked, ["/result/reason"]);
});

Deno.test("opa events: fail closed — a mask that errs or is malformed drops the event, never logs it unmasked", async () => {
  for (
    const answer of [
      { error: "policy_timeout" as const },
      { error: "policy_eval_failed" as const },
      { value: "/input" },
      { value: ["/labels/id"] },
    ]
  ) {
    const { events, log } = await run(maskEvaluator(() => answer), [["/orders/7", KEY], ["/orders/8", KEY]]);
    assert.deepEqual(events, [], JSON.stringify(answer));
    assert.equal(log.maskFailures, 2);
  }
  // Undefined (no mask for this event), or no mask rule at all: logged as it is.
  assert.equal(
    (await run(maskEvaluator(() => ({ error: "policy_undefined" })), [["/orders/7", KEY]])).events.length,
    1,
  );
  const none = maskEvaluator(() => {
    throw new Error("not called");
  }, false);
  assert.equal((await run(none, [["/orders/7", KEY]])).events.length, 1);
});
