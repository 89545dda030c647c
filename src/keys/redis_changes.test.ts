/**
 * Key changes across replicas over the real Redis (127.0.0.1:6379 or $REDIS_URL; fails, never
 * skips, when it is unreachable).
 */
import assert from "node:assert/strict";
import { RedisConnection } from "../redis/connection.ts";
import type { RedisError } from "../redis/errors.ts";
import { closedPort, settingsAt, testRedis, testUpstash } from "../redis/testing/test_redis.ts";
import { UpstashConnection } from "../redis/upstash.ts";
import { subscribeKeyChanges } from "./changes.ts";
import { KvKeyStore } from "./kv_store.ts";
import { createKey, type NewKeyInput, revokeKey, updateKey } from "./manage.ts";
import { MemoryKeyStore } from "./memory_store.ts";
import {
  announceKeyChange,
  changeLogKeys,
  decodeKeyChange,
  encodeKeyChange,
  type KeyChange,
  keyChangeChannel,
  publishingKeyStore,
  subscribeKeyChangesFromRedis,
} from "./redis_changes.ts";
import type { KeyRecord, KeyStore } from "./types.ts";
import { KeyVerifier } from "./verifier.ts";

const SECRET = "test-secret-test-secret-test-secret!";
const HASH = "ab".repeat(32);
const NEW_KEY: NewKeyInput = {
  org: "acme",
  subject: "svc",
  identityType: "service",
  scopes: ["read"],
  env: "test",
};

/** The same records seen by another replica: a store object on no shared in-process channel. */
function otherReplicaView(store: KeyStore): KeyStore {
  return {
    get: (id) => store.get(id),
    findByHash: (hash) => store.findByHash(hash),
    put: (record) => store.put(record),
    list: (filter) => store.list(filter),
  };
}

Deno.test("key change messages: id and hash only; anything else is ignored", () => {
  const message = encodeKeyChange({ id: "key_1", hash: HASH, extra: "x" } as KeyChange);
  assert.deepEqual(JSON.parse(message), { id: "key_1", hash: HASH });
  assert.deepEqual(decodeKeyChange(message), { id: "key_1", hash: HASH });
  for (
    const bad of ["", "null", "[]", "{}", '{"id":"k","hash":"zz"}', `{"id":"","hash":"${HASH}"}`, "gw_live_x"]
  ) {
    assert.equal(decodeKeyChange(bad), null, bad);
  }
  assert.equal(keyChangeChannel("gw:"), "gw:key-changes");
});

Deno.test("revoked through replica A, rejected by replica B on its next request (no TTL wait)", async () => {
  const settings = await testRedis();
  const a = await RedisConnection.connect(settings);
  const b = await RedisConnection.connect(settings);
  const shared = new MemoryKeyStore();
  const storeA = publishingKeyStore(shared, { redis: a });
  const verifierB = new KeyVerifier({ store: otherReplicaView(shared), secret: SECRET, cacheTtlMs: 600_000 });
  const controlB = new KeyVerifier({ store: otherReplicaView(shared), secret: SECRET, cacheTtlMs: 600_000 });
  let heard = Promise.withResolvers<KeyChange>();
  const unsubscribe = await subscribeKeyChangesFromRedis(b, (change) => {
    verifierB.invalidate(change.hash);
    heard.resolve(change);
  });
  try {
    const { record, rawKey } = await createKey({ store: storeA, secret: SECRET }, NEW_KEY);
    assert.deepEqual(await heard.promise, { id: record.id, hash: record.hash });
    heard = Promise.withResolvers();
    assert.equal((await verifierB.verify(rawKey)).ok, true); // now cached in B for ten minutes
    assert.equal((await controlB.verify(rawKey)).ok, true);
    await revokeKey({ store: storeA }, record.id);
    assert.deepEqual(await heard.promise, { id: record.id, hash: record.hash });
    assert.deepEqual(await verifierB.verify(rawKey), { ok: false, reason: "revoked", keyId: record.id });
    // Without the subscription, B's cache would still say yes: the test depends on the message.
    assert.equal((await controlB.verify(rawKey)).ok, true);
  } finally {
    await unsubscribe();
    verifierB.close();
    controlB.close();
    await a.close();
    await b.close();
  }
});

Deno.test("scopes narrowed through replica A: replica B's next request sees them (no TTL wait)", async () => {
  const settings = await testRedis();
  const a = await RedisConnection.connect(settings);
  const b = await RedisConnection.connect(settings);
  const shared = new MemoryKeyStore();
  const storeA = publishingKeyStore(shared, { redis: a });
  const verifierB = new KeyVerifier({ store: otherReplicaView(shared), secret: SECRET, cacheTtlMs: 600_000 });
  const controlB = new KeyVerifier({ store: otherReplicaView(shared), secret: SECRET, cacheTtlMs: 600_000 });
  let heard = Promise.withResolvers<KeyChange>();
  const unsubscribe = await subscribeKeyChangesFromRedis(b, (change) => {
    verifierB.invalidate(change.hash);
    heard.resolve(change);
  });
  const scopes = async (v: KeyVerifier, raw: string) => {
    const check = await v.verify(raw);
    return check.ok ? check.record.scopes : check.reason;
  };
  try {
    const { record, rawKey } = await createKey({ store: storeA, secret: SECRET }, {
      ...NEW_KEY,
      scopes: ["read", "write"],
    });
    await heard.promise;
    heard = Promise.withResolvers();
    assert.deepEqual(await scopes(verifierB, rawKey), ["read", "write"]); // cached in B for ten minutes
    assert.deepEqual(await scopes(controlB, rawKey), ["read", "write"]);
    await updateKey({ store: storeA }, record.id, { scopes: ["read"] });
    assert.deepEqual(await heard.promise, { id: record.id, hash: record.hash });
    assert.deepEqual(await scopes(verifierB, rawKey), ["read"]);
    // Without the subscription, B's cache would still grant "write": the test depends on the message.
    assert.deepEqual(await scopes(controlB, rawKey), ["read", "write"]);
  } finally {
    await unsubscribe();
    verifierB.close();
    controlB.close();
    await a.close();
    await b.close();
  }
});

Deno.test("publishing store: in-process verifiers still hear puts; a put that changes the hash announces both", async () => {
  const settings = await testRedis();
  const redis = await RedisConnection.connect(settings);
  const inner = new MemoryKeyStore();
  const store = publishingKeyStore(inner, { redis });
  const local: string[] = [];
  const off = subscribeKeyChanges(store, (r) => local.push(r.hash));
  const remote: KeyChange[] = [];
  const all = Promise.withResolvers<void>();
  const unsubscribe = await subscribeKeyChangesFromRedis(redis, (c) => {
    remote.push(c);
    if (remote.length === 3) all.resolve();
  });
  try {
    const record: KeyRecord = {
      id: "key_x",
      org: "acme",
      subject: "s",
      identityType: "service",
      scopes: [],
      plan: "free",
      created: new Date().toISOString(),
      expires: null,
      revoked: null,
      graceUntil: null,
      env: "test",
      hash: HASH,
    };
    await store.put(record);
    await store.put({ ...record, hash: "cd".repeat(32) });
    await all.promise;
    assert.deepEqual(remote, [
      { id: "key_x", hash: HASH },
      { id: "key_x", hash: "cd".repeat(32) },
      { id: "key_x", hash: HASH },
    ]);
    assert.ok(local.includes(HASH) && local.includes("cd".repeat(32)));
    assert.equal((await store.get("key_x"))?.hash, "cd".repeat(32));
  } finally {
    off();
    await unsubscribe();
    await redis.close();
  }
});

Deno.test("publishing store: Redis down — the put still succeeds, the failure is reported", async () => {
  const redis = RedisConnection.open(settingsAt(closedPort()));
  const errors: Array<[string, string]> = [];
  const store = publishingKeyStore(new MemoryKeyStore(), {
    redis,
    onPublishError: (e: RedisError, change) => errors.push([e.code, change.id]),
  });
  try {
    const { record } = await createKey({ store, secret: SECRET }, NEW_KEY);
    assert.equal((await store.get(record.id))?.id, record.id);
    assert.deepEqual(errors, [["redis_unavailable", record.id]]);
  } finally {
    await redis.close();
  }
});

Deno.test("two processes on one Deno KV file: a revocation here reaches the other process at once", async () => {
  const settings = await testRedis();
  const dir = await Deno.makeTempDir();
  const path = `${dir}/keys.db`;
  const redis = await RedisConnection.connect(settings);
  const kv = await KvKeyStore.open(path);
  const store = publishingKeyStore(kv, { redis });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "--unstable-kv",
      "--config",
      new URL("../../deno.json", import.meta.url).pathname,
      new URL("./testing/redis_replica.ts", import.meta.url).pathname,
      path,
      SECRET,
      settings.url,
      settings.keyPrefix,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const readLine = async (): Promise<string> => {
    while (!buffered.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the replica process exited");
      buffered += value;
    }
    const i = buffered.indexOf("\n");
    const line = buffered.slice(0, i);
    buffered = buffered.slice(i + 1);
    return line;
  };
  const ask = async (line: string) => {
    await writer.write(new TextEncoder().encode(line + "\n"));
    return await readLine();
  };
  try {
    assert.equal(await readLine(), "ready");
    const { record, rawKey } = await createKey({ store, secret: SECRET }, NEW_KEY);
    assert.equal(await ask("wait 1"), `changed ${record.id}`, "the creation was announced");
    assert.equal(await ask(`verify ${rawKey}`), "ok ok", "cached in the other process");
    await revokeKey({ store }, record.id);
    assert.equal(await ask("wait 2"), `changed ${record.id} ${record.id}`, "so was the revocation");
    assert.equal(await ask(`verify ${rawKey}`), "revoked ok", "only the Redis-listening verifier knows");
  } finally {
    await writer.close();
    assert.equal((await child.status).code, 0);
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    kv.close();
    await redis.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("over Upstash REST: a revocation through replica A reaches replica B's poller, no subscription", async () => {
  const { settings, close } = await testUpstash();
  const a = new UpstashConnection(settings);
  const b = new UpstashConnection(settings);
  const shared = new MemoryKeyStore();
  const storeA = publishingKeyStore(shared, { redis: a });
  const verifierB = new KeyVerifier({ store: otherReplicaView(shared), secret: SECRET, cacheTtlMs: 600_000 });
  const heard: KeyChange[] = [];
  let next = Promise.withResolvers<void>();
  const gaps: number[] = [];
  const stop = await subscribeKeyChangesFromRedis(b, (change) => {
    verifierB.invalidate(change.hash);
    heard.push(change);
    next.resolve();
  }, { pollMs: 20, onGap: () => gaps.push(1) });
  try {
    const { record, rawKey } = await createKey({ store: storeA, secret: SECRET }, NEW_KEY);
    await next.promise;
    next = Promise.withResolvers();
    assert.equal((await verifierB.verify(rawKey)).ok, true); // cached in B for ten minutes
    const started = performance.now();
    await revokeKey({ store: storeA }, record.id);
    await next.promise;
    assert.ok(performance.now() - started < 1000, "within a second");
    assert.deepEqual(await verifierB.verify(rawKey), { ok: false, reason: "revoked", keyId: record.id });
    assert.deepEqual(heard, [{ id: record.id, hash: record.hash }, { id: record.id, hash: record.hash }]);
    assert.deepEqual(gaps, []);
  } finally {
    await stop();
    verifierB.close();
    await close();
  }
});

Deno.test("over Upstash REST: missed announcements (log trimmed, counter reset) are reported as a gap", async () => {
  const { settings, close } = await testUpstash();
  const redis = new UpstashConnection(settings);
  const [seq] = changeLogKeys(settings.keyPrefix);
  let gaps = 0;
  let gap = Promise.withResolvers<void>();
  const stop = await subscribeKeyChangesFromRedis(redis, () => {}, {
    pollMs: 20,
    onGap: () => {
      gaps++;
      gap.resolve();
    },
  });
  try {
    await announceKeyChange(redis, { id: "key_a", hash: HASH });
    await redis.command(["INCRBY", seq, "5"]); // five numbers given whose entries are gone
    await gap.promise;
    assert.equal(gaps, 1);
    gap = Promise.withResolvers();
    await redis.command(["DEL", seq]); // the counter went back (e.g. the database was flushed)
    await gap.promise;
    assert.equal(gaps, 2);
  } finally {
    await stop();
    await close();
  }
});

Deno.test("over TCP: an announcement is published and logged, so REST pollers of the same Redis hear it too", async () => {
  const { settings, close } = await testUpstash();
  const tcp = await RedisConnection.connect({
    ...settings,
    url: (await testRedis()).url,
    restToken: undefined,
  });
  const rest = new UpstashConnection(settings);
  const heard = Promise.withResolvers<KeyChange>();
  const stop = await subscribeKeyChangesFromRedis(rest, (c) => heard.resolve(c), { pollMs: 20 });
  try {
    await announceKeyChange(tcp, { id: "key_b", hash: HASH });
    assert.deepEqual(await heard.promise, { id: "key_b", hash: HASH });
  } finally {
    await stop();
    await tcp.close();
    await close();
  }
});
