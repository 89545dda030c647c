import assert from "node:assert/strict";
import { harness } from "../testing/harness.ts";
import { acceptRequestId } from "./middleware.ts";

Deno.test("with trustRequestId, a well-formed caller id is kept and echoed", async () => {
  const { app, states } = harness([], {}, undefined, { trustRequestId: true });
  const res = await app.request("/", { headers: { "x-request-id": "abc-123:XYZ.9" } });
  assert.equal(res.headers.get("x-request-id"), "abc-123:XYZ.9");
  assert.equal(states[0].requestId, "abc-123:XYZ.9");
});

Deno.test("by default a caller's id is not trusted: the gateway makes its own", async () => {
  const { app, states } = harness([]);
  const res = await app.request("/", { headers: { "x-request-id": "abc-123:XYZ.9" } });
  assert.match(res.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  assert.equal(states[0].requestId, res.headers.get("x-request-id"));
});

Deno.test("ill-formed caller ids are replaced by a UUID", () => {
  for (
    const bad of ["short", "has space inside", "x".repeat(129), "new\nline-1234", "<script>alert</script>"]
  ) {
    const id = acceptRequestId(bad);
    assert.notEqual(id, bad);
    assert.match(id, /^[0-9a-f-]{36}$/);
  }
  assert.match(acceptRequestId(null), /^[0-9a-f-]{36}$/);
});

Deno.test("every request gets a distinct id", async () => {
  const { app } = harness([]);
  const a = (await app.request("/")).headers.get("x-request-id");
  const b = (await app.request("/")).headers.get("x-request-id");
  assert.ok(a && b && a !== b);
});
