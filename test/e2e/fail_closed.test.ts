/**
 * End to end, fail closed: a policy that returns a malformed decision, or fails while evaluating,
 * gets a 503 and the request never reaches the upstream.
 */
import assert from "node:assert/strict";
import { ROOT, withGateway } from "./harness.ts";

Deno.test({
  name: "e2e: malformed decisions and policy errors are refused with 503, never forwarded",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withGateway("gw-e2e-", (upstream) => ({
      policy: { bundle: `${ROOT}test/e2e/fixtures/broken_policy`, watch: false, pollSeconds: 0 },
      routes: [{ id: "orders", prefix: "/", upstream: upstream.url }],
    }), async ({ gw, keys, upstream }) => {
      const call = (path: string) =>
        fetch(gw.url + path, { headers: { authorization: `Bearer ${keys.reader}` } });

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
    });
  },
});
