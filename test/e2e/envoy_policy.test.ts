/**
 * End to end, OPA-Envoy's policies as they are (policy.inputFormat envoy): a boolean `allow` and
 * OPA-Envoy's result object decide requests through the real gateway as OPA-Envoy would: the
 * denied never reach the upstream, the result's headers reach the upstream or the caller, and the
 * policy never sees the caller's API key.
 */
import assert from "node:assert/strict";
import { addKey, ROOT, withGateway } from "./harness.ts";

const BUNDLE = `${ROOT}test/e2e/fixtures/envoy_policy`;

function config(entrypoint: string) {
  return (upstream: { url: string }) => ({
    policy: { bundle: BUNDLE, entrypoint, inputFormat: "envoy", watch: false, pollSeconds: 0 },
    routes: [{ id: "people", prefix: "/", upstream: upstream.url }],
  });
}

async function upstreamCount(url: string): Promise<number> {
  return (await (await fetch(`${url}/__stats`)).json()).count;
}

Deno.test({
  name: "e2e: OPA-Envoy's boolean allow decides through the gateway",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    let writer = "";
    await withGateway("gw-envoy-bool-", config("envoy/authz/allow"), async ({ gw, keys, upstream }) => {
      const call = (method: string, path: string, key = keys.reader) =>
        fetch(gw.url + path, { method, headers: { authorization: `Bearer ${key}` } });

      const get = await call("GET", "/people/alice?x=1");
      assert.equal(get.status, 200);
      const seen = await get.json();
      assert.equal(seen.path, "/people/alice");

      const other = await call("GET", "/orders/1");
      assert.equal(other.status, 403);
      assert.equal((await other.json()).reason, "policy_denied");

      const before = await upstreamCount(upstream.url);
      const post = await call("POST", "/people");
      assert.equal(post.status, 403, "no people:write scope");
      assert.equal(await upstreamCount(upstream.url), before, "a denial never reaches the upstream");

      const written = await call("POST", "/people", writer);
      assert.equal(written.status, 200, "identity beside OPA-Envoy's shape");
    }, {
      before: async (dir) => {
        writer = await addKey(`${dir}/keys.db`, "writer", ["people:write"]);
      },
    });
  },
});

Deno.test({
  name: "e2e: OPA-Envoy's result object: upstream headers on allow, status, headers and body on deny",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withGateway("gw-envoy-obj-", config("envoy/result/allow"), async ({ gw, keys, upstream }) => {
      const auth = { authorization: `Bearer ${keys.reader}` };

      const ok = await fetch(`${gw.url}/people`, { headers: { ...auth, "x-internal": "1", "x-keep": "2" } });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get("x-policy"), "envoy", "response_headers_to_add reach the caller");
      const seen = await ok.json();
      assert.equal(seen.headers["x-ext-auth-allow"], "yes", "headers reach the upstream");
      assert.equal(seen.headers["x-internal"], undefined, "request_headers_to_remove");
      assert.equal(seen.headers["x-keep"], "2");
      assert.notEqual(seen.headers.authorization, auth.authorization, "the caller's key never goes upstream");

      const before = await upstreamCount(upstream.url);
      const denied = await fetch(`${gw.url}/people`, { method: "POST", headers: auth, redirect: "manual" });
      assert.equal(denied.status, 301, "http_status");
      assert.equal(denied.headers.get("x-ext-auth-allow"), "no", "headers go to the caller on deny");
      assert.equal(await denied.text(), "Unauthorized Request", "body");
      assert.ok(denied.headers.get("x-request-id"));

      const teapot = await fetch(`${gw.url}/people/1`, { method: "DELETE", headers: auth });
      assert.equal(teapot.status, 418);
      assert.equal((await teapot.json()).reason, "policy_denied", "no body: the gateway's error body");
      assert.equal(await upstreamCount(upstream.url), before, "denials never reach the upstream");
    });
  },
});

Deno.test({
  name: "e2e: OPA-Envoy's parsed_body decides, and the upstream gets the body whole",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withGateway("gw-envoy-body-", (upstream) => ({
      ...config("envoy/body/allow")(upstream),
      policy: {
        bundle: BUNDLE,
        entrypoint: "envoy/body/allow",
        inputFormat: "envoy",
        envoy: { parseBody: true, maxBodyBytes: 64 },
        watch: false,
        pollSeconds: 0,
      },
    }), async ({ gw, keys }) => {
      const post = (body: string) =>
        fetch(`${gw.url}/stream/pay`, {
          method: "POST",
          headers: { authorization: `Bearer ${keys.reader}`, "content-type": "application/json" },
          body,
        });
      const small = JSON.stringify({ amount: 5, note: "coffee" });
      const ok = await post(small);
      assert.equal(ok.status, 200);
      assert.equal(await ok.text(), small, "the body reaches the upstream unchanged");
      const big = await post(JSON.stringify({ amount: 500 }));
      assert.equal(big.status, 403);
      await big.body?.cancel();
      const long = await post(JSON.stringify({ amount: 5, pad: "x".repeat(100) }));
      assert.equal(long.status, 403, "over maxBodyBytes: truncated_body, which this policy denies");
      await long.body?.cancel();
      const bad = await post("{not json");
      assert.equal(bad.status, 400);
      assert.equal((await bad.json()).reason, "body_invalid");
    });
  },
});
