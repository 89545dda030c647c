/**
 * Test-only: a second gateway replica in its own process, for redis_changes.test.ts. It opens the
 * shared Deno KV key store, verifies keys through a KeyVerifier with a long cache TTL, and listens
 * to key changes on Redis. Lines on stdin are commands, answers go to stdout:
 *   "verify <raw key>"  → "<ok|revoked|…> <ok|revoked|…>": the listening verifier's answer, then
 *                          that of a control verifier with the same cache and no Redis subscription
 *   "wait <n>"          → "changed <id> …" once n key changes have arrived in all (their key ids)
 * It prints "ready" once subscribed. Args: <kv path> <hmac secret> <redis url> <key prefix>.
 */
import { createInterface } from "node:readline";
import process from "node:process";
import { RedisConnection } from "../../redis/connection.ts";
import { REDIS_DEFAULTS } from "../../redis/config.ts";
import { KvKeyStore } from "../kv_store.ts";
import { subscribeKeyChangesFromRedis } from "../redis_changes.ts";
import { KeyVerifier } from "../verifier.ts";

const [path, secret, url, keyPrefix] = Deno.args;
const store = await KvKeyStore.open(path);
const redis = await RedisConnection.connect({ ...REDIS_DEFAULTS, url, keyPrefix, commandTimeoutMs: 2000 });
const listening = new KeyVerifier({ store, secret, cacheTtlMs: 600_000 });
const control = new KeyVerifier({ store, secret, cacheTtlMs: 600_000 });
const heard: string[] = [];
let more = Promise.withResolvers<void>();
const unsubscribe = await subscribeKeyChangesFromRedis(redis, (change) => {
  listening.invalidate(change.hash);
  heard.push(change.id);
  more.resolve();
  more = Promise.withResolvers();
});
const out = (line: string) => Deno.stdout.write(new TextEncoder().encode(line + "\n"));
await out("ready");
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.split(" ");
  if (cmd === "verify") {
    const answers = await Promise.all([listening.verify(arg), control.verify(arg)]);
    await out(answers.map((a) => a.ok ? "ok" : a.reason).join(" "));
  } else if (cmd === "wait") {
    while (heard.length < Number(arg)) await more.promise;
    await out(`changed ${heard.slice(0, Number(arg)).join(" ")}`);
  }
}
await unsubscribe();
listening.close();
control.close();
await redis.close();
store.close?.();
