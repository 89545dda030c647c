/**
 * End to end, OPA's decision logs and status API: the gateway (its own process) uploads
 * OPA-format events to a receiver process as gzip'd JSON arrays in several batches, masked by the
 * policy's `system.log.mask` rule, never holding the caller's key; while the receiver is down the
 * events wait and all arrive once it is back (under the buffer limit), and past the limit the
 * oldest are dropped and counted in /metrics. Status reports arrive at start, on each bundle
 * activation (with the revision in force) and on a failure (OPA's bundle_error, the reason id).
 */
import assert from "node:assert/strict";
import { freePort, metricValue, type Proc, spawn, withGateway } from "./harness.ts";

const POLICY = `package gateway

decision := {"allow": true, "reason": "scope_ok"} if "orders:read" in input.identity.scopes

else := {"allow": false, "reason": "scope_missing"}
`;
const MASK = `package system.log

mask contains "/input/request/headers/user-agent"

mask contains {"op": "upsert", "path": "/input/identity/subject", "value": "***"} if {
  input.input.identity.subject
}
`;
const LIMIT = 30;

interface Received {
  path: string;
  encoding: string | null;
  type: string | null;
  authorization: string | null;
  body: any;
}

async function startReceiver(port: number): Promise<Proc> {
  const proc = spawn(["run", "--allow-net", "test/e2e/fixtures/opa_receiver.ts", String(port)], {});
  await until(() => proc.stdoutLines().length > 0, () => `receiver did not start: ${proc.stderr()}`);
  return proc;
}

function received(procs: Proc[], path: string): Received[] {
  return procs.flatMap((p) => p.stdoutLines().slice(1).map((l) => JSON.parse(l) as Received))
    .filter((r) => r.path === path);
}

async function until(done: () => boolean, what: () => string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls a /metrics sample (bounded) until `ok` holds for it. */
async function untilMetric(url: string, sample: string, ok: (v: number) => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  let v = await metricValue(url, sample);
  while (!ok(v)) {
    if (Date.now() > deadline) throw new Error(`timed out: ${sample} = ${v}`);
    await new Promise((r) => setTimeout(r, 100));
    v = await metricValue(url, sample);
  }
}

Deno.test({
  name:
    "e2e: OPA decision logs — gzip'd batches, masked by system.log.mask, retried, bounded; status reports",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const policyDir = await Deno.makeTempDir({ prefix: "gw-e2e-opa-" });
    await Deno.writeTextFile(`${policyDir}/gateway.rego`, POLICY);
    await Deno.writeTextFile(`${policyDir}/mask.rego`, MASK);
    const port = freePort();
    const service = `http://127.0.0.1:${port}`;
    const receivers: Proc[] = [await startReceiver(port)];
    try {
      await withGateway("gw-e2e-opa-", (upstream) => ({
        policy: { bundle: policyDir, watch: true, pollSeconds: 1 },
        routes: [{ id: "orders", prefix: "/orders", upstream: upstream.url }],
        input: { headers: ["user-agent"] },
        labels: { app: "e2e" },
        bundleName: "authz",
        decisionLog: {
          format: "opa",
          upload: {
            url: service,
            maxDelayMs: 300,
            uploadSizeLimitBytes: 4096,
            bufferSizeLimitEvents: LIMIT,
            minRetryDelayMs: 50,
            timeoutMs: 2000,
          },
        },
        status: { url: service },
      }), async ({ gw, keys }) => {
        const call = async (key: string) => {
          const res = await fetch(`${gw.url}/orders/1?x=1`, {
            headers: { authorization: `Bearer ${key}`, "user-agent": "secret-agent/1.0" },
          });
          await res.body?.cancel();
          const id = res.headers.get("x-decision-id");
          assert.match(id ?? "", /^[0-9a-f-]{36}$/);
          return { status: res.status, id: id! };
        };
        const events = () => received(receivers, "/logs").flatMap((r) => r.body as any[]);

        // Status: a report for the activation at start, under the configured bundle name.
        await until(() => received(receivers, "/status").length >= 1, () => "no status report");
        const revision = (await (await fetch(`${gw.url}/readyz`)).json()).revision;
        const first = received(receivers, "/status")[0];
        assert.equal(first.encoding, "gzip");
        assert.equal(first.body.labels.app, "e2e");
        assert.match(first.body.labels.id, /^[0-9a-f-]{36}$/);
        assert.equal(first.body.bundles.authz.name, "authz");
        assert.equal(first.body.bundles.authz.active_revision, revision);
        assert.ok(Date.parse(first.body.bundles.authz.last_successful_activation) > 0);
        assert.ok(Date.parse(first.body.bundles.authz.last_successful_download) > 0);
        assert.equal(first.body.bundles.authz.code, undefined);

        // 1. Events arrive gzip'd, in several size-bounded batches, masked, one per request.
        const ids: string[] = [];
        for (let i = 0; i < 12; i++) ids.push((await call(i === 5 ? keys.noScope : keys.reader)).id);
        await until(() => events().length >= 12, () => `events: ${events().length}`);
        const batches = received(receivers, "/logs");
        assert.ok(batches.length >= 2, `batches: ${batches.length}`);
        for (const b of batches) {
          assert.equal(b.encoding, "gzip");
          assert.equal(b.type, "application/json");
          assert.ok(Array.isArray(b.body));
        }
        const byId = new Map(events().map((e) => [e.decision_id, e]));
        assert.deepEqual(ids.filter((id) => !byId.has(id)), []);
        const e = byId.get(ids[0]);
        assert.equal(e.path, "gateway/decision");
        assert.deepEqual(e.bundles, { authz: { revision } });
        assert.equal(e.labels.app, "e2e");
        assert.deepEqual(e.result, { allow: true, reason: "scope_ok" });
        assert.equal(e.input.identity.subject, "***");
        assert.equal(e.input.request.headers["user-agent"], undefined);
        assert.deepEqual(e.erased, ["/input/request/headers/user-agent"]);
        assert.deepEqual(e.masked, ["/input/identity/subject"]);
        assert.match(e.requested_by, /^127\.0\.0\.1:\d+$/);
        assert.ok(Number.isInteger(e.req_id) && e.req_id > 0);
        assert.ok(e.metrics.timer_server_handler_ns > 0);
        assert.ok(Date.parse(e.timestamp) > 0);
        assert.equal(e.gateway.route, "orders");
        assert.equal(e.gateway.key_id, e.input.identity.key_id);
        assert.equal(e.gateway.reason, "scope_ok");
        const denied = byId.get(ids[5]);
        assert.deepEqual(denied.result, { allow: false, reason: "scope_missing" });
        assert.equal(denied.gateway.status, 403);
        // The caller's key is nowhere: not in the input, not in the gateway's facts.
        const all = JSON.stringify(batches);
        for (const key of [keys.reader, keys.noScope]) assert.equal(all.includes(key), false);
        assert.equal(all.includes("secret-agent"), false);

        // 2. Receiver down: events wait (failures counted), none lost under the limit.
        await receivers[0].kill();
        const before = events().length;
        const whileDown: string[] = [];
        for (let i = 0; i < 20; i++) whileDown.push((await call(keys.reader)).id);
        await untilMetric(gw.url, "gateway_decision_logs_upload_failures_total", (v) => v >= 2);
        await untilMetric(gw.url, "gateway_decision_logs_buffered", (v) => v === 20);
        receivers.push(await startReceiver(port));
        await until(
          () => events().length >= before + 20,
          () => `after restart: ${events().length - before}/20`,
        );
        const got = new Set(events().map((e) => e.decision_id));
        assert.deepEqual(whileDown.filter((id) => !got.has(id)), []);
        assert.equal(
          await metricValue(gw.url, 'gateway_decision_logs_dropped_total{cause="buffer_full"}'),
          0,
        );

        // 3. Down again, and more events than the buffer holds: the oldest go, and are counted.
        await receivers[1].kill();
        const overflow: string[] = [];
        for (let i = 0; i < LIMIT + 15; i++) overflow.push((await call(keys.reader)).id);
        await untilMetric(
          gw.url,
          'gateway_decision_logs_dropped_total{cause="buffer_full"}',
          (v) => v === 15,
        );
        await untilMetric(gw.url, "gateway_decision_logs_buffered", (v) => v === LIMIT);
        const before3 = events().length;
        receivers.push(await startReceiver(port));
        await until(
          () => events().length >= before3 + LIMIT,
          () => `after overflow: ${events().length - before3}`,
        );
        await new Promise((r) => setTimeout(r, 700)); // nothing more comes
        const arrived = events().slice(before3).map((e) => e.decision_id);
        assert.deepEqual(arrived, overflow.slice(15));

        // Status on a new activation: the changed policy's revision is reported.
        const reports = received(receivers, "/status").length;
        await Deno.writeTextFile(`${policyDir}/gateway.rego`, POLICY + "\n# changed\n");
        await until(
          () => received(receivers, "/status").length > reports,
          () => "no status report after the policy changed",
        );
        const latest = received(receivers, "/status").at(-1)!.body.bundles.authz;
        const now = (await (await fetch(`${gw.url}/readyz`)).json()).revision;
        assert.notEqual(now, revision);
        assert.equal(latest.active_revision, now);

        // Status on a failure: OPA's bundle_error with the engine's reason; the last good one stays.
        const reports2 = received(receivers, "/status").length;
        await Deno.writeTextFile(`${policyDir}/gateway.rego`, 'package gateway\n\ndecision := {"allow": \n');
        await until(
          () => received(receivers, "/status").slice(reports2).some((r) => r.body.bundles.authz.code),
          () => "no status report after a broken policy",
        );
        const failed = received(receivers, "/status").slice(reports2).find((r) => r.body.bundles.authz.code)!
          .body;
        assert.equal(failed.bundles.authz.code, "bundle_error");
        assert.equal(failed.bundles.authz.errors[0].code, "policy_compile_failed");
        assert.equal(failed.bundles.authz.active_revision, now);
        assert.equal(failed.plugins.bundle.state, "ERROR");
      });
    } finally {
      for (const r of receivers) await r.kill();
      await Deno.remove(policyDir, { recursive: true }).catch(() => {});
    }
  },
});
