/**
 * End to end, the Deno Deploy entry (src/deploy.ts) as Deploy runs it, proven to need no disk: the
 * process runs under `deno run --deny-write`. Keys in the runtime's default Deno KV database (kept
 * by Deno in DENO_DIR for the test's fixed `--location`, reused by every run: each adds one key
 * with a fresh random secret part), the bundle from an HTTP URL (built here with `deno task build`
 * and served with an ETag), limits in Redis through the Upstash REST front. A key created through
 * the admin API works; the agent limit of 30 holds; /readyz reports Redis. Fails, never skips,
 * without Redis.
 */
import assert from "node:assert/strict";
import { stringify as toYaml } from "yaml";
import { testRedis } from "../../src/redis/testing/test_redis.ts";
import { UpstashFront } from "../../src/redis/testing/upstash_front.ts";
import { freePort, ROOT, startUpstream } from "./harness.ts";

const ADMIN_TOKEN = "e2e-deploy-admin-token-0123456789";
const SECRET = "e2e-deploy-secret-e2e-deploy-secret-0123";

Deno.test({
  name:
    "e2e deploy: src/deploy.ts under --deny-write serves keys from Deno KV, limits from Upstash, an HTTP bundle",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "gw-e2e-deploy-" });
    const redis = await testRedis();
    const front = await UpstashFront.start(redis.url);
    const upstream = await startUpstream();
    const location = "https://deploy-e2e.gateway.test/";
    let bundleServer: Deno.HttpServer<Deno.NetAddr> | null = null;
    let child: Deno.ChildProcess | null = null;
    let stderr = "";
    try {
      const built = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", `${ROOT}src/cli/build.ts`, "-o", `${dir}/bundle.tar.gz`, `${ROOT}policies`],
        stdout: "null",
        stderr: "piped",
      }).output();
      assert.equal(built.code, 0, new TextDecoder().decode(built.stderr));
      const bundle = await Deno.readFile(`${dir}/bundle.tar.gz`);
      bundleServer = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen() {} },
        () => new Response(bundle, { headers: { etag: '"v1"', "content-type": "application/gzip" } }),
      );

      const config = `${dir}/gateway.yaml`;
      await Deno.writeTextFile(
        config,
        toYaml({
          policy: { bundle: `http://127.0.0.1:${bundleServer.addr.port}/bundle.tar.gz`, pollSeconds: 30 },
          rateLimit: { store: "redis" },
          redis: { keyPrefix: redis.keyPrefix, commandTimeoutMs: 2000 },
          routes: [{ id: "orders", prefix: "/orders", upstream: upstream.url }],
        }),
      );
      const port = freePort();
      child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--deny-write",
          "--allow-read",
          "--allow-net",
          "--allow-env",
          "--allow-sys",
          "--unstable-kv",
          "--location",
          location,
          `${ROOT}src/deploy.ts`,
        ],
        cwd: ROOT,
        clearEnv: true,
        env: {
          PATH: Deno.env.get("PATH") ?? "",
          HOME: Deno.env.get("HOME") ?? "",
          ...(Deno.env.get("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
          PORT: String(port),
          GATEWAY_CONFIG: config,
          GATEWAY_KEY_SECRET: SECRET,
          GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
          UPSTASH_REDIS_REST_URL: front.url,
          UPSTASH_REDIS_REST_TOKEN: front.token,
          NO_COLOR: "1",
        },
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).spawn();
      const pump = (async () => {
        for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) stderr += chunk;
      })();
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 90_000;
      let ready: Response | null = null;
      while (Date.now() < deadline) {
        ready = await fetch(`${base}/readyz`).catch(() => null);
        if (ready?.status === 200) break;
        await ready?.body?.cancel();
        const exited = await Promise.race([child.status, new Promise((r) => setTimeout(r, 100, null))]);
        if (exited !== null) assert.fail(`the deploy entry exited: ${stderr}`);
      }
      assert.equal(ready?.status, 200, stderr);
      assert.equal((await ready!.json()).dependencies.redis.status, "up");

      const created = await fetch(`${base}/admin/keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({
          org: "acme",
          subject: "bot",
          identity_type: "agent",
          scopes: ["orders:read"],
        }),
      });
      assert.equal(created.status, 201);
      const { key } = await created.json();
      const statuses = [];
      for (let i = 0; i < 32; i++) {
        const res = await fetch(`${base}/orders/1`, { headers: { authorization: `Bearer ${key}` } });
        await res.body?.cancel();
        statuses.push(res.status);
      }
      assert.deepEqual(statuses, [...Array(30).fill(200), 429, 429]);
      assert.ok(front.requests >= 32, "the limits went through the REST front");
      assert.equal(/NotCapable|PermissionDenied|write access/i.test(stderr), false, stderr);

      child.kill("SIGTERM");
      await child.status;
      await pump;
      child = null;
    } finally {
      if (child !== null) {
        child.kill("SIGKILL");
        await child.status;
      }
      await bundleServer?.shutdown();
      await upstream.proc.kill();
      await front.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
