/**
 * End to end, the last good bundle (issue 13 part 5): a gateway whose http bundle source is gone at
 * its next start serves the bundle it last put in force (kept at policy.lastGoodPath) and says so on
 * /readyz and /admin/policy; one that never loaded a bundle refuses every request (fail closed).
 */
import assert from "node:assert/strict";
import { compile, formatDiagnostic } from "../../src/rego/mod.ts";
import { emptyManifest } from "../../src/engine/bundle/manifest.ts";
import { assembleFiles, writeBundle } from "../../src/engine/bundle/write.ts";
import { stringify } from "yaml";
import {
  freePort,
  type GatewayProc,
  KEY_SECRET,
  ROOT,
  seedKeys,
  spawn,
  startGateway,
  startUpstream,
} from "./harness.ts";

const ALLOW = `package gateway\n\ndecision := {"allow": true, "reason": "v1"}\n`;
const ADMIN = "e2e-admin-token-0123456789";

async function bundleOf(rego: string, revision: string): Promise<Uint8Array> {
  const sources = [{ path: "gateway.rego", text: rego }];
  const compiled = compile(sources, { entrypoints: ["gateway/decision"] });
  if (compiled.wasm === undefined) throw new Error(compiled.diagnostics.map(formatDiagnostic).join("\n"));
  const manifest = {
    ...emptyManifest(),
    revision,
    wasm: [{ entrypoint: "gateway/decision", module: "/policy.wasm" }],
    rego_version: 1 as const,
  };
  return await writeBundle(assembleFiles({ manifest, data: {}, wasm: compiled.wasm, sources }));
}

Deno.test({
  name: "e2e: the source gone at restart, the last good bundle serves; never any bundle, every request 503",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "gw-e2e-last-good-" });
    const keys = await seedKeys(`${dir}/keys.db`);
    const upstream = await startUpstream();
    const bundle = await bundleOf(ALLOW, "rev-good");
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      () => new Response(bundle as Uint8Array<ArrayBuffer>),
    );
    const url = `http://127.0.0.1:${server.addr.port}/bundle.tar.gz?token=SECRET`;
    const lastGoodPath = `${dir}/last-good.tar.gz`;
    const config = (path?: string) => ({
      policy: { bundle: url, pollSeconds: 0, ...(path === undefined ? {} : { lastGoodPath: path }) },
      routes: [{ id: "orders", prefix: "/orders", upstream: upstream.url }],
    });
    const env = { GATEWAY_ADMIN_TOKEN: ADMIN };
    const call = (gw: GatewayProc) =>
      fetch(`${gw.url}/orders/1`, { headers: { authorization: `Bearer ${keys.reader}` } });
    let gw: GatewayProc | null = null;
    try {
      gw = await startGateway({ dir, config: config(lastGoodPath), env });
      assert.equal((await call(gw)).status, 200);
      await gw.close();
      gw = null;
      assert.deepEqual(await Deno.readFile(lastGoodPath), bundle);
      await server.shutdown();

      // The source is unreachable now: the copy serves, and both /readyz and /admin/policy say so.
      gw = await startGateway({ dir, config: config(lastGoodPath), env, name: "restart" });
      assert.equal((await call(gw)).status, 200);
      const ready = await (await fetch(`${gw.opsUrl}/readyz`)).json();
      assert.equal(ready.revision, "rev-good");
      assert.equal(ready.last_good.path, lastGoodPath);
      assert.match(ready.last_reload_error, /^bundle_not_found/);
      const res = await fetch(`${gw.opsUrl}/admin/policy`, { headers: { authorization: `Bearer ${ADMIN}` } });
      const text = await res.text();
      assert.equal(res.status, 200);
      assert.doesNotMatch(text, /SECRET/);
      const view = JSON.parse(text);
      assert.equal(view.revision, "rev-good");
      assert.equal(view.loaded_from, lastGoodPath);
      assert.equal(view.last_failure.code, "bundle_not_found");
      assert.match(gw.proc.stderr(), /last_good_loaded/);
      await gw.close();
      gw = null;

      // No copy and no source: not ready, and a request is refused, never forwarded.
      gw = await startGatewayNotReady(dir, config(), env);
      const refused = await call(gw);
      assert.equal(refused.status, 503);
      assert.equal((await refused.json()).reason, "no_policy_loaded");
      assert.equal((await fetch(`${gw.opsUrl}/readyz`)).status, 503);
    } finally {
      await gw?.close();
      await server.shutdown().catch(() => {});
      await upstream.proc.kill();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});

/** startGateway waits for /readyz 200, which never comes here: wait for the listener instead. */
async function startGatewayNotReady(
  dir: string,
  config: Record<string, unknown>,
  env: Record<string, string>,
): Promise<GatewayProc> {
  const port = freePort();
  const path = `${dir}/never.yaml`;
  await Deno.writeTextFile(path, stringify({ ...config, server: { hostname: "127.0.0.1", port } }));
  const proc = spawn(["run", "-A", "--unstable-kv", `${ROOT}src/main.ts`, "--config", path], {
    GATEWAY_KEYS_DB: `${dir}/keys.db`,
    GATEWAY_KEY_SECRET: KEY_SECRET,
    NO_COLOR: "1",
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      await (await fetch(`${url}/healthz`)).body?.cancel();
      return { proc, url, port, opsUrl: url, close: () => proc.kill() };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await proc.kill();
  throw new Error(`gateway not listening: ${proc.stderr()}`);
}
