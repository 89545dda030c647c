/**
 * End to end: the key lifecycle through a running gateway (src/main.ts) and its admin API —
 * an update that narrows scopes applies to the very next request, and the last use of a key is
 * written by the gateway (keys.lastUsedFlushMs) and shown by the admin API, without a write per
 * request.
 */
import assert from "node:assert/strict";
import { ROOT, withGateway } from "./harness.ts";

const ADMIN_TOKEN = "e2e-keys-admin-token-0123456789";

Deno.test({
  name: "e2e: keys update narrows scopes on the next request; last use is recorded and shown",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    await withGateway("gw-keys-", (upstream) => ({
      policy: { bundle: `${ROOT}policies`, watch: false, pollSeconds: 0 },
      keys: { lastUsedFlushMs: 1000, cacheTtlMs: 600_000 },
      routes: [{ id: "orders", prefix: "/orders", upstream: upstream.url }],
    }), async ({ gw, keys }) => {
      const admin = (method: string, path: string, body?: unknown) =>
        fetch(`${gw.url}/admin${path}`, {
          method,
          headers: {
            authorization: `Bearer ${ADMIN_TOKEN}`,
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const get = (key: string) =>
        fetch(`${gw.url}/orders/1`, { headers: { authorization: `Bearer ${key}` } });

      await t.step(
        "PATCH scopes: the next request is refused, though the key was cached for ten minutes",
        async () => {
          const created = await (await admin("POST", "/keys", {
            org: "acme",
            subject: "svc",
            identity_type: "service",
            scopes: ["orders:read"],
            env: "test",
            name: "e2e",
            metadata: { team: "qa" },
          })).json();
          const ok = await get(created.key);
          assert.equal(ok.status, 200);
          await ok.body?.cancel();
          const patched = await admin("PATCH", `/keys/${created.record.id}`, { scopes: ["billing:read"] });
          assert.equal(patched.status, 200);
          await patched.body?.cancel();
          const refused = await get(created.key);
          assert.equal(refused.status, 403);
          assert.equal((await refused.json()).reason, "scope_missing");
          await admin("POST", `/keys/${created.record.id}/revoke`).then((r) => r.body?.cancel());
          const revived = await admin("PATCH", `/keys/${created.record.id}`, { scopes: ["orders:read"] });
          assert.equal(revived.status, 409);
          await revived.body?.cancel();
          const still = await get(created.key);
          assert.equal(still.status, 401);
          await still.body?.cancel();
        },
      );

      await t.step(
        "last use: written by the gateway within its flush interval, shown by the admin API",
        async () => {
          const list = await (await admin("GET", "/keys?org=acme")).json();
          const alice = list.keys.find((k: { subject: string }) => k.subject === "alice");
          assert.equal(alice.last_used, null);
          const before = Date.now();
          for (let i = 0; i < 25; i++) {
            const res = await get(keys.reader);
            assert.equal(res.status, 200);
            await res.body?.cancel();
          }
          let lastUsed: string | null = null;
          for (const deadline = Date.now() + 15_000; lastUsed === null && Date.now() < deadline;) {
            await new Promise((r) => setTimeout(r, 250));
            lastUsed = (await (await admin("GET", `/keys/${alice.id}`)).json()).record.last_used;
          }
          assert.ok(lastUsed !== null, "last_used landed");
          assert.ok(Date.parse(lastUsed) >= before - 1000 && Date.parse(lastUsed) <= Date.now(), lastUsed);
        },
      );
    }, { env: { GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN } });
  },
});
