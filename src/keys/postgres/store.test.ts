/**
 * The PostgreSQL key store against the real server (127.0.0.1:5432; these tests fail, never skip,
 * when it is unreachable), each test in a schema of its own.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { FlakyProxy } from "../../redis/testing/test_redis.ts";
import { subscribeKeyChanges } from "../changes.ts";
import { KeyError } from "../errors.ts";
import { createKey, revokeKey, updateKey } from "../manage.ts";
import { keyStoreSuite, sampleRecord } from "../store_suite.ts";
import { TEST_DATABASE_URL, testPostgres } from "../testing/test_postgres.ts";
import { KeyVerifier } from "../verifier.ts";
import { migrate, type Migration, MIGRATIONS, schemaVersion } from "./migrations.ts";
import { type PgKeyChange, PostgresKeyStore } from "./store.ts";

const SECRET = "test-secret-test-secret-test-secret!";
const NEW_KEY = {
  org: "acme",
  subject: "svc",
  identityType: "service" as const,
  scopes: ["read"],
  env: "test",
};

keyStoreSuite("PostgresKeyStore", async () => {
  const db = await testPostgres();
  return { store: await PostgresKeyStore.open(db.settings), cleanup: () => db.drop() };
});

async function withStores(
  n: number,
  fn: (
    stores: PostgresKeyStore[],
    settings: Awaited<ReturnType<typeof testPostgres>>["settings"],
  ) => Promise<void>,
) {
  const db = await testPostgres();
  const stores: PostgresKeyStore[] = [];
  try {
    for (let i = 0; i < n; i++) stores.push(await PostgresKeyStore.open(db.settings));
    await fn(stores, db.settings);
  } finally {
    for (const s of stores) s.close();
    await db.drop();
  }
}

/** One replica's view of the shared store: no in-process change channel in common. */
const replicaView = (store: PostgresKeyStore) => ({
  get: (id: string) => store.get(id),
  findByHash: (hash: string) => store.findByHash(hash),
  put: (r: Parameters<PostgresKeyStore["put"]>[0]) => store.put(r),
  list: () => store.list(),
});

Deno.test("PostgresKeyStore: a revocation in one replica reaches the other's listener within a second", () =>
  withStores(2, async ([a, b]) => {
    const verifierB = new KeyVerifier({ store: replicaView(b), secret: SECRET, cacheTtlMs: 600_000 });
    let heard = Promise.withResolvers<PgKeyChange>();
    const stop = await b.listen((change) => {
      verifierB.invalidate(change.hash);
      heard.resolve(change);
    });
    try {
      const { record, rawKey } = await createKey({ store: a, secret: SECRET }, NEW_KEY);
      assert.deepEqual(await heard.promise, { id: record.id, hash: record.hash });
      heard = Promise.withResolvers();
      assert.equal((await verifierB.verify(rawKey)).ok, true); // cached for ten minutes
      const started = performance.now();
      await revokeKey({ store: a }, record.id);
      await heard.promise;
      assert.ok(performance.now() - started < 1000, "within a second");
      assert.deepEqual(await verifierB.verify(rawKey), { ok: false, reason: "revoked", keyId: record.id });
    } finally {
      await stop();
      verifierB.close();
    }
  }));

Deno.test("PostgresKeyStore: scopes narrowed in one replica apply to the other's next request (NOTIFY)", () =>
  withStores(2, async ([a, b]) => {
    const verifierB = new KeyVerifier({ store: replicaView(b), secret: SECRET, cacheTtlMs: 600_000 });
    const controlB = new KeyVerifier({ store: replicaView(b), secret: SECRET, cacheTtlMs: 600_000 });
    let heard = Promise.withResolvers<PgKeyChange>();
    const stop = await b.listen((change) => {
      verifierB.invalidate(change.hash);
      heard.resolve(change);
    });
    const scopes = async (v: KeyVerifier, raw: string) => {
      const check = await v.verify(raw);
      return check.ok ? check.record.scopes : check.reason;
    };
    try {
      const { record, rawKey } = await createKey({ store: a, secret: SECRET }, {
        ...NEW_KEY,
        scopes: ["read", "write"],
      });
      await heard.promise;
      heard = Promise.withResolvers();
      assert.deepEqual(await scopes(verifierB, rawKey), ["read", "write"]); // cached for ten minutes
      assert.deepEqual(await scopes(controlB, rawKey), ["read", "write"]);
      await updateKey({ store: a }, record.id, { scopes: ["read"], name: "narrowed" });
      assert.deepEqual(await heard.promise, { id: record.id, hash: record.hash });
      assert.deepEqual(await scopes(verifierB, rawKey), ["read"]);
      assert.deepEqual(
        await scopes(controlB, rawKey),
        ["read", "write"],
        "the test depends on the notification",
      );
      // A revoked key stays revoked: an update refused, and a stale put cannot clear it.
      await revokeKey({ store: a }, record.id);
      await assert.rejects(
        updateKey({ store: b }, record.id, { expires: null }),
        (e) => e instanceof KeyError && e.code === "key_revoked",
      );
      await b.put({ ...record, scopes: ["read", "write"] });
      assert.notEqual((await a.get(record.id))!.revoked, null);
    } finally {
      await stop();
      verifierB.close();
      controlB.close();
    }
  }));

Deno.test("PostgresKeyStore: a put that moves the hash notifies both hashes, here and elsewhere", () =>
  withStores(2, async ([a, b]) => {
    const remote: PgKeyChange[] = [];
    const all = Promise.withResolvers<void>();
    const stop = await b.listen((c) => {
      remote.push(c);
      if (remote.length === 3) all.resolve();
    });
    const local: string[] = [];
    const off = subscribeKeyChanges(a, (r) => local.push(r.hash));
    try {
      const record = sampleRecord();
      await a.put(record);
      await a.put({ ...record, hash: "e".repeat(64) });
      await all.promise;
      assert.deepEqual(remote, [
        { id: record.id, hash: record.hash },
        { id: record.id, hash: "e".repeat(64) },
        { id: record.id, hash: record.hash },
      ]);
      assert.deepEqual(local, [record.hash, "e".repeat(64), record.hash]);
    } finally {
      off();
      await stop();
    }
  }));

Deno.test("PostgresKeyStore: after a lost connection the listener comes back and asks for a resync", async () => {
  const db = await testPostgres();
  const proxy = FlakyProxy.start(TEST_DATABASE_URL);
  const writer = await PostgresKeyStore.open(db.settings);
  const reader = await PostgresKeyStore.open({
    ...db.settings,
    url: proxy.url(TEST_DATABASE_URL),
    migrate: false,
  });
  let resynced = Promise.withResolvers<void>();
  let heard = Promise.withResolvers<PgKeyChange>();
  const stop = await reader.listen((c) => heard.resolve(c), { onResync: () => resynced.resolve() });
  try {
    proxy.cut();
    // While cut, lookups fail closed with a stable code, and health says so.
    await assert.rejects(
      reader.findByHash("a".repeat(64)),
      (e) => e instanceof KeyError && e.code === "key_store_unavailable",
    );
    assert.deepEqual(await reader.health(), { status: "down", error: "key_store_unavailable" });
    const record = sampleRecord();
    await writer.put(record); // missed by the reader
    proxy.restore();
    await resynced.promise;
    heard = Promise.withResolvers();
    resynced = Promise.withResolvers();
    await writer.put({ ...record, revoked: new Date().toISOString() });
    assert.equal((await heard.promise).id, record.id, "listening again");
    assert.equal((await reader.health()).status, "up");
  } finally {
    await stop();
    reader.close();
    writer.close();
    await proxy.close();
    await db.drop();
  }
});

Deno.test("PostgresKeyStore: a server that stops answering fails lookups at the deadline", async () => {
  const db = await testPostgres({ queryTimeoutMs: 200 });
  const proxy = FlakyProxy.start(TEST_DATABASE_URL);
  const store = await PostgresKeyStore.open({ ...db.settings, url: proxy.url(TEST_DATABASE_URL) });
  try {
    assert.equal(await store.findByHash("a".repeat(64)), null);
    proxy.freeze();
    const started = performance.now();
    await assert.rejects(
      store.findByHash("a".repeat(64)),
      (e) => e instanceof KeyError && e.code === "key_store_unavailable" && /200 ms/.test(e.message),
    );
    assert.ok(performance.now() - started < 2000);
    assert.deepEqual(await store.health(), { status: "down", error: "key_store_unavailable" });
  } finally {
    store.close();
    await proxy.close();
    await db.drop();
  }
});

Deno.test("PostgresKeyStore: nothing listening — open without migrating succeeds, every query fails closed", async () => {
  const db = await testPostgres({ connectTimeoutMs: 1000 });
  const proxy = FlakyProxy.start(TEST_DATABASE_URL);
  proxy.cut();
  const url = proxy.url("postgres://postgres:hunter2@127.0.0.1:5432/postgres");
  const store = await PostgresKeyStore.open({ ...db.settings, url, migrate: false });
  try {
    await assert.rejects(
      store.get("key_x"),
      (e) => e instanceof KeyError && e.code === "key_store_unavailable" && !e.message.includes("hunter2"),
    );
    await assert.rejects(
      PostgresKeyStore.open({ ...db.settings, url }),
      (e) => e instanceof KeyError && !e.message.includes("hunter2"),
    );
  } finally {
    store.close();
    await proxy.close();
    await db.drop();
  }
});

Deno.test("migrations: applied once, recorded, concurrent runs serialised, a newer schema refused", async () => {
  const db = await testPostgres();
  const sql = postgres(TEST_DATABASE_URL, { max: 4, onnotice: () => {} });
  try {
    const { schema } = db.settings;
    assert.equal(await schemaVersion(sql, schema), 0);
    const runs = await Promise.all([migrate(sql, schema), migrate(sql, schema), migrate(sql, schema)]);
    assert.deepEqual(runs.flat().sort(), MIGRATIONS.map((m) => m.version), "exactly one run applied each");
    assert.equal(await schemaVersion(sql, schema), MIGRATIONS.length);
    const next: Migration = {
      version: MIGRATIONS.length + 1,
      name: "test_column",
      up: (tx, s) => tx.unsafe(`ALTER TABLE "${s}".api_keys ADD COLUMN note text`),
    };
    assert.deepEqual(await migrate(sql, schema, [...MIGRATIONS, next]), [next.version]);
    assert.deepEqual(await migrate(sql, schema, [...MIGRATIONS, next]), []);
    await assert.rejects(
      migrate(sql, schema),
      (e) => e instanceof KeyError && /newer than this gateway/.test(e.message),
    );
    const index =
      await sql`SELECT indexdef FROM pg_indexes WHERE schemaname = ${schema} AND indexname = 'api_keys_hash_key'`;
    assert.match(String(index[0].indexdef), /UNIQUE INDEX .* \(hash\)/, "lookups by hash use an index");
  } finally {
    await sql.end({ timeout: 1 });
    await db.drop();
  }
});

Deno.test("migrations: a row written under version 1 reads after version 2 with no name, no metadata, no last use", async () => {
  const db = await testPostgres();
  const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    const { schema } = db.settings;
    assert.deepEqual(await migrate(sql, schema, MIGRATIONS.slice(0, 1)), [1]);
    await sql.unsafe(
      `INSERT INTO "${schema}".api_keys (id, hash, org, subject, identity_type, scopes, plan, env, created)
       VALUES ('key_old', $1, 'acme', 'svc', 'service', '{read}', 'free', 'live', '2025-01-01T00:00:00Z')`,
      ["c".repeat(64)],
    );
    const store = await PostgresKeyStore.open(db.settings); // applies version 2
    try {
      const record = (await store.get("key_old"))!;
      assert.deepEqual([record.name, record.metadata, record.lastUsed], [null, {}, null]);
      assert.deepEqual(record.scopes, ["read"]);
      await store.recordLastUsed([{ id: "key_old", at: "2025-02-01T00:00:00.000Z" }]);
      assert.equal((await store.findByHash("c".repeat(64)))!.lastUsed, "2025-02-01T00:00:00.000Z");
    } finally {
      store.close();
    }
  } finally {
    await sql.end({ timeout: 1 });
    await db.drop();
  }
});
