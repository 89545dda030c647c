import assert from "node:assert/strict";
import { KeyError } from "./errors.ts";
import { parseRawKey } from "./format.ts";
import { KeyHasher } from "./hash.ts";
import { createKey, keyView, revokeKey, rotateKey } from "./manage.ts";
import { MemoryKeyStore } from "./memory_store.ts";

const SECRET = "test-secret-test-secret-test-secret!";
const NOW = new Date("2025-03-01T12:00:00.000Z");

function context() {
  const store = new MemoryKeyStore();
  return { store, secret: SECRET, now: () => NOW };
}

function code(c: string) {
  return (e: unknown) => e instanceof KeyError && e.code === c;
}

Deno.test("createKey stores only the keyed hash and returns the raw key once", async () => {
  const ctx = context();
  const { record, rawKey } = await createKey(ctx, {
    org: "acme",
    subject: "svc-billing",
    identityType: "service",
    scopes: ["read", "write", "read"],
    plan: "pro",
    env: "test",
  });
  assert.ok(parseRawKey(rawKey));
  assert.ok(rawKey.startsWith("gw_test_"));
  assert.equal(record.hash, new KeyHasher(SECRET).hash(rawKey));
  assert.deepEqual(record.scopes, ["read", "write"]);
  assert.equal(record.created, NOW.toISOString());
  assert.equal(record.revoked, null);
  const stored = await ctx.store.get(record.id);
  assert.deepEqual(stored, record);
  assert.ok(!JSON.stringify(await ctx.store.list()).includes(rawKey));
  assert.ok(!JSON.stringify(keyView(record, NOW)).includes(record.hash), "views omit the hash");
});

Deno.test("createKey defaults plan to free and env to live", async () => {
  const { record } = await createKey(context(), { org: "acme", subject: "a", identityType: "human" });
  assert.equal(record.plan, "free");
  assert.equal(record.env, "live");
  assert.equal(record.expires, null);
});

Deno.test("createKey validates its input", async () => {
  const ctx = context();
  const base = { org: "acme", subject: "a", identityType: "human" as const };
  await assert.rejects(createKey(ctx, { ...base, org: "" }), code("key_invalid_input"));
  await assert.rejects(createKey(ctx, { ...base, subject: "has space" }), code("key_invalid_input"));
  await assert.rejects(
    createKey(ctx, { ...base, identityType: "robot" as never }),
    code("key_invalid_input"),
  );
  await assert.rejects(createKey(ctx, { ...base, env: "Live" }), code("key_invalid_input"));
  await assert.rejects(createKey(ctx, { ...base, scopes: ["ok", "no spaces"] }), code("key_invalid_input"));
  await assert.rejects(createKey(ctx, { ...base, expires: "tomorrow" }), code("key_invalid_input"));
  await assert.rejects(
    createKey(ctx, { ...base, expires: "2025-03-01T11:00:00Z" }),
    code("key_invalid_input"),
  );
  assert.equal((await ctx.store.list()).length, 0);
  const ok = await createKey(ctx, { ...base, expires: "2025-04-01T00:00:00+02:00" });
  assert.equal(ok.record.expires, "2025-03-31T22:00:00.000Z");
});

Deno.test("revokeKey sets revoked and is idempotent", async () => {
  const ctx = context();
  const { record } = await createKey(ctx, { org: "acme", subject: "a", identityType: "human" });
  const revoked = await revokeKey(ctx, record.id);
  assert.equal(revoked.revoked, NOW.toISOString());
  const later = await revokeKey({ ...ctx, now: () => new Date(NOW.getTime() + 5000) }, record.id);
  assert.equal(later.revoked, NOW.toISOString());
  await assert.rejects(revokeKey(ctx, "key_missing"), code("key_not_found"));
});

Deno.test("rotateKey copies the identity, issues a new key and sets the old key's grace", async () => {
  const ctx = context();
  const old = await createKey(ctx, {
    org: "acme",
    subject: "bot",
    identityType: "agent",
    scopes: ["x"],
    plan: "pro",
    env: "test",
    expires: "2026-01-01T00:00:00Z",
  });
  const rotated = await rotateKey(ctx, old.record.id, 3600);
  assert.notEqual(rotated.record.id, old.record.id);
  assert.notEqual(rotated.rawKey, old.rawKey);
  for (const field of ["org", "subject", "identityType", "scopes", "plan", "env", "expires"] as const) {
    assert.deepEqual(rotated.record[field], old.record[field]);
  }
  assert.equal(rotated.previous.graceUntil, "2025-03-01T13:00:00.000Z");
  assert.equal((await ctx.store.get(old.record.id))!.graceUntil, "2025-03-01T13:00:00.000Z");
  assert.equal(keyView(rotated.previous, NOW).status, "grace");
});

Deno.test("rotateKey refuses revoked, already rotated and missing keys, and bad grace", async () => {
  const ctx = context();
  const a = await createKey(ctx, { org: "acme", subject: "a", identityType: "human" });
  await assert.rejects(rotateKey(ctx, a.record.id, -1), code("key_invalid_input"));
  await assert.rejects(rotateKey(ctx, a.record.id, Number.NaN), code("key_invalid_input"));
  await rotateKey(ctx, a.record.id, 60);
  await assert.rejects(rotateKey(ctx, a.record.id, 60), code("key_already_rotated"));
  const b = await createKey(ctx, { org: "acme", subject: "b", identityType: "human" });
  await revokeKey(ctx, b.record.id);
  await assert.rejects(rotateKey(ctx, b.record.id, 60), code("key_revoked"));
  await assert.rejects(rotateKey(ctx, "key_nope", 60), code("key_not_found"));
});
