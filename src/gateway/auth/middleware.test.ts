import assert from "node:assert/strict";
import { errorBody, harness } from "../testing/harness.ts";
import { extractKey, FakeVerifier, keyRecord } from "../testing/fakes.ts";
import { auth } from "./middleware.ts";
import { KeyError } from "../../keys/errors.ts";

const record = keyRecord();
const verifier = new FakeVerifier({ good: record, rev: "revoked", old: "expired", "bad!": "malformed" });

function app() {
  return harness([auth({ verifier, extract: extractKey })]);
}

Deno.test("no key → 401 key_missing", async () => {
  const res = await app().app.request("/x");
  assert.equal(res.status, 401);
  const body = await errorBody(res);
  assert.equal(body.reason, "key_missing");
  assert.equal(body.error, "unauthorized");
  assert.equal(body.request_id, res.headers.get("x-request-id"));
});

Deno.test("each rejection maps to its own 401 reason", async () => {
  for (
    const [key, reason] of [["bad!", "key_malformed"], ["nope", "key_unknown"], ["rev", "key_revoked"], [
      "old",
      "key_expired",
    ]]
  ) {
    const res = await app().app.request("/x", { headers: { "x-api-key": key } });
    assert.equal(res.status, 401, key);
    assert.equal((await errorBody(res)).reason, reason);
  }
});

Deno.test("the body of an unknown key says nothing about the key", async () => {
  const res = await app().app.request("/x", { headers: { authorization: "Bearer nope" } });
  const text = await res.text();
  assert.equal(text.includes("nope"), false);
  assert.deepEqual(Object.keys(JSON.parse(text)).sort(), ["error", "reason", "request_id"]);
});

Deno.test("a good key passes and its record is in the state", async () => {
  const { app: a, states } = app();
  const res = await a.request("/x", { headers: { authorization: "Bearer good" } });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "reached");
  assert.equal(states[0].key, record);
});

Deno.test("a key store that cannot answer → 503 key_store_unavailable, never a pass", async () => {
  const failing = {
    verify: () =>
      Promise.reject(
        new KeyError("key_store_unavailable", "findByHash: connect ECONNREFUSED postgres://u:pw@db"),
      ),
  };
  const { app: a } = harness([auth({ verifier: failing, extract: extractKey })]);
  const res = await a.request("/x", { headers: { "x-api-key": "good" } });
  assert.equal(res.status, 503);
  const text = await res.text();
  assert.equal(JSON.parse(text).reason, "key_store_unavailable");
  assert.equal(text.includes("pw@db"), false);
});
