import assert from "node:assert/strict";
import { newRequestState } from "../../context.ts";
import { inputParts } from "../../testing/fakes.ts";
import { decisionLine } from "../decision_log.ts";
import { opaEvent, opaEventJson } from "./event.ts";

const CTX = {
  labels: { id: "i", version: "v" },
  bundleName: "b",
  path: "gateway/decision",
  requestedBy: "",
  reqId: 3,
};

Deno.test("opa event: the spliced JSON text is the event, and holds no credential of the request", () => {
  for (const consulted of [true, false]) {
    const state = newRequestState("req-1", 0);
    state.revision = "r1";
    if (consulted) {
      state.input = inputParts();
      state.decision = { allow: false, reason: "nope" } as never;
    }
    const line = decisionLine(state, { method: "GET", path: "/x", status: 403, latencyMs: 1.5, now: 0 });
    const text = opaEventJson(state, line, CTX);
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(opaEvent(state, line, CTX))));
    assert.equal(text.includes("secret"), false); // inputParts' authorization / x-api-key headers
    assert.equal("requested_by" in JSON.parse(text), false);
  }
});

Deno.test("opa event: a policy error is OPA's error field, without a result", () => {
  const state = newRequestState("req-1", 0);
  state.input = inputParts();
  state.reason = "policy_timeout";
  state.detail = "policy_timeout: deadline";
  state.outcome = "error";
  const line = decisionLine(state, { method: "GET", path: "/x", status: 503, latencyMs: 1, now: 0 });
  const e = opaEvent(state, line, CTX);
  assert.deepEqual(e.error, { code: "policy_timeout", message: "policy_timeout: deadline" });
  assert.equal("result" in e, false);
  assert.equal(e.path, "gateway/decision");
});
