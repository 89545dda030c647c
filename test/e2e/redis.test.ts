/**
 * End to end with Redis (src/main.ts wiring): the gateway process talks to the real Redis through a
 * proxy the test can cut. /readyz reports Redis and answers 503 while it is gone; a revocation made
 * while the key-change subscription was down takes effect once it is back (every cached lookup is
 * dropped on re-subscription), despite a ten-minute cache TTL. Fails, never skips, without Redis.
 */
import assert from "node:assert/strict";
import { KvKeyStore } from "../../src/keys/kv_store.ts";
import { revokeKey } from "../../src/keys/manage.ts";
import { FlakyProxy, testRedis } from "../../src/redis/testing/test_redis.ts";
import { ROOT, withGateway } from "./harness.ts";

const WAIT_MS = 30_000;

/** Polls `probe` until it returns true; fails after WAIT_MS with the last value seen. */
async function eventually(what: string, probe: () => Promise<[boolean, unknown]>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  let last: unknown;
  while (Date.now() < deadline) {
    const [ok, seen] = await probe();
    if (ok) return;
    last = seen;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${what}: not within ${WAIT_MS} ms; last: ${JSON.stringify(last)}`);
}

Deno.test({
  name: "e2e + Redis: /readyz follows Redis; a revocation missed during an outage applies on reconnect",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const settings = await testRedis();
    const proxy = FlakyProxy.start(settings.url);
    // The gateway inherits the environment: $REDIS_URL (where a password would go) names the proxy.
    const savedUrl = Deno.env.get("REDIS_URL");
    Deno.env.set("REDIS_URL", proxy.url(settings.url));
    try {
      await withGateway("gw-e2e-redis-", (upstream) => ({
        policy: { bundle: `${ROOT}policies`, watch: false, pollSeconds: 0 },
        keys: { cacheTtlMs: 600_000 },
        rateLimit: { store: "redis" },
        redis: { keyPrefix: settings.keyPrefix, commandTimeoutMs: 2000 },
        routes: [{ id: "orders", prefix: "/orders", upstream: upstream.url }],
      }), async ({ dir, gw, keys }) => {
        const db = `${dir}/keys.db`;
        const readyz = async () => {
          const res = await fetch(`${gw.url}/readyz`);
          return { status: res.status, body: await res.json() };
        };
        const call = async () => {
          const res = await fetch(`${gw.url}/orders/1`, {
            headers: { authorization: `Bearer ${keys.reader}` },
          });
          return { status: res.status, body: await res.json().catch(() => null) };
        };

        const ready = await readyz();
        assert.equal(ready.status, 200);
        assert.equal(ready.body.dependencies.redis.status, "up");
        assert.equal((await call()).status, 200, "the key is now cached for ten minutes");

        proxy.cut();
        await eventually("/readyz 503 while Redis is gone", async () => {
          const r = await readyz();
          return [r.status === 503, r];
        });
        const down = await readyz();
        assert.deepEqual(down.body.dependencies.redis, { status: "down", error: "redis_unavailable" });
        assert.equal(JSON.stringify(down.body).includes(String(proxy.port)), false, "no address leaks");
        assert.equal((await call()).body?.reason, "rate_limiter_failed", "shared limits fail closed");

        // Revoked by another process while nobody could announce it.
        const store = await KvKeyStore.open(db);
        try {
          const record = (await store.list()).find((r) => r.subject === "alice")!;
          await revokeKey({ store }, record.id);
        } finally {
          store.close();
        }

        proxy.restore();
        await eventually("/readyz 200 once Redis is back", async () => {
          const r = await readyz();
          return [r.status === 200, r];
        });
        await eventually("the missed revocation applies after re-subscription", async () => {
          const r = await call();
          return [r.body?.reason === "key_revoked", r];
        });
      });
    } finally {
      if (savedUrl === undefined) Deno.env.delete("REDIS_URL");
      else Deno.env.set("REDIS_URL", savedUrl);
      await proxy.close();
    }
  },
});
