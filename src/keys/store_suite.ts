/**
 * The shared KeyStore test suite: every implementation runs it from its own test file
 * (`keyStoreSuite("name", factory)`). Test-only module.
 */
import assert from "node:assert/strict";
import { subscribeKeyChanges } from "./changes.ts";
import type { KeyRecord, KeyStore } from "./types.ts";

export interface StoreFixture {
  store: KeyStore;
  cleanup?: () => Promise<void> | void;
}

let counter = 0;

export function sampleRecord(overrides: Partial<KeyRecord> = {}): KeyRecord {
  counter++;
  return {
    id: `key_test${String(counter).padStart(12, "0")}`,
    org: "acme",
    subject: `user-${counter}`,
    identityType: "human",
    scopes: ["read"],
    plan: "free",
    created: new Date(Date.UTC(2025, 0, 1, 0, 0, counter)).toISOString(),
    expires: null,
    revoked: null,
    graceUntil: null,
    env: "live",
    hash: counter.toString(16).padStart(64, "0"),
    name: null,
    metadata: {},
    lastUsed: null,
    ...overrides,
  };
}

export function keyStoreSuite(name: string, open: () => Promise<StoreFixture>): void {
  async function withStore(fn: (store: KeyStore) => Promise<void>): Promise<void> {
    const fixture = await open();
    try {
      await fn(fixture.store);
    } finally {
      fixture.store.close?.();
      await fixture.cleanup?.();
    }
  }

  Deno.test(`${name}: put then get and findByHash return the record`, () =>
    withStore(async (store) => {
      const record = sampleRecord({ scopes: ["read", "write"], expires: "2030-01-01T00:00:00.000Z" });
      await store.put(record);
      assert.deepEqual(await store.get(record.id), record);
      assert.deepEqual(await store.findByHash(record.hash), record);
    }));

  Deno.test(`${name}: unknown ids and hashes give null`, () =>
    withStore(async (store) => {
      await store.put(sampleRecord());
      assert.equal(await store.get("key_nope"), null);
      assert.equal(await store.findByHash("f".repeat(64)), null);
      assert.equal(await store.get(""), null);
    }));

  Deno.test(`${name}: put replaces a record by id (revocation persists)`, () =>
    withStore(async (store) => {
      const record = sampleRecord();
      await store.put(record);
      const revoked = { ...record, revoked: "2025-02-01T00:00:00.000Z" };
      await store.put(revoked);
      assert.deepEqual(await store.get(record.id), revoked);
      assert.deepEqual(await store.findByHash(record.hash), revoked);
      assert.equal((await store.list()).length, 1);
    }));

  Deno.test(`${name}: a changed hash moves the index`, () =>
    withStore(async (store) => {
      const record = sampleRecord();
      await store.put(record);
      const moved = { ...record, hash: "e".repeat(64) };
      await store.put(moved);
      assert.equal(await store.findByHash(record.hash), null);
      assert.deepEqual(await store.findByHash(moved.hash), moved);
    }));

  Deno.test(`${name}: a hash cannot belong to two keys`, () =>
    withStore(async (store) => {
      const a = sampleRecord();
      await store.put(a);
      await assert.rejects(store.put(sampleRecord({ hash: a.hash })));
      assert.deepEqual(await store.findByHash(a.hash), a);
    }));

  Deno.test(`${name}: returned records are copies`, () =>
    withStore(async (store) => {
      const record = sampleRecord();
      await store.put(record);
      record.scopes.push("admin");
      const got = (await store.get(record.id))!;
      assert.deepEqual(got.scopes, ["read"]);
      got.scopes.push("mutated");
      got.org = "mutated";
      assert.deepEqual((await store.get(record.id))!.scopes, ["read"]);
      assert.equal((await store.get(record.id))!.org, "acme");
    }));

  Deno.test(`${name}: list returns all records by creation, filtered by org`, () =>
    withStore(async (store) => {
      const b = sampleRecord({ org: "beta" });
      const a = sampleRecord({ org: "acme", created: "2024-06-01T00:00:00.000Z" });
      const c = sampleRecord({ org: "acme" });
      for (const r of [b, a, c]) await store.put(r);
      assert.deepEqual((await store.list()).map((r) => r.id), [a.id, b.id, c.id]);
      assert.deepEqual((await store.list({ org: "acme" })).map((r) => r.id), [a.id, c.id]);
      assert.deepEqual(await store.list({ org: "nobody" }), []);
      assert.deepEqual((await store.list({})).length, 3);
    }));

  Deno.test(`${name}: put notifies change listeners synchronously`, () =>
    withStore(async (store) => {
      const seen: string[] = [];
      const stop = subscribeKeyChanges(store, (r) => seen.push(r.id));
      const record = sampleRecord();
      await store.put(record);
      assert.deepEqual(seen, [record.id]);
      stop();
      await store.put({ ...record, revoked: "2025-01-01T00:00:00.000Z" });
      assert.deepEqual(seen, [record.id]);
    }));

  Deno.test(`${name}: name and metadata round-trip; a record of the older shape reads with defaults`, () =>
    withStore(async (store) => {
      const named = sampleRecord({ name: "CI deploys", metadata: { team: "platform", ticket: "OPS-12" } });
      await store.put(named);
      assert.deepEqual(await store.get(named.id), named);
      assert.deepEqual(await store.findByHash(named.hash), named);
      const old = sampleRecord();
      const { name: _n, metadata: _m, lastUsed: _l, ...older } = old;
      await store.put(older as KeyRecord);
      assert.deepEqual(await store.get(old.id), { ...older, name: null, metadata: {}, lastUsed: null });
      assert.deepEqual((await store.list()).map((r) => r.metadata), [named.metadata, {}]);
    }));

  Deno.test(`${name}: a put never clears a revocation or a grace end, nor moves the last use back`, () =>
    withStore(async (store) => {
      const record = sampleRecord({ lastUsed: "2025-03-01T00:00:00.000Z" });
      await store.put(record);
      const revoked = {
        ...record,
        revoked: "2025-02-01T00:00:00.000Z",
        graceUntil: "2025-02-02T00:00:00.000Z",
      };
      await store.put(revoked);
      // A writer that read the record before the revocation (e.g. an update) puts it back unrevoked.
      await store.put({ ...record, scopes: ["read", "write"], lastUsed: null });
      const got = (await store.get(record.id))!;
      assert.equal(got.revoked, revoked.revoked);
      assert.equal(got.graceUntil, revoked.graceUntil);
      assert.equal(got.lastUsed, record.lastUsed);
      assert.deepEqual(got.scopes, ["read", "write"]);
      // An earlier revocation wins over a later one.
      await store.put({ ...got, revoked: "2025-01-15T00:00:00.000Z" });
      assert.equal((await store.get(record.id))!.revoked, "2025-01-15T00:00:00.000Z");
    }));

  Deno.test(`${name}: recordLastUsed moves lastUsed forward only, changes nothing else, announces nothing`, () =>
    withStore(async (store) => {
      assert.ok(store.recordLastUsed, "every store notes last uses");
      const a = sampleRecord();
      const b = sampleRecord({ lastUsed: "2025-06-01T00:00:00.000Z" });
      await store.put(a);
      await store.put(b);
      await store.put({ ...a, revoked: "2025-05-01T00:00:00.000Z", scopes: [] });
      const seen: string[] = [];
      const stop = subscribeKeyChanges(store, (r) => seen.push(r.id));
      await store.recordLastUsed!([
        { id: a.id, at: "2025-05-02T00:00:00.000Z" },
        { id: b.id, at: "2025-05-02T00:00:00.000Z" }, // older than b's: kept as is
        { id: "key_unknown", at: "2025-05-02T00:00:00.000Z" },
      ]);
      await store.recordLastUsed!([]);
      stop();
      assert.deepEqual(seen, []);
      assert.deepEqual(await store.get(a.id), {
        ...a,
        revoked: "2025-05-01T00:00:00.000Z",
        scopes: [],
        lastUsed: "2025-05-02T00:00:00.000Z",
      });
      assert.equal((await store.findByHash(b.hash))!.lastUsed, "2025-06-01T00:00:00.000Z");
      assert.equal(await store.get("key_unknown"), null);
    }));

  Deno.test(`${name}: concurrent puts of different keys all land`, () =>
    withStore(async (store) => {
      const records = Array.from({ length: 20 }, () => sampleRecord());
      await Promise.all(records.map((r) => store.put(r)));
      assert.equal((await store.list()).length, 20);
      for (const r of records) assert.equal((await store.findByHash(r.hash))?.id, r.id);
    }));
}
