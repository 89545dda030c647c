import assert from "node:assert/strict";
import { createKey, revokeKey, rotateKey } from "./manage.ts";
import { MemoryKeyStore } from "./memory_store.ts";
import type { KeyRecord, KeyStore } from "./types.ts";
import { extractApiKey, KeyVerifier } from "./verifier.ts";
import { generateRawKey } from "./format.ts";
import { KeyHasher } from "./hash.ts";

const SECRET = "test-secret-test-secret-test-secret!";

/**
 * A store that counts lookups. Unless `share` is set it is not on the inner store's change channel,
 * so writes to the inner store look like writes by another process.
 */
class CountingStore implements KeyStore {
  lookups = 0;
  readonly changeChannel?: string;
  constructor(readonly inner: KeyStore, share = false) {
    if (share) this.changeChannel = (inner as { changeChannel?: string }).changeChannel;
  }
  get(id: string) {
    return this.inner.get(id);
  }
  findByHash(hash: string) {
    this.lookups++;
    return this.inner.findByHash(hash);
  }
  put(record: KeyRecord) {
    return this.inner.put(record);
  }
  list(filter?: { org?: string }) {
    return this.inner.list(filter);
  }
}

class ExplodingStore implements KeyStore {
  get(): Promise<KeyRecord | null> {
    throw new Error("store touched");
  }
  findByHash(): Promise<KeyRecord | null> {
    throw new Error("store touched");
  }
  put(): Promise<void> {
    throw new Error("store touched");
  }
  list(): Promise<KeyRecord[]> {
    throw new Error("store touched");
  }
}

function clock(start = Date.parse("2025-01-01T00:00:00Z")) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

async function setup(cacheTtlMs = 1000) {
  const store = new MemoryKeyStore();
  const c = clock();
  const verifier = new KeyVerifier({ store, secret: SECRET, now: c.now, cacheTtlMs });
  const ctx = { store, secret: SECRET, now: c.now };
  const issued = await createKey(ctx, {
    org: "acme",
    subject: "alice",
    identityType: "human",
    scopes: ["read"],
  });
  return { store, clock: c, verifier, ctx, issued };
}

Deno.test("verify accepts a valid key and returns its record", async () => {
  const { verifier, issued } = await setup();
  const check = await verifier.verify(issued.rawKey);
  assert.deepEqual(check, { ok: true, record: issued.record });
});

Deno.test("missing and malformed keys are rejected without touching the store", async () => {
  const verifier = new KeyVerifier({ store: new ExplodingStore(), secret: SECRET });
  assert.deepEqual(await verifier.verify(null), { ok: false, reason: "missing" });
  assert.deepEqual(await verifier.verify(undefined), { ok: false, reason: "missing" });
  assert.deepEqual(await verifier.verify(""), { ok: false, reason: "missing" });
  assert.deepEqual(await verifier.verify("hello"), { ok: false, reason: "malformed" });
  const key = generateRawKey("live");
  const typo = key.slice(0, 10) + (key[10] === "a" ? "b" : "a") + key.slice(11);
  assert.deepEqual(await verifier.verify(typo), { ok: false, reason: "malformed" });
  await assert.rejects(async () => await verifier.verify(key), /store touched/); // well-formed keys do reach the store
});

Deno.test("a well-formed key that is not in the store is unknown", async () => {
  const { verifier } = await setup();
  assert.deepEqual(await verifier.verify(generateRawKey("live")), { ok: false, reason: "unknown" });
});

Deno.test("a key hashed under another secret is unknown", async () => {
  const { store, issued } = await setup();
  const other = new KeyVerifier({ store, secret: "another-secret-another-secret-1234" });
  assert.deepEqual(await other.verify(issued.rawKey), { ok: false, reason: "unknown" });
});

Deno.test("a record whose env differs from the key's prefix is unknown", async () => {
  const { store, verifier, issued } = await setup();
  await store.put({ ...issued.record, env: "test" });
  assert.deepEqual(await verifier.verify(issued.rawKey), { ok: false, reason: "unknown" });
  // …also when the lookup is served by the cache (which skips the parse).
  assert.deepEqual(await verifier.verify(issued.rawKey), { ok: false, reason: "unknown" });
});

Deno.test("a cached key still answers as first verified; a one-character variant of it is malformed", async () => {
  const { verifier, issued } = await setup();
  const first = await verifier.verify(issued.rawKey);
  assert.deepEqual(await verifier.verify(issued.rawKey), first);
  const k = issued.rawKey;
  const i = k.length - 1;
  const variant = k.slice(0, i) + (k[i] === "A" ? "B" : "A");
  assert.deepEqual(await verifier.verify(variant), { ok: false, reason: "malformed" });
  assert.deepEqual(await verifier.verify(k + "x".repeat(64)), { ok: false, reason: "malformed" });
});

Deno.test("revocation takes effect on the next request despite the cache", async () => {
  const { verifier, ctx, issued, store } = await setup(60_000);
  const cached = new KeyVerifier({ store, secret: SECRET, now: ctx.now, cacheTtlMs: 60_000 });
  assert.equal((await cached.verify(issued.rawKey)).ok, true);
  assert.equal((await verifier.verify(issued.rawKey)).ok, true);
  await revokeKey({ store, now: ctx.now }, issued.record.id);
  assert.deepEqual(await verifier.verify(issued.rawKey), {
    ok: false,
    reason: "revoked",
    keyId: issued.record.id,
  });
  assert.deepEqual(await cached.verify(issued.rawKey), {
    ok: false,
    reason: "revoked",
    keyId: issued.record.id,
  });
});

Deno.test("the cache serves repeated lookups and expires after its TTL", async () => {
  const { store, clock: c, issued } = await setup();
  const counting = new CountingStore(store);
  const verifier = new KeyVerifier({ store: counting, secret: SECRET, now: c.now, cacheTtlMs: 1000 });
  for (let i = 0; i < 5; i++) assert.equal((await verifier.verify(issued.rawKey)).ok, true);
  assert.equal(counting.lookups, 1);
  c.advance(999);
  await verifier.verify(issued.rawKey);
  assert.equal(counting.lookups, 1);
  c.advance(1);
  await verifier.verify(issued.rawKey);
  assert.equal(counting.lookups, 2);
});

Deno.test("a change made elsewhere (another process) is seen within the TTL", async () => {
  const { store, clock: c, issued } = await setup();
  const elsewhere = new CountingStore(store); // not on the verifier's change channel
  const verifier = new KeyVerifier({ store: elsewhere, secret: SECRET, now: c.now, cacheTtlMs: 1000 });
  assert.equal((await verifier.verify(issued.rawKey)).ok, true);
  // write straight to the underlying store: the verifier's subscription (on `elsewhere`) hears nothing
  await store.put({ ...issued.record, revoked: new Date(c.now().getTime()).toISOString() });
  assert.equal((await verifier.verify(issued.rawKey)).ok, true, "still cached: the documented bound");
  c.advance(1000);
  assert.deepEqual(await verifier.verify(issued.rawKey), {
    ok: false,
    reason: "revoked",
    keyId: issued.record.id,
  });
});

Deno.test("negative lookups are cached too, and a put in-process clears them", async () => {
  const store = new MemoryKeyStore();
  const counting = new CountingStore(store, true); // a wrapper that forwards the change channel
  const c = clock();
  const verifier = new KeyVerifier({ store: counting, secret: SECRET, now: c.now, cacheTtlMs: 60_000 });
  const raw = generateRawKey("live");
  assert.deepEqual(await verifier.verify(raw), { ok: false, reason: "unknown" });
  assert.deepEqual(await verifier.verify(raw), { ok: false, reason: "unknown" });
  assert.equal(counting.lookups, 1);
  const record = (await createKey({ store: new MemoryKeyStore(), secret: SECRET, now: c.now }, {
    org: "acme",
    subject: "bob",
    identityType: "service",
  })).record;
  await store.put({ ...record, hash: new KeyHasher(SECRET).hash(raw) });
  assert.equal((await verifier.verify(raw)).ok, true);
});

Deno.test("expiry is evaluated on every call, not cached", async () => {
  const store = new MemoryKeyStore();
  const c = clock();
  const ctx = { store, secret: SECRET, now: c.now };
  const issued = await createKey(ctx, {
    org: "acme",
    subject: "carol",
    identityType: "agent",
    expires: new Date(c.now().getTime() + 5000).toISOString(),
  });
  const verifier = new KeyVerifier({ store, secret: SECRET, now: c.now, cacheTtlMs: 60_000 });
  assert.equal((await verifier.verify(issued.rawKey)).ok, true);
  c.advance(4999);
  assert.equal((await verifier.verify(issued.rawKey)).ok, true);
  c.advance(1);
  assert.deepEqual(await verifier.verify(issued.rawKey), {
    ok: false,
    reason: "expired",
    keyId: issued.record.id,
  });
});

Deno.test("after rotation the old key works during the grace period only", async () => {
  const { verifier, ctx, issued, clock: c } = await setup(60_000);
  const rotated = await rotateKey(ctx, issued.record.id, 30);
  assert.equal((await verifier.verify(rotated.rawKey)).ok, true);
  const during = await verifier.verify(issued.rawKey);
  assert.equal(during.ok, true);
  c.advance(29_999);
  assert.equal((await verifier.verify(issued.rawKey)).ok, true);
  c.advance(1);
  assert.deepEqual(await verifier.verify(issued.rawKey), {
    ok: false,
    reason: "revoked",
    keyId: issued.record.id,
  });
  assert.equal((await verifier.verify(rotated.rawKey)).ok, true);
});

Deno.test("rotation with no grace rejects the old key at once", async () => {
  const { verifier, ctx, issued } = await setup(60_000);
  assert.equal((await verifier.verify(issued.rawKey)).ok, true);
  await rotateKey(ctx, issued.record.id, 0);
  assert.deepEqual(await verifier.verify(issued.rawKey), {
    ok: false,
    reason: "revoked",
    keyId: issued.record.id,
  });
});

Deno.test("concurrent lookups of one key share a store call", async () => {
  const { store, clock: c, issued } = await setup();
  const counting = new CountingStore(store);
  const verifier = new KeyVerifier({ store: counting, secret: SECRET, now: c.now });
  const checks = await Promise.all(Array.from({ length: 10 }, () => verifier.verify(issued.rawKey)));
  assert.ok(checks.every((x) => x.ok));
  assert.equal(counting.lookups, 1);
});

Deno.test("the cache is bounded", async () => {
  const store = new MemoryKeyStore();
  const counting = new CountingStore(store);
  const c = clock();
  const verifier = new KeyVerifier({ store: counting, secret: SECRET, now: c.now, cacheMaxEntries: 3 });
  const keys = Array.from({ length: 4 }, () => generateRawKey("live"));
  for (const k of keys) await verifier.verify(k);
  assert.equal(counting.lookups, 4);
  await verifier.verify(keys[3]); // still cached
  assert.equal(counting.lookups, 4);
  await verifier.verify(keys[0]); // evicted as the oldest
  assert.equal(counting.lookups, 5);
});

Deno.test("cacheTtlMs 0 disables caching", async () => {
  const { store, clock: c, issued } = await setup();
  const counting = new CountingStore(store);
  const verifier = new KeyVerifier({ store: counting, secret: SECRET, now: c.now, cacheTtlMs: 0 });
  await verifier.verify(issued.rawKey);
  await verifier.verify(issued.rawKey);
  assert.equal(counting.lookups, 2);
});

Deno.test("close stops listening to the store", async () => {
  const { store, verifier, issued, ctx } = await setup(60_000);
  assert.equal((await verifier.verify(issued.rawKey)).ok, true);
  verifier.close(); // clears the cache as well
  await revokeKey({ store, now: ctx.now }, issued.record.id);
  assert.deepEqual(await verifier.verify(issued.rawKey), {
    ok: false,
    reason: "revoked",
    keyId: issued.record.id,
  });
});

Deno.test("invalidateAll drops every cached lookup, positive and negative", async () => {
  const { store, clock: c, issued } = await setup();
  const elsewhere = new CountingStore(store); // writes to `store` go unheard, as from another process
  const verifier = new KeyVerifier({ store: elsewhere, secret: SECRET, now: c.now, cacheTtlMs: 600_000 });
  const unknownRaw = generateRawKey("live");
  assert.equal((await verifier.verify(issued.rawKey)).ok, true);
  assert.deepEqual(await verifier.verify(unknownRaw), { ok: false, reason: "unknown" });
  // Two changes this verifier never hears of: a revocation, and the unknown key now created.
  await store.put({ ...issued.record, revoked: c.now().toISOString() });
  const other = (await createKey({ store: new MemoryKeyStore(), secret: SECRET, now: c.now }, {
    org: "acme",
    subject: "bob",
    identityType: "service",
  })).record;
  await store.put({ ...other, hash: new KeyHasher(SECRET).hash(unknownRaw) });
  assert.equal((await verifier.verify(issued.rawKey)).ok, true, "cached for ten minutes");
  assert.deepEqual(await verifier.verify(unknownRaw), { ok: false, reason: "unknown" });
  assert.equal(elsewhere.lookups, 2);
  verifier.invalidateAll();
  assert.deepEqual(await verifier.verify(issued.rawKey), {
    ok: false,
    reason: "revoked",
    keyId: issued.record.id,
  });
  assert.equal((await verifier.verify(unknownRaw)).ok, true);
  assert.equal(elsewhere.lookups, 4);
  await verifier.verify(issued.rawKey); // cached again afterwards
  assert.equal(elsewhere.lookups, 4);
});

Deno.test("invalidateAll during a lookup: its answer is not cached, later calls do not join it", async () => {
  const { store, clock: c, issued } = await setup();
  const gate = Promise.withResolvers<void>();
  let lookups = 0;
  const slow: KeyStore = {
    get: (id) => store.get(id),
    async findByHash(hash) {
      lookups++;
      const answer = await store.findByHash(hash); // read before the change below
      if (lookups === 1) await gate.promise;
      return answer;
    },
    put: (record) => store.put(record),
    list: (filter) => store.list(filter),
  };
  const verifier = new KeyVerifier({ store: slow, secret: SECRET, now: c.now, cacheTtlMs: 600_000 });
  const first = verifier.verify(issued.rawKey);
  await Promise.resolve(); // the lookup has started
  await store.put({ ...issued.record, revoked: c.now().toISOString() }); // unheard: another process
  verifier.invalidateAll();
  assert.deepEqual(await verifier.verify(issued.rawKey), {
    ok: false,
    reason: "revoked",
    keyId: issued.record.id,
  }, "did not join");
  gate.resolve();
  assert.equal((await first).ok, true, "the stale lookup answers its own caller");
  assert.deepEqual(await verifier.verify(issued.rawKey), {
    ok: false,
    reason: "revoked",
    keyId: issued.record.id,
  }, "not cached");
  assert.equal(lookups, 2, "the fresh answer was cached");
});

Deno.test("extractApiKey reads Bearer first, then X-API-Key", () => {
  assert.equal(extractApiKey(new Headers({ authorization: "Bearer abc" })), "abc");
  assert.equal(extractApiKey(new Headers({ authorization: "bearer   abc  " })), "abc");
  assert.equal(extractApiKey(new Headers({ "x-api-key": " k1 " })), "k1");
  assert.equal(extractApiKey(new Headers({ authorization: "Bearer a", "x-api-key": "b" })), "a");
  assert.equal(extractApiKey(new Headers({ authorization: "Basic dXNlcjpwYXNz", "x-api-key": "b" })), "b");
  assert.equal(extractApiKey(new Headers({ authorization: "Basic dXNlcjpwYXNz" })), null);
  assert.equal(extractApiKey(new Headers({ authorization: "Bearer a b" })), null);
  assert.equal(extractApiKey(new Headers()), null);
  assert.equal(extractApiKey(new Headers({ "x-api-key": "  " })), null);
});

Deno.test("verifier: answers at once when no store read is needed, with a promise otherwise", async () => {
  const store = new MemoryKeyStore();
  const { rawKey } = await createKey({ store, secret: SECRET }, {
    org: "acme",
    subject: "alice",
    identityType: "human",
    scopes: [],
    env: "test",
  });
  const verifier = new KeyVerifier({ store, secret: SECRET, cacheTtlMs: 60_000 });
  assert.deepEqual(verifier.verify(null), { ok: false, reason: "missing" });
  assert.deepEqual(verifier.verify("gw_test_nope"), { ok: false, reason: "malformed" });
  const first = verifier.verify(rawKey);
  assert.ok(first instanceof Promise); // the first lookup reads the store
  assert.equal((await first).ok, true);
  const second = verifier.verify(rawKey);
  assert.ok(!(second instanceof Promise) && second.ok); // cached
  // A revocation in this process drops the entry: the next answer reads the store again.
  await revokeKey({ store }, second.record.id);
  const third = verifier.verify(rawKey);
  assert.ok(third instanceof Promise);
  assert.deepEqual(await third, { ok: false, reason: "revoked", keyId: second.record.id });
  verifier.close();
});
