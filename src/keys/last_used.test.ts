import assert from "node:assert/strict";
import { LastUsedRecorder } from "./last_used.ts";
import { createKey } from "./manage.ts";
import { MemoryKeyStore } from "./memory_store.ts";
import type { LastUse } from "./types.ts";
import { KeyVerifier } from "./verifier.ts";

const SECRET = "test-secret-test-secret-test-secret!";
const BASE = { org: "acme", subject: "svc", identityType: "service" as const, scopes: ["read"] };

/** A memory store whose recordLastUsed calls are counted (and may be made to fail). */
function countingStore() {
  const store = new MemoryKeyStore();
  const calls: LastUse[][] = [];
  let failures = 0;
  const record = store.recordLastUsed.bind(store);
  store.recordLastUsed = (uses) => {
    calls.push([...uses]);
    if (failures > 0) {
      failures--;
      return Promise.reject(new Error("store down"));
    }
    return record(uses);
  };
  return { store, calls, failNext: (n: number) => (failures = n) };
}

async function keys(store: MemoryKeyStore, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await createKey({ store, secret: SECRET }, BASE));
  return out;
}

Deno.test("last use: 1,000 verified requests on 3 keys are one write holding each key once, and the value lands", async () => {
  const { store, calls } = countingStore();
  let t = Date.parse("2025-05-01T00:00:00Z");
  const recorder = new LastUsedRecorder({ store, intervalMs: 3_600_000, now: () => t });
  const verifier = new KeyVerifier({ store, secret: SECRET, onAccepted: (r) => recorder.note(r.id) });
  try {
    const issued = await keys(store, 3);
    for (let i = 0; i < 1000; i++) {
      t += 10;
      assert.equal((await verifier.verify(issued[i % 3].rawKey)).ok, true);
    }
    assert.equal((await verifier.verify("gw_live_nope")).ok, false); // rejected keys are not noted
    assert.equal(calls.length, 0, "nothing written per request");
    await recorder.flush();
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0].map((u) => u.id).sort(), issued.map((k) => k.record.id).sort());
    const last = new Date(t).toISOString();
    assert.equal((await store.get(issued[999 % 3].record.id))!.lastUsed, last);
    assert.equal((await store.get(issued[998 % 3].record.id))!.lastUsed, new Date(t - 10).toISOString());
    await recorder.flush();
    assert.equal(calls.length, 1, "nothing noted since: no write");
  } finally {
    verifier.close();
    await recorder.stop();
  }
});

Deno.test("last use: on its timer, at most one write per key per interval while requests keep coming", async () => {
  const { store, calls } = countingStore();
  const intervalMs = 100;
  const recorder = new LastUsedRecorder({ store, intervalMs });
  const verifier = new KeyVerifier({ store, secret: SECRET, onAccepted: (r) => recorder.note(r.id) });
  const issued = await keys(store, 2);
  const started = performance.now();
  let requests = 0;
  try {
    while (performance.now() - started < 5 * intervalMs) {
      for (const k of issued) await verifier.verify(k.rawKey);
      requests += 2;
      await new Promise((r) => setTimeout(r, 1));
    }
  } finally {
    verifier.close();
    await recorder.stop(); // the last flush
  }
  const elapsed = performance.now() - started;
  assert.ok(requests > 20, `${requests} requests`);
  assert.ok(calls.length >= 1, "the timer or the stop flushed");
  assert.ok(calls.length <= Math.floor(elapsed / intervalMs) + 1, `${calls.length} writes in ${elapsed} ms`);
  for (const batch of calls) {
    assert.equal(new Set(batch.map((u) => u.id)).size, batch.length, "each key once per write");
  }
  for (const k of issued) assert.notEqual((await store.get(k.record.id))!.lastUsed, null);
});

Deno.test("last use: a failed flush is reported and retried at the next one; requests never see it", async () => {
  const { store, calls, failNext } = countingStore();
  let t = Date.parse("2025-05-01T00:00:00Z");
  const errors: number[] = [];
  const recorder = new LastUsedRecorder({
    store,
    intervalMs: 3_600_000,
    now: () => t,
    onError: (_e, n) => errors.push(n),
  });
  const verifier = new KeyVerifier({ store, secret: SECRET, onAccepted: (r) => recorder.note(r.id) });
  try {
    const [a, b] = await keys(store, 2);
    await verifier.verify(a.rawKey);
    failNext(1);
    await recorder.flush();
    assert.deepEqual(errors, [1]);
    assert.equal((await store.get(a.record.id))!.lastUsed, null);
    t += 1000;
    assert.equal((await verifier.verify(b.rawKey)).ok, true, "requests go on");
    await recorder.stop(); // flushes what failed plus what came since
    assert.equal(calls.length, 2);
    assert.equal((await store.get(a.record.id))!.lastUsed, "2025-05-01T00:00:00.000Z");
    assert.equal((await store.get(b.record.id))!.lastUsed, "2025-05-01T00:00:01.000Z");
    recorder.note(a.record.id); // after stop: ignored
    assert.equal(recorder.pending, 0);
  } finally {
    verifier.close();
  }
});

Deno.test("last use: interval 0, or a store without recordLastUsed, records nothing", async () => {
  const { store, calls } = countingStore();
  const off = new LastUsedRecorder({ store, intervalMs: 0 });
  off.note("key_x");
  await off.stop();
  assert.equal(calls.length, 0);
  const bare = new LastUsedRecorder({
    store: {
      get: store.get.bind(store),
      findByHash: store.findByHash.bind(store),
      put: store.put.bind(store),
      list: store.list.bind(store),
    },
    intervalMs: 1000,
  });
  bare.note("key_x");
  assert.equal(bare.pending, 0);
  await bare.stop();
});
