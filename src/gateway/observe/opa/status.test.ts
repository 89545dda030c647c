import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { type BundleState, statusReport, StatusReporter } from "./status.ts";

const T = new Date("2026-01-01T00:00:00Z");
const OK: BundleState = {
  ready: true,
  revision: "r1",
  lastError: null,
  lastAttemptAt: T,
  lastSuccessAt: T,
  lastDownloadAt: T,
};

Deno.test("status: OPA's report shape for a bundle in force, and after a failure", () => {
  const ctx = { labels: { id: "i", version: "v" }, bundleName: "authz" };
  assert.deepEqual(statusReport(OK, ctx), {
    labels: { id: "i", version: "v" },
    bundles: {
      authz: {
        name: "authz",
        active_revision: "r1",
        last_successful_activation: T.toISOString(),
        last_successful_download: T.toISOString(),
        last_successful_request: T.toISOString(),
        last_request: T.toISOString(),
      },
    },
    plugins: { bundle: { state: "OK" }, status: { state: "OK" } },
    metrics: {},
  });
  const failed = statusReport({ ...OK, lastError: { code: "bundle_corrupt", message: "bad gzip" } }, ctx);
  assert.equal(failed.bundles.authz.active_revision, "r1"); // the last good one stays in force
  assert.equal(failed.bundles.authz.code, "bundle_error");
  assert.equal(failed.bundles.authz.message, "bad gzip");
  assert.deepEqual(failed.bundles.authz.errors, [{ code: "bundle_corrupt", message: "bad gzip" }]);
  assert.equal(failed.plugins.bundle.state, "ERROR");
  const none = statusReport({ ...OK, ready: false, revision: null, lastSuccessAt: null }, ctx);
  assert.equal(none.plugins.bundle.state, "NOT_READY");
  assert.equal("active_revision" in none.bundles.authz, false);
});

Deno.test("status: an undelivered report is retried; the latest state is what arrives", async () => {
  let up = false;
  const got: any[] = [];
  let state = OK;
  const reporter = new StatusReporter({
    target: {
      url: "http://status.test",
      resource: "/status",
      timeoutMs: 1000,
      fetch: ((url: string, init: RequestInit) => {
        assert.equal(url, "http://status.test/status");
        if (!up) return Promise.reject(new TypeError("refused"));
        got.push(JSON.parse(gunzipSync(init.body as Uint8Array).toString("utf8")));
        return Promise.resolve(new Response(null, { status: 200 }));
      }) as unknown as typeof fetch,
    },
    report: () => statusReport(state, { labels: {}, bundleName: "b" }),
    minRetryDelayMs: 10,
    maxRetryDelayMs: 20,
  });
  await reporter.trigger();
  assert.equal(reporter.failures, 1);
  state = { ...OK, revision: "r2" };
  up = true;
  const deadline = Date.now() + 5000;
  while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  reporter.stop();
  assert.equal(got.length, 1);
  assert.equal(got[0].bundles.b.active_revision, "r2");
});
