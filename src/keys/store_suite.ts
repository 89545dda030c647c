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

  Deno.test(`${name}: concurrent puts of different keys all land`, () =>
    withStore(async (store) => {
      const records = Array.from({ length: 20 }, () => sampleRecord());
      await Promise.all(records.map((r) => store.put(r)));
      assert.equal((await store.list()).length, 20);
      for (const r of records) assert.equal((await store.findByHash(r.hash))?.id, r.id);
    }));
}
