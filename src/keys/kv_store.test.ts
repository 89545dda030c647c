import assert from "node:assert/strict";
import { subscribeKeyChanges } from "./changes.ts";
import { KvKeyStore } from "./kv_store.ts";
import { keyStoreSuite, sampleRecord } from "./store_suite.ts";

keyStoreSuite("KvKeyStore (file)", async () => {
  const dir = await Deno.makeTempDir();
  return {
    store: await KvKeyStore.open(`${dir}/keys.db`),
    cleanup: () => Deno.remove(dir, { recursive: true }),
  };
});

keyStoreSuite("KvKeyStore (:memory:)", async () => ({ store: await KvKeyStore.open(":memory:") }));

Deno.test("KvKeyStore: records persist across close and reopen", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const record = sampleRecord();
    const first = await KvKeyStore.open(`${dir}/keys.db`);
    await first.put(record);
    first.close();
    const second = await KvKeyStore.open(`${dir}/keys.db`);
    assert.deepEqual(await second.findByHash(record.hash), record);
    second.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("KvKeyStore: two stores on one file share a change channel", async () => {
  const dir = await Deno.makeTempDir();
  const a = await KvKeyStore.open(`${dir}/keys.db`);
  const b = await KvKeyStore.open(`${dir}/./keys.db`);
  try {
    const seen: string[] = [];
    const stop = subscribeKeyChanges(a, (r) => seen.push(r.id));
    const record = sampleRecord();
    await b.put(record);
    assert.deepEqual(seen, [record.id]);
    stop();
  } finally {
    a.close();
    b.close();
    await Deno.remove(dir, { recursive: true });
  }
});
