/**
 * One log format: a policy's print() lines (at debug level only: they may carry request data) and
 * the policy reload events are LogTape JSON lines on stderr with the same time and level fields as
 * every operational line.
 */
import assert from "node:assert/strict";
import { ROOT, withGateway } from "./harness.ts";

Deno.test("logs: print() lines at debug level, and reload events, as LogTape JSON lines", async () => {
  let policyDir = "";
  await withGateway("gw-e2e-print-", (upstream) => ({
    policy: { bundle: policyDir, watch: false, pollSeconds: 0 },
    log: { level: "debug" },
    routes: [{ id: "orders", prefix: "/orders", upstream: upstream.url }],
  }), async ({ gw, keys }) => {
    const res = await fetch(`${gw.url}/orders/1`, { headers: { authorization: `Bearer ${keys.reader}` } });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    const deadline = Date.now() + 5000;
    const lines = () =>
      gw.proc.stderr().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    // (The load's own trial evaluation, on an empty input, prints too: `<undefined> <undefined>`.)
    const ours = (l: { logger?: string; line?: string }) =>
      l.logger === "gateway.policy.print" && l.line?.includes("orders");
    while (!lines().some(ours) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const print = lines().find(ours);
    assert.ok(print, gw.proc.stderr());
    assert.match(print.line, /^printed by the policy: orders /);
    assert.equal(print.level, "DEBUG");
    const activated = lines().find((l) => l.event === "bundle_activated");
    assert.equal(activated?.level, "INFO", "the entry's own level does not overwrite the line's");
    for (const l of lines()) {
      assert.match(l["@timestamp"], /^\d{4}-\d\d-\d\dT/);
      assert.match(l.level, /^(DEBUG|INFO|WARNING|ERROR)$/);
    }
  }, {
    before: async (dir) => {
      policyDir = `${dir}/policy`;
      await Deno.mkdir(policyDir);
      const original = await Deno.readTextFile(`${ROOT}policies/gateway.rego`);
      // The default policy, printing in its decision.
      await Deno.writeTextFile(
        `${policyDir}/gateway.rego`,
        original.replace(
          "} if {\n\tscope_ok\n",
          '} if {\n\tprint("printed by the policy:", input.route.id, input.identity.org)\n\tscope_ok\n',
        ),
      );
    },
  });
});
