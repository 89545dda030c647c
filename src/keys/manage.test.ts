import assert from "node:assert/strict";
import { KeyError } from "./errors.ts";
import { parseRawKey } from "./format.ts";
import { KeyHasher } from "./hash.ts";
import { createKey, keyView, METADATA_LIMITS, revokeKey, rotateKey, updateKey } from "./manage.ts";
import { KeyVerifier } from "./verifier.ts";
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

const BASE = { org: "acme", subject: "svc", identityType: "service" as const, scopes: ["read"] };

Deno.test("createKey takes a name and bounded metadata, shown by keyView; rotation keeps them", async () => {
  const ctx = context();
  const { record } = await createKey(ctx, { ...BASE, name: "CI deploys", metadata: { team: "platform" } });
  assert.equal(record.name, "CI deploys");
  assert.deepEqual(record.metadata, { team: "platform" });
  const view = keyView(record, NOW);
  assert.deepEqual([view.name, view.metadata, view.last_used], ["CI deploys", { team: "platform" }, null]);
  const rotated = await rotateKey(ctx, record.id, 0);
  assert.deepEqual([rotated.record.name, rotated.record.metadata], ["CI deploys", { team: "platform" }]);
  // A record of the older shape views with defaults.
  const { name: _n, metadata: _m, lastUsed: _l, ...older } = record;
  assert.deepEqual(keyView(older, NOW).metadata, {});
  assert.equal(keyView(older, NOW).name, null);
});

Deno.test("name and metadata are bounded: key_invalid_input", async () => {
  const ctx = context();
  const tooMany = Object.fromEntries(
    Array.from({ length: METADATA_LIMITS.entries + 1 }, (_, i) => [`k${i}`, "v"]),
  );
  const bad: Record<string, unknown>[] = [
    { name: "" },
    { name: "x".repeat(METADATA_LIMITS.nameLength + 1) },
    { name: "line\nbreak" },
    { metadata: tooMany },
    { metadata: { ["k".repeat(METADATA_LIMITS.keyLength + 1)]: "v" } },
    { metadata: { "": "v" } },
    { metadata: { "__proto__x": "v" } },
    { metadata: { "a b": "v" } },
    { metadata: { k: "v".repeat(METADATA_LIMITS.valueLength + 1) } },
    { metadata: { k: "" } },
    { metadata: { k: "\u0000" } },
    { metadata: { k: 5 } },
    { metadata: ["a"] },
  ];
  for (const extra of bad) {
    await assert.rejects(
      createKey(ctx, { ...BASE, ...extra }),
      code("key_invalid_input"),
      JSON.stringify(extra),
    );
  }
  const atLimit = Object.fromEntries(
    Array.from(
      { length: METADATA_LIMITS.entries },
      (_, i) => [`${i}`.padEnd(METADATA_LIMITS.keyLength, "k"), "v".repeat(METADATA_LIMITS.valueLength)],
    ),
  );
  const { record } = await createKey(ctx, {
    ...BASE,
    name: "n".repeat(METADATA_LIMITS.nameLength),
    metadata: atLimit,
  });
  assert.deepEqual(record.metadata, atLimit);
  assert.equal((await ctx.store.list()).length, 1, "nothing invalid was written");
});

Deno.test("updateKey changes scopes, expiry, name and metadata in place; the next verify sees them", async () => {
  const ctx = context();
  const { record, rawKey } = await createKey(ctx, {
    ...BASE,
    scopes: ["read", "write"],
    metadata: { a: "1", b: "2" },
  });
  const verifier = new KeyVerifier({ store: ctx.store, secret: SECRET, now: () => NOW, cacheTtlMs: 600_000 });
  try {
    assert.deepEqual(((await verifier.verify(rawKey)) as { record: { scopes: string[] } }).record.scopes, [
      "read",
      "write",
    ]);
    const updated = await updateKey(ctx, record.id, {
      scopes: ["read"],
      expires: "2025-04-01T00:00:00Z",
      name: "narrowed",
      metadata: { a: null, c: "3" },
    });
    assert.equal(updated.id, record.id);
    assert.equal(updated.hash, record.hash, "same key: no rotation");
    assert.deepEqual(updated.scopes, ["read"]);
    assert.equal(updated.expires, "2025-04-01T00:00:00.000Z");
    assert.equal(updated.name, "narrowed");
    assert.deepEqual(updated.metadata, { b: "2", c: "3" });
    assert.deepEqual(await ctx.store.get(record.id), updated);
    const check = verifier.verify(rawKey); // the cached lookup was dropped by the put
    assert.ok(check instanceof Promise, "looked up again");
    assert.deepEqual(((await check) as { record: { scopes: string[] } }).record.scopes, ["read"]);
    const cleared = await updateKey(ctx, record.id, { expires: null, name: null });
    assert.deepEqual([cleared.expires, cleared.name, cleared.scopes], [null, null, ["read"]]);
  } finally {
    verifier.close();
  }
});

Deno.test("updateKey refuses revoked, rotated-out, expired and missing keys, and bad or empty changes", async () => {
  const ctx = context();
  const { record } = await createKey(ctx, BASE);
  await assert.rejects(updateKey(ctx, record.id, {}), code("key_invalid_input"));
  await assert.rejects(updateKey(ctx, record.id, { scopes: ["bad scope"] }), code("key_invalid_input"));
  await assert.rejects(
    updateKey(ctx, record.id, { expires: "2020-01-01T00:00:00Z" }),
    code("key_invalid_input"),
  );
  await assert.rejects(updateKey(ctx, record.id, { expires: "soon" }), code("key_invalid_input"));
  await assert.rejects(
    updateKey(ctx, record.id, {
      metadata: Object.fromEntries(
        Array.from({ length: METADATA_LIMITS.entries + 1 }, (_, i) => [`k${i}`, "v"]),
      ),
    }),
    code("key_invalid_input"),
  );
  await assert.rejects(updateKey(ctx, "key_nope", { name: "x" }), code("key_not_found"));
  await revokeKey(ctx, record.id);
  await assert.rejects(updateKey(ctx, record.id, { expires: null, scopes: ["read"] }), code("key_revoked"));
  assert.notEqual((await ctx.store.get(record.id))!.revoked, null, "still revoked");

  const rotated = await createKey(ctx, BASE);
  await rotateKey(ctx, rotated.record.id, 0);
  await assert.rejects(updateKey(ctx, rotated.record.id, { name: "x" }), code("key_revoked"));

  const expiring = await createKey(ctx, { ...BASE, expires: "2025-03-01T12:00:01Z" });
  const later = { ...ctx, now: () => new Date("2025-03-02T00:00:00Z") };
  await assert.rejects(updateKey(later, expiring.record.id, { expires: null }), code("key_revoked"));
});
