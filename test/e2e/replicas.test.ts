/**
 * End to end, several replicas, one truth: two gateway processes on different ports share their
 * keys through the real PostgreSQL (reached through a TCP proxy the test can cut; the machine's
 * server is never stopped) and, in the later runs, their rate limits through the real Redis, over
 * RESP and over Upstash's REST API (a local front speaking its protocol).
 *
 * - a key created through one gateway's admin API works on the other at once;
 * - a revocation through the `keys` CLI is refused by both within a second (PostgreSQL NOTIFY);
 * - with Redis, a shared limit of N (the default policy gives agents 30 a minute) admits exactly N
 *   across both;
 * - with PostgreSQL gone, cached keys keep working until their TTL, new lookups fail closed
 *   (503 key_store_unavailable) and /readyz says `postgres: key_store_unavailable`; once it is
 *   back, both recover.
 *
 * Fails, never skips, without PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379.
 */
import assert from "node:assert/strict";
import { testPostgres } from "../../src/keys/testing/test_postgres.ts";
import { FlakyProxy, testRedis } from "../../src/redis/testing/test_redis.ts";
import { UpstashFront } from "../../src/redis/testing/upstash_front.ts";
import { type GatewayProc, KEY_SECRET, ROOT, startGateway, startUpstream } from "./harness.ts";

const ADMIN_TOKEN = "e2e-admin-token-e2e-admin-token";
const CACHE_TTL_MS = 3000;
const WAIT_MS = 30_000;

type Shared = "postgres" | "postgres+redis" | "postgres+upstash";

async function eventually(what: string, probe: () => Promise<[boolean, unknown]>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  let last: unknown;
  while (Date.now() < deadline) {
    const [ok, seen] = await probe();
    if (ok) return;
    last = seen;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${what}: not within ${WAIT_MS} ms; last: ${JSON.stringify(last)}`);
}

async function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string }> {
  const o = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-kv", `${ROOT}src/cli/keys.ts`, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: o.code, out: new TextDecoder().decode(o.stdout), err: new TextDecoder().decode(o.stderr) };
}

async function createThroughAdmin(gw: GatewayProc, subject: string, type: string) {
  const res = await fetch(`${gw.url}/admin/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ org: "acme", subject, identity_type: type, scopes: ["orders:read"] }),
  });
  assert.equal(res.status, 201);
  return await res.json() as { key: string; record: { id: string } };
}

function replicasTest(shared: Shared): void {
  Deno.test({
    name: `e2e replicas (${shared}): keys, revocations${
      shared === "postgres" ? "" : ", limits"
    } and outages shared`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const db = await testPostgres();
      const pgProxy = FlakyProxy.start(db.settings.url);
      const redisSettings = await testRedis();
      const front = shared === "postgres+upstash" ? await UpstashFront.start(redisSettings.url) : null;
      const upstream = await startUpstream();
      const dir = await Deno.makeTempDir({ prefix: "gw-e2e-replicas-" });
      const gateways: GatewayProc[] = [];
      const direct = { DATABASE_URL: db.settings.url, GATEWAY_KEY_SECRET: KEY_SECRET };
      const pg = ["--store", "postgres", "--pg-schema", db.settings.schema];
      try {
        // The schema exists before the replicas start (as `deno task keys migrate` would do it).
        assert.equal((await cli(["migrate", ...pg], direct)).code, 0);
        const env: Record<string, string> = {
          DATABASE_URL: pgProxy.url(db.settings.url),
          GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
          REDIS_URL: front?.url ?? redisSettings.url,
          UPSTASH_REDIS_REST_TOKEN: front?.token ?? "",
        };
        const config = {
          policy: { bundle: `${ROOT}policies`, watch: false, pollSeconds: 0 },
          keys: {
            store: "postgres",
            cacheTtlMs: CACHE_TTL_MS,
            postgres: { schema: db.settings.schema, queryTimeoutMs: 1000, connectTimeoutMs: 1000 },
          },
          ...(shared === "postgres" ? {} : {
            rateLimit: { store: "redis" },
            redis: { keyPrefix: redisSettings.keyPrefix, commandTimeoutMs: 2000, changePollMs: 100 },
          }),
          routes: [{ id: "orders", prefix: "/orders", upstream: upstream.url }],
        };
        for (const name of ["a", "b"]) gateways.push(await startGateway({ dir, config, env, name }));
        const [a, b] = gateways;
        const call = async (gw: GatewayProc, key: string) => {
          const res = await fetch(`${gw.url}/orders/1`, { headers: { authorization: `Bearer ${key}` } });
          const body = await res.json().catch(() => null);
          return { status: res.status, reason: body?.reason as string | undefined };
        };

        // Created through A's admin API, known to B at once.
        const { key, record } = await createThroughAdmin(a, "alice", "human");
        assert.deepEqual(await call(b, key), { status: 200, reason: undefined });
        assert.deepEqual(await call(a, key), { status: 200, reason: undefined });

        // Revoked with the CLI, straight on the database: refused by both within a second, although
        // both hold the key in their caches.
        const revoked = await cli(["revoke", ...pg, record.id], direct);
        assert.equal(revoked.code, 0, revoked.err);
        const started = performance.now();
        for (const gw of [a, b]) {
          await eventually("revocation applied", async () => {
            const r = await call(gw, key);
            return [r.reason === "key_revoked", r];
          });
        }
        const elapsed = performance.now() - started;
        assert.ok(elapsed < 1000, `both refused the revoked key after ${Math.round(elapsed)} ms`);

        if (shared !== "postgres") {
          // A shared limit: the default policy allows an agent key 30 requests a minute, in total.
          const agent = await cli(
            [
              "create",
              ...pg,
              "--json",
              "--org",
              "acme",
              "--subject",
              "bot",
              "--type",
              "agent",
              "--scopes",
              "orders:read",
            ],
            direct,
          );
          const agentKey = JSON.parse(agent.out).key as string;
          const results = await Promise.all(
            Array.from({ length: 45 }, (_, i) => call(i % 2 ? a : b, agentKey)),
          );
          const allowed = results.filter((r) => r.status === 200).length;
          assert.equal(
            allowed,
            30,
            JSON.stringify(results.filter((r) => r.status !== 200 && r.status !== 429)),
          );
          assert.equal(results.filter((r) => r.reason === "rate_limited").length, 15);
        }

        // PostgreSQL gone: a cached key still works until its TTL, a new one fails closed.
        const cachedKey = (await createThroughAdmin(a, "carol", "human")).key;
        const newKey = (await createThroughAdmin(b, "dave", "human")).key;
        // The creations' own notices (NOTIFY, and the Redis change log polled every 100 ms) drop
        // cached lookups of these keys as they arrive: let them land before caching.
        await new Promise((r) => setTimeout(r, 500));
        for (const gw of gateways) assert.equal((await call(gw, cachedKey)).status, 200);
        pgProxy.cut();
        const cutAt = Date.now();
        for (const gw of gateways) {
          const r = await call(gw, cachedKey);
          if (Date.now() - cutAt < CACHE_TTL_MS - 500) assert.equal(r.status, 200, "cached: still served");
          assert.deepEqual(await call(gw, newKey), { status: 503, reason: "key_store_unavailable" });
          const ready = await fetch(`${gw.url}/readyz`);
          assert.equal(ready.status, 503);
          const body = await ready.json();
          assert.deepEqual(body.dependencies.postgres, { status: "down", error: "key_store_unavailable" });
          assert.equal(JSON.stringify(body).includes(String(pgProxy.port)), false, "no address leaks");
        }
        await eventually("the cached key expires and fails closed too", async () => {
          const r = await call(a, cachedKey);
          return [r.reason === "key_store_unavailable", r];
        });
        assert.ok(Date.now() - cutAt >= CACHE_TTL_MS - 200, "not before its TTL");

        pgProxy.restore();
        for (const gw of gateways) {
          await eventually("/readyz 200 once PostgreSQL is back", async () => {
            const r = await fetch(`${gw.url}/readyz`);
            await r.body?.cancel();
            return [r.status === 200, r.status];
          });
          await eventually("new keys work again", async () => {
            const r = await call(gw, newKey);
            return [r.status === 200, r];
          });
        }
      } finally {
        for (const gw of gateways) await gw.close();
        await upstream.proc.kill();
        await front?.close();
        await pgProxy.close();
        await db.drop();
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    },
  });
}

replicasTest("postgres");
replicasTest("postgres+redis");
replicasTest("postgres+upstash");
