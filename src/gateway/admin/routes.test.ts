import assert from "node:assert/strict";
import { Hono } from "hono";
import { MemoryKeyStore } from "../../keys/memory_store.ts";
import { KeyVerifier } from "../../keys/verifier.ts";
import { adminRoutes } from "./routes.ts";

const SECRET = "test-secret-test-secret-test-secret!";
const TOKEN = "admin-token-0123456789";

function setup(token = TOKEN) {
  const store = new MemoryKeyStore();
  let t = Date.parse("2025-05-01T00:00:00Z");
  const now = () => new Date(t);
  const app = new Hono();
  app.route("/admin", adminRoutes({ store, token, hmacSecret: SECRET, now }));
  const verifier = new KeyVerifier({ store, secret: SECRET, now, cacheTtlMs: 60_000 });
  const call = (method: string, path: string, body?: unknown, auth = `Bearer ${TOKEN}`) =>
    app.request(path, {
      method,
      headers: { authorization: auth, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return { store, app, verifier, call, advance: (ms: number) => (t += ms) };
}

const NEW_KEY = { org: "acme", subject: "alice", identity_type: "human", scopes: ["read"], plan: "pro" };

Deno.test("admin: without a configured token every route is 404", async () => {
  const { call } = setup("");
  for (const [m, p] of [["GET", "/admin/keys"], ["POST", "/admin/keys"], ["POST", "/admin/keys/x/revoke"]]) {
    const res = await call(m, p, m === "POST" ? NEW_KEY : undefined);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: "not_found" });
  }
});

Deno.test("admin: a missing or wrong token is 401", async () => {
  const { call } = setup();
  for (const auth of ["", "Bearer nope", `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, TOKEN]) {
    const res = await call("GET", "/admin/keys", undefined, auth);
    assert.equal(res.status, 401, auth);
    assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="gateway-admin"');
    assert.deepEqual(await res.json(), { error: "admin_unauthorized" });
  }
});

Deno.test("admin: create returns the raw key once; list never shows it", async () => {
  const { call, verifier } = setup();
  const res = await call("POST", "/admin/keys", NEW_KEY);
  assert.equal(res.status, 201);
  assert.equal(res.headers.get("cache-control"), "no-store");
  const body = await res.json();
  assert.match(body.key, /^gw_live_/);
  assert.equal(body.record.identity_type, "human");
  assert.equal(body.record.status, "active");
  assert.equal(body.record.hash, undefined);
  assert.equal((await verifier.verify(body.key)).ok, true);

  const list = await call("GET", "/admin/keys");
  const text = await list.text();
  assert.equal(list.status, 200);
  assert.ok(!text.includes(body.key));
  assert.equal(JSON.parse(text).keys.length, 1);
  assert.equal(JSON.parse(text).keys[0].id, body.record.id);
  const filtered = await (await call("GET", "/admin/keys?org=other")).json();
  assert.deepEqual(filtered, { keys: [] });
  const one = await call("GET", `/admin/keys/${body.record.id}`);
  assert.equal((await one.json()).record.id, body.record.id);
  assert.equal((await call("GET", "/admin/keys/key_nope")).status, 404);
});

Deno.test("admin: invalid bodies are 400/415 with stable ids", async () => {
  const { call, app, store } = setup();
  const bad = await call("POST", "/admin/keys", { ...NEW_KEY, identity_type: "robot" });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error, "key_invalid_input");
  const extra = await call("POST", "/admin/keys", { ...NEW_KEY, hash: "x" });
  assert.equal(extra.status, 400);
  const badOrg = await call("POST", "/admin/keys", { ...NEW_KEY, org: "a b" });
  assert.equal((await badOrg.json()).error, "key_invalid_input");
  const notJson = await app.request("/admin/keys", {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: "{",
  });
  assert.equal(notJson.status, 400);
  assert.equal((await notJson.json()).error, "invalid_json");
  const wrongType = await app.request("/admin/keys", {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/plain" },
    body: "{}",
  });
  assert.equal(wrongType.status, 415);
  const huge = await call("POST", "/admin/keys", { ...NEW_KEY, scopes: Array(200).fill("s".repeat(100)) });
  assert.equal(huge.status, 413);
  assert.equal((await store.list()).length, 0);
});

Deno.test("admin: revoke takes effect on the next request", async () => {
  const { call, verifier } = setup();
  const created = await (await call("POST", "/admin/keys", NEW_KEY)).json();
  assert.equal((await verifier.verify(created.key)).ok, true); // now cached
  const res = await call("POST", `/admin/keys/${created.record.id}/revoke`);
  assert.equal(res.status, 200);
  assert.equal((await res.json()).record.status, "revoked");
  assert.deepEqual(await verifier.verify(created.key), {
    ok: false,
    reason: "revoked",
    keyId: created.record.id,
  });
  assert.equal((await call("POST", "/admin/keys/key_nope/revoke")).status, 404);
});

Deno.test("admin: rotate keeps the old key for grace_seconds", async () => {
  const { call, verifier, advance } = setup();
  const created = await (await call("POST", "/admin/keys", NEW_KEY)).json();
  const res = await call("POST", `/admin/keys/${created.record.id}/rotate`, { grace_seconds: 60 });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get("cache-control"), "no-store");
  const rotated = await res.json();
  assert.notEqual(rotated.key, created.key);
  assert.equal(rotated.previous.id, created.record.id);
  assert.equal(rotated.previous.grace_until, "2025-05-01T00:01:00.000Z");
  assert.equal((await verifier.verify(created.key)).ok, true);
  advance(60_000);
  assert.deepEqual(await verifier.verify(created.key), {
    ok: false,
    reason: "revoked",
    keyId: created.record.id,
  });
  assert.equal((await verifier.verify(rotated.key)).ok, true);

  const again = await call("POST", `/admin/keys/${created.record.id}/rotate`, { grace_seconds: 60 });
  assert.equal(again.status, 409);
  assert.equal((await again.json()).error, "key_revoked");
  const badGrace = await call("POST", `/admin/keys/${rotated.record.id}/rotate`, { grace_seconds: -5 });
  assert.equal(badGrace.status, 400);
  const missing = await call("POST", `/admin/keys/${rotated.record.id}/rotate`, {});
  assert.equal(missing.status, 400);
});

Deno.test("admin: store failures are 500 without details", async () => {
  const store = new MemoryKeyStore();
  store.list = () => Promise.reject(new Error("disk on fire: secret=abc"));
  const app = new Hono();
  app.route("/admin", adminRoutes({ store, token: TOKEN, hmacSecret: SECRET }));
  const original = console.error;
  console.error = () => {};
  try {
    const res = await app.request("/admin/keys", { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { error: "internal_error" });
  } finally {
    console.error = original;
  }
});

Deno.test("admin: a short HMAC secret fails at construction", () => {
  assert.throws(() => adminRoutes({ store: new MemoryKeyStore(), token: TOKEN, hmacSecret: "short" }));
});

Deno.test("admin: create takes a name and metadata; list and show return them with last_used", async () => {
  const { call, store } = setup();
  const body =
    await (await call("POST", "/admin/keys", { ...NEW_KEY, name: "billing", metadata: { team: "pay" } }))
      .json();
  assert.deepEqual([body.record.name, body.record.metadata, body.record.last_used], ["billing", {
    team: "pay",
  }, null]);
  await store.recordLastUsed([{ id: body.record.id, at: "2025-05-01T00:00:00.000Z" }]);
  const listed = (await (await call("GET", "/admin/keys")).json()).keys[0];
  assert.deepEqual([listed.name, listed.metadata, listed.last_used], [
    "billing",
    { team: "pay" },
    "2025-05-01T00:00:00.000Z",
  ]);
  const tooMany = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"]));
  const bad = await call("POST", "/admin/keys", { ...NEW_KEY, metadata: tooMany });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error, "key_invalid_input");
  const notStrings = await call("POST", "/admin/keys", { ...NEW_KEY, metadata: { a: 1 } });
  assert.equal(notStrings.status, 400);
});

Deno.test("admin: PATCH narrows scopes on the next request, changes expiry, name and metadata; never revives", async () => {
  const { call, verifier } = setup();
  const created = await (await call("POST", "/admin/keys", { ...NEW_KEY, scopes: ["read", "write"] })).json();
  const first = await verifier.verify(created.key); // now cached for a minute
  assert.deepEqual(first.ok && first.record.scopes, ["read", "write"]);
  const res = await call("PATCH", `/admin/keys/${created.record.id}`, {
    scopes: ["read"],
    expires: "2025-06-01T00:00:00Z",
    name: "narrowed",
    metadata: { owner: "ops" },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("cache-control"), "no-store");
  const { record } = await res.json();
  assert.deepEqual(
    [record.id, record.scopes, record.expires, record.name, record.metadata],
    [created.record.id, ["read"], "2025-06-01T00:00:00.000Z", "narrowed", { owner: "ops" }],
  );
  const next = await verifier.verify(created.key);
  assert.deepEqual(next.ok && next.record.scopes, ["read"], "the next request sees the narrowed scopes");
  const cleared = await (await call("PATCH", `/admin/keys/${created.record.id}`, {
    expires: null,
    metadata: { owner: null },
  })).json();
  assert.deepEqual([cleared.record.expires, cleared.record.metadata], [null, {}]);

  for (const body of [{}, { hash: "x" }, { scopes: "read" }, { expires: "yesterday" }, { revoked: null }]) {
    const bad = await call("PATCH", `/admin/keys/${created.record.id}`, body);
    assert.equal(bad.status, 400, JSON.stringify(body));
    assert.equal((await bad.json()).error, "key_invalid_input");
  }
  assert.equal((await call("PATCH", "/admin/keys/key_nope", { name: "x" })).status, 404);
  await call("POST", `/admin/keys/${created.record.id}/revoke`);
  const revived = await call("PATCH", `/admin/keys/${created.record.id}`, { expires: null });
  assert.equal(revived.status, 409);
  assert.equal((await revived.json()).error, "key_revoked");
  assert.equal((await verifier.verify(created.key)).ok, false);
});
