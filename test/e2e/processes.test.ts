/**
 * End to end, several processes on one host: `src/cli/processes.ts 2` starts two gateways on ONE
 * port (SO_REUSEPORT, Linux). New connections reach both (their /metrics carry `process="1"` and
 * `process="2"`); keys come from PostgreSQL and the limit is shared through Redis, so an agent's 30
 * requests a minute are 30 across both; SIGTERM to the launcher stops both, and so does a SIGKILL
 * (the processes notice they lost their parent). Fails, never skips, without PostgreSQL and Redis.
 */
import assert from "node:assert/strict";
import { stringify as toYaml } from "yaml";
import { createKey } from "../../src/keys/manage.ts";
import { PostgresKeyStore } from "../../src/keys/postgres/store.ts";
import { testPostgres } from "../../src/keys/testing/test_postgres.ts";
import { testRedis } from "../../src/redis/testing/test_redis.ts";
import { freePort, KEY_SECRET, ROOT, startUpstream } from "./harness.ts";

/** One request on a connection of its own, so the kernel picks a process for each. */
async function fresh(url: string, init: RequestInit = {}): Promise<{ status: number; text: string }> {
  const client = Deno.createHttpClient({});
  try {
    const res = await fetch(url, { ...init, client });
    return { status: res.status, text: await res.text() };
  } finally {
    client.close();
  }
}

Deno.test({
  name: "e2e processes: two gateways on one port share keys and limits; metrics say which answered",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const db = await testPostgres();
    const redis = await testRedis();
    const upstream = await startUpstream();
    const dir = await Deno.makeTempDir({ prefix: "gw-e2e-processes-" });
    const port = freePort();
    const store = await PostgresKeyStore.open(db.settings);
    let launcher: Deno.ChildProcess | null = null;
    try {
      const { rawKey } = await createKey({ store, secret: KEY_SECRET }, {
        org: "acme",
        subject: "bot",
        identityType: "agent",
        scopes: ["orders:read"],
        env: "test",
      });
      const configPath = `${dir}/gateway.yaml`;
      await Deno.writeTextFile(
        configPath,
        toYaml({
          server: { hostname: "127.0.0.1", port },
          policy: { bundle: `${ROOT}policies`, watch: false, pollSeconds: 0 },
          keys: { store: "postgres", postgres: { schema: db.settings.schema } },
          rateLimit: { store: "redis" },
          redis: { keyPrefix: redis.keyPrefix, commandTimeoutMs: 2000 },
          routes: [{ id: "orders", prefix: "/orders", upstream: upstream.url }],
        }),
      );
      const launch = () =>
        new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", `${ROOT}src/cli/processes.ts`, "2", "--config", configPath],
          env: {
            DATABASE_URL: db.settings.url,
            GATEWAY_KEY_SECRET: KEY_SECRET,
            REDIS_URL: redis.url,
            NO_COLOR: "1",
          },
          stdout: "null",
          stderr: "null",
        }).spawn();
      const base = `http://127.0.0.1:${port}`;
      /** The process labels seen on /metrics until both answered (or 90 s passed). */
      const waitForBoth = async () => {
        const seen = new Set<string>();
        const deadline = Date.now() + 90_000;
        while (seen.size < 2 && Date.now() < deadline) {
          try {
            const { text } = await fresh(`${base}/metrics`);
            for (const m of text.matchAll(/process="(\d+)"/g)) seen.add(m[1]);
          } catch {
            await new Promise((r) => setTimeout(r, 100)); // not listening yet
          }
        }
        return [...seen].sort();
      };

      // Both processes answer on the one port.
      launcher = launch();
      assert.deepEqual(await waitForBoth(), ["1", "2"]);

      // One budget for both: exactly 30 of 45.
      const statuses = await Promise.all(
        Array.from(
          { length: 45 },
          () =>
            fresh(`${base}/orders/1`, { headers: { authorization: `Bearer ${rawKey}` } }).then((r) =>
              r.status
            ),
        ),
      );
      assert.equal(statuses.filter((s) => s === 200).length, 30, JSON.stringify(statuses));
      assert.equal(statuses.filter((s) => s === 429).length, 15);

      launcher.kill("SIGTERM");
      const status = await launcher.status;
      launcher = null;
      assert.equal(status.code, 0);
      await assert.rejects(fresh(`${base}/healthz`), "nothing listens once the launcher has stopped");

      // A launcher killed outright: its processes notice and stop by themselves.
      launcher = launch();
      assert.deepEqual(await waitForBoth(), ["1", "2"]);
      launcher.kill("SIGKILL");
      await launcher.status;
      launcher = null;
      const gone = Date.now() + 20_000;
      let listening = true;
      while (listening && Date.now() < gone) {
        listening = await fresh(`${base}/healthz`).then(() => true, () => false);
        if (listening) await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(listening, false, "the orphaned processes stopped");
    } finally {
      if (launcher !== null) {
        launcher.kill("SIGTERM"); // passed on to the processes
        await launcher.status;
      }
      store.close();
      await upstream.proc.kill();
      await db.drop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
