/**
 * End to end, hot reload: the gateway watches a policy directory; a changed policy is in force
 * for the next request (no decision cached under the old one survives), a broken one never goes
 * live (the last good one keeps deciding, the error shows on /readyz), and a fixed one is taken.
 */
import assert from "node:assert/strict";
import { withGateway } from "./harness.ts";

const ALLOW_BY_SCOPE = `package gateway

decision := {"allow": true, "reason": "scope_ok"} if "orders:read" in input.identity.scopes

else := {"allow": false, "reason": "scope_missing"}
`;
const MAINTENANCE = `package gateway

decision := {"allow": false, "reason": "maintenance"}
`;
const BROKEN = `package gateway

decision := {"allow": 
`;

async function readyz(url: string): Promise<{ revision: string; last_reload_error: string | null }> {
  return await (await fetch(`${url}/readyz`)).json();
}

/** Polls /readyz (bounded) until `done` holds. */
async function waitFor(url: string, done: (r: Awaited<ReturnType<typeof readyz>>) => boolean) {
  const deadline = Date.now() + 20_000;
  let last = await readyz(url);
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`timed out; last /readyz: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await readyz(url);
  }
  return last;
}

Deno.test({
  name: "e2e: hot reload — new policies at once, broken ones never, decisions never outlive their policy",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const policyDir = await Deno.makeTempDir({ prefix: "gw-e2e-policy-" });
    const policy = `${policyDir}/gateway.rego`;
    await Deno.writeTextFile(policy, ALLOW_BY_SCOPE);
    try {
      await withGateway("gw-e2e-", (upstream) => ({
        policy: { bundle: policyDir, watch: true, pollSeconds: 1 },
        routes: [{ id: "orders", prefix: "/orders", upstream: upstream.url }],
      }), async ({ gw, keys }) => {
        const call = async () => {
          const res = await fetch(`${gw.url}/orders/1`, {
            headers: { authorization: `Bearer ${keys.reader}` },
          });
          return { status: res.status, reason: res.ok ? null : (await res.json()).reason };
        };
        const first = await readyz(gw.url);

        await t.step("the first policy decides (and its decisions are cached)", async () => {
          assert.deepEqual(await call(), { status: 200, reason: null });
          assert.deepEqual(await call(), { status: 200, reason: null });
        });

        let second = first;
        await t.step(
          "a changed policy is in force for the next request; none is dropped meanwhile",
          async () => {
            // Requests keep coming while the new policy is compiled (in a worker) and swapped in.
            let reloading = true;
            const seen: { status: number; reason: string | null }[] = [];
            const traffic = (async () => {
              while (reloading) seen.push(await call());
            })();
            await Deno.writeTextFile(policy, MAINTENANCE);
            second = await waitFor(gw.url, (r) => r.revision !== first.revision);
            reloading = false;
            await traffic;
            assert.deepEqual(await call(), { status: 403, reason: "maintenance" });
            assert.ok(seen.length > 0);
            // Old policy, then new: every answer is one of the two policies', in that order.
            const flip = seen.findIndex((r) => r.status === 403);
            for (const [i, r] of seen.entries()) {
              assert.deepEqual(
                r,
                i < flip || flip === -1 ? { status: 200, reason: null } : {
                  status: 403,
                  reason: "maintenance",
                },
                `request ${i}`,
              );
            }
          },
        );

        await t.step("a broken policy never goes live: the last good one keeps deciding", async () => {
          await Deno.writeTextFile(policy, BROKEN);
          const r = await waitFor(gw.url, (r) => r.last_reload_error !== null);
          assert.equal(r.revision, second.revision);
          assert.match(r.last_reload_error!, /policy_compile_failed/);
          for (let i = 0; i < 3; i++) assert.deepEqual(await call(), { status: 403, reason: "maintenance" });
        });

        await t.step("the fixed policy is taken", async () => {
          await Deno.writeTextFile(policy, ALLOW_BY_SCOPE);
          const r = await waitFor(
            gw.url,
            (r) => r.revision !== second.revision && r.last_reload_error === null,
          );
          assert.equal(r.revision, first.revision); // same content, same revision
          assert.deepEqual(await call(), { status: 200, reason: null });
        });
      });
    } finally {
      await Deno.remove(policyDir, { recursive: true });
    }
  },
});
