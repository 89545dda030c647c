/**
 * End to end, fail closed: a policy that returns a malformed decision, or fails while evaluating,
 * gets a 503 and the request never reaches the upstream.
 */
import assert from "node:assert/strict";
import { ROOT, seedKeys, startGateway, startUpstream } from "./harness.ts";

Deno.test({
  name: "e2e: malformed decisions and policy errors are refused with 503, never forwarded",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "gw-e2e-" });
    const keys = await seedKeys(`${dir}/keys.db`);
    const upstream = await startUpstream();
    let gw: Awaited<ReturnType<typeof startGateway>> | null = null;
    try {
      gw = await startGateway({
        dir,
        config: {
          policy: { bundle: `${ROOT}test/e2e/fixtures/broken_policy`, watch: false, pollSeconds: 0 },
          routes: [{ id: "orders", prefix: "/", upstream: upstream.url }],
        },
      });
      const call = (path: string) =>
        fetch(gw!.url + path, { headers: { authorization: `Bearer ${keys.reader}` } });

      const malformed = await call("/orders/1");
      assert.equal(malformed.status, 503);
      const body = await malformed.json();
      assert.equal(body.reason, "policy_malformed");
      assert.equal(body.error, "service_unavailable");

      const conflict = await call("/conflict/1");
      assert.equal(conflict.status, 503);
      assert.equal((await conflict.json()).reason, "policy_error");

      const stats = await (await fetch(`${upstream.url}/__stats`)).json();
      assert.equal(stats.count, 0, "nothing reached the upstream");
    } finally {
      await gw?.close();
      await upstream.proc.kill();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
