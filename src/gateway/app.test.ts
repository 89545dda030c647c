import assert from "node:assert/strict";
import { createOpsApp } from "./app.ts";
import { RouteTable } from "./routes/table.ts";
import { FakeEvaluator } from "./testing/fakes.ts";
import { rawRequest } from "./testing/harness.ts";
import { fakeGateway } from "./testing/gateway.ts";

const KEY = { authorization: "Bearer good" };

Deno.test("pipeline: allowed request reaches the upstream with a JWT and without the key", async () => {
  const g = fakeGateway({ trustRequestId: true });
  const res = await g.app.request("/orders/7", { headers: { ...KEY, "x-request-id": "client-req-0001" } });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "upstream saw /orders/7");
  assert.equal(res.headers.get("x-request-id"), "client-req-0001");
  assert.equal(res.headers.get("ratelimit-limit"), "2");
  const req = g.upstream.requests[0];
  assert.equal(req.headers.get("authorization"), "Bearer jwt-for-alice");
  assert.equal(req.headers.get("x-request-id"), "client-req-0001");
});

Deno.test("pipeline: 401 / 403 / 404 / 429 never reach the upstream", async () => {
  const g = fakeGateway();
  assert.equal((await g.app.request("/orders")).status, 401);
  assert.equal((await g.app.request("/orders", { headers: { "x-api-key": "malformed_key" } })).status, 401);
  assert.equal((await g.app.request("/orders", { headers: { "x-api-key": "revoked_key" } })).status, 401);
  assert.equal((await g.app.request("/orders", { headers: { "x-api-key": "weak" } })).status, 403);
  assert.equal((await g.app.request("/nothing-here", { headers: KEY })).status, 404);
  assert.equal(g.upstream.requests.length, 0);
  assert.equal((await g.app.request("/orders", { headers: KEY })).status, 200);
  assert.equal((await g.app.request("/orders", { headers: KEY })).status, 200);
  const limited = await g.app.request("/orders", { headers: KEY });
  assert.equal(limited.status, 429);
  assert.ok(limited.headers.get("retry-after"));
  assert.equal(g.upstream.requests.length, 2);
});

Deno.test("pipeline: a malformed decision is a 503 and is never forwarded", async () => {
  const g = fakeGateway({ evaluator: new FakeEvaluator(() => ({ value: { allow: "true" } })) });
  const res = await g.app.request("/orders", { headers: KEY });
  assert.equal(res.status, 503);
  assert.equal((await res.json()).reason, "policy_malformed");
  assert.equal(g.upstream.requests.length, 0);
});

Deno.test("decision log: one line per request with ids and outcome, never the key or the token", async () => {
  const g = fakeGateway();
  await g.app.request("/orders/1?token=abc", { headers: KEY });
  await g.app.request("/orders/1", { headers: { "x-api-key": "weak" } });
  await g.app.request("/orders/1", { headers: { "x-api-key": "malformed_key" } });
  assert.equal(g.lines.length, 3);
  const [ok, denied, bad] = g.lines;
  assert.equal(ok.decision, "allow");
  assert.equal(ok.status, 200);
  assert.equal(ok.reason, "scope_ok");
  assert.equal(ok.route, "orders");
  assert.equal(ok.key_id, "key_test1");
  assert.equal(ok.org, "acme");
  assert.equal(ok.identity_type, "human");
  assert.equal(ok.revision, "rev-1");
  assert.equal(ok.jti, "jti-1");
  assert.equal(ok.path, "/orders/1");
  assert.deepEqual(ok.rate_limit, { key: "sub:alice", limit: 2, remaining: 1, allowed: true });
  assert.ok(ok.latency_ms >= 0);
  assert.equal(denied.decision, "deny");
  assert.equal(denied.reason, "scope_missing");
  assert.equal(bad.reason, "key_malformed");
  assert.equal(bad.key_id, null);
  const all = JSON.stringify(g.lines);
  for (const secret of ["good", "malformed_key", "jwt-for-alice", "token=abc"]) {
    assert.equal(all.includes(secret), false, secret);
  }
});

Deno.test("metrics: requests by route/decision/status, policy latency, rate-limit rejections", async () => {
  const g = fakeGateway();
  for (let i = 0; i < 3; i++) await g.app.request("/orders", { headers: KEY });
  await g.app.request("/orders", { headers: { "x-api-key": "weak" } });
  const text = await (await g.app.request("/metrics")).text();
  assert.match(text, /gateway_requests_total\{route="orders",decision="allow",status="200"\} 2/);
  assert.match(text, /gateway_requests_total\{route="orders",decision="deny",status="429"\} 1/);
  assert.match(text, /gateway_requests_total\{route="orders",decision="deny",status="403"\} 1/);
  assert.match(text, /gateway_rate_limit_rejections_total\{route="orders"\} 1/);
  assert.match(text, /gateway_policy_eval_duration_seconds_count\{result="ok"\} 4/);
  assert.match(text, /gateway_request_duration_seconds_bucket/);
});

Deno.test("ops: /healthz, /readyz with the revision, 503 before a bundle, JWKS", async () => {
  const g = fakeGateway();
  assert.deepEqual(await (await g.app.request("/healthz")).json(), { status: "ok" });
  const ready = await g.app.request("/readyz");
  assert.equal(ready.status, 200);
  assert.equal((await ready.json()).revision, "rev-1");
  const jwks = await (await g.app.request("/.well-known/jwks.json")).json();
  assert.equal(jwks.keys[0].kid, "k1");
  const cold = fakeGateway({
    policyStatus: { current: () => null, lastReloadError: () => "bundle_corrupt: bad gzip" },
  });
  const notReady = await cold.app.request("/readyz");
  assert.equal(notReady.status, 503);
  assert.equal((await notReady.json()).last_reload_error, "bundle_corrupt: bad gzip");
  assert.equal(g.lines.length, 0, "ops endpoints are not in the decision log");
});

Deno.test("an unexpected exception is a 500 with the JSON error shape", async () => {
  const g = fakeGateway({
    verifier: { verify: () => Promise.reject(new Error("boom")) },
  });
  const res = await g.app.request("/orders", { headers: KEY });
  assert.equal(res.status, 500);
  const body = await res.json();
  assert.equal(body.reason, "internal_error");
  assert.equal(body.request_id, res.headers.get("x-request-id"));
  assert.equal(g.lines[0].detail, "boom");
});

Deno.test("request ids: every endpoint and every pipeline outcome echoes one", async () => {
  const g = fakeGateway({ trustRequestId: true });
  for (const path of ["/healthz", "/readyz", "/metrics", "/.well-known/jwks.json"]) {
    const res = await g.app.request(path, { headers: { "x-request-id": "ops-req-0001" } });
    await res.body?.cancel();
    assert.equal(res.headers.get("x-request-id"), "ops-req-0001", path);
  }
  const none = await g.app.request("/nothing-here", { headers: KEY });
  assert.equal(none.status, 404);
  assert.match(none.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  assert.equal((await none.json()).request_id, none.headers.get("x-request-id"));
  const post = await g.app.request("/healthz", {
    method: "POST",
    headers: { "x-request-id": "ops-req-0002" },
  });
  assert.equal(post.status, 404); // not an ops route: the pipeline answers (no route)
  assert.equal(post.headers.get("x-request-id"), "ops-req-0002");
  assert.equal(g.lines.at(-1)?.request_id, "ops-req-0002");
});

Deno.test("pipeline: an answer after the throttle stage (here a 502) carries the RateLimit-* headers", async () => {
  const g = fakeGateway({
    signer: {
      sign: () => Promise.resolve({ token: "t", jti: "j", exp: 0 }),
      jwks: () => ({ keys: [] }),
    },
    fetch: () => {
      throw new Error("not a promise rejection");
    },
  });
  const res = await g.app.request("/orders", { headers: KEY });
  assert.equal(res.status, 502);
  assert.equal(res.headers.get("ratelimit-limit"), "2");
  assert.ok(res.headers.get("x-request-id"));
  assert.equal(g.lines.length, 1);
  assert.equal(g.lines[0].status, 502);
});

// ---- Enforcement integrity: the gateway decides on exactly what it forwards (issue 7) ----

/** A gateway with routes `api` (/api) and `adminapi` (/api/admin); the key may use `api` only. */
function apiGateway(over: Parameters<typeof fakeGateway>[0] = {}) {
  const evaluator = new FakeEvaluator((input) => ({
    value: input.route.id === "api"
      ? { allow: true, reason: "scope_ok", headers: { "X-Gateway-Org": "acme" } }
      : { allow: false, reason: "scope_missing" },
  }));
  const g = fakeGateway({
    routes: new RouteTable([
      { id: "api", prefix: "/api", upstream: "http://up.internal" },
      { id: "adminapi", prefix: "/api/admin", upstream: "http://up.internal" },
      { id: "s", prefix: "/s", upstream: "http://up.internal/base", stripPrefix: true },
    ]),
    evaluator,
    ...over,
  });
  return { ...g, inputs: evaluator.inputs as any[] };
}

Deno.test("path confusion: routing, the policy and the upstream see one canonical path", async () => {
  const g = apiGateway();
  const denied = await g.app.request("/api/admin/users", { headers: KEY });
  assert.equal(denied.status, 403);
  for (
    const path of [
      "/api/x/../admin/users",
      "/api/x/%2e%2e/admin/users",
      "/api//admin/users",
      "/api/%61dmin/users",
    ]
  ) {
    const res = await g.app.request(path, { headers: KEY });
    assert.equal(res.status, 403, path);
    await res.body?.cancel();
  }
  for (const path of ["/api/admin%2fusers", "/api\\admin/users", "/api/admin%5cusers", "/api/%00/x"]) {
    const res = await g.app.request(rawRequest("http://localhost" + path, { headers: KEY }));
    assert.equal(res.status, 400, path);
    assert.equal((await res.json()).reason, "path_invalid");
  }
  assert.equal(g.upstream.requests.length, 0);
  assert.deepEqual(g.inputs.map((i) => i.request.path), [
    "/api/admin/users",
    "/api/admin/users",
    "/api/admin/users",
    "/api/admin/users",
    "/api/admin/users",
  ]);
  // A stripped prefix cannot be left either: /s/../admin is /admin, which no route serves.
  assert.equal((await g.app.request("/s/../admin", { headers: KEY })).status, 404);
  const ok = await g.app.request("/s/%2e/x//y", { headers: KEY });
  assert.equal(ok.status, 403); // route s, which the fake policy denies: decided on /s/x/y
  assert.equal(g.inputs.at(-1).request.path, "/s/x/y");
  assert.equal(g.lines.at(-1)!.path, "/s/x/y");
});

Deno.test("the upstream gets the decided path and method; the policy, the log and the cache agree", async () => {
  const g = apiGateway();
  const res = await g.app.request("/api/v1/./items/%7e1?q=1", { method: "delete", headers: KEY });
  assert.equal(res.status, 200);
  const input = g.inputs[0];
  assert.equal(input.request.method, "DELETE");
  assert.equal(input.request.path, "/api/v1/items/~1");
  const req = g.upstream.requests[0];
  assert.equal(req.method, "DELETE");
  assert.equal(req.url, "http://up.internal/api/v1/items/~1?q=1");
  assert.equal(g.lines[0].method, "DELETE");
  assert.equal(g.lines[0].path, "/api/v1/items/~1");
  // A lower-case "get" comes with a body stream from Deno's server; it goes upstream as a GET.
  const get = await g.app.request(
    rawRequest("http://localhost/api/x", { method: "get", body: "", headers: KEY }),
  );
  assert.equal(get.status, 200);
  assert.equal(g.upstream.requests[1].method, "GET");
});

Deno.test("Connection cannot remove a policy header; hop-by-hop caller fields are hidden from the policy too", async () => {
  const g = apiGateway({ headerAllowList: ["user-agent", "x-custom"] });
  const res = await g.app.request("/api/x", {
    headers: {
      ...KEY,
      connection: "x-gateway-org, x-custom, authorization",
      "x-custom": "1",
      "user-agent": "t",
    },
  });
  assert.equal(res.status, 200);
  const req = g.upstream.requests[0];
  assert.equal(req.headers.get("x-gateway-org"), "acme");
  assert.equal(req.headers.get("x-custom"), null);
  assert.equal(req.headers.get("authorization"), "Bearer jwt-for-alice");
  assert.deepEqual(g.inputs[0].request.headers, { "user-agent": "t" });
});

Deno.test("forwarding and override fields from the caller never reach the upstream", async () => {
  const g = apiGateway();
  const forged = {
    forwarded: "for=6.6.6.6",
    "x-forwarded-for": "6.6.6.6",
    "x-forwarded-host": "evil",
    "x-forwarded-proto": "https",
    "x-forwarded-port": "443",
    "x-forwarded-prefix": "/admin",
    "x-real-ip": "6.6.6.6",
    "true-client-ip": "6.6.6.6",
    "x-original-url": "/api/admin/users",
    "x-rewrite-url": "/api/admin/users",
    "x-http-method-override": "DELETE",
  };
  const res = await g.app.request("/api/x", { headers: { ...KEY, ...forged } });
  assert.equal(res.status, 200);
  const req = g.upstream.requests[0];
  for (const [name, value] of Object.entries(forged)) assert.notEqual(req.headers.get(name), value, name);
  assert.equal(req.headers.get("x-forwarded-proto"), "http");
  assert.equal(req.headers.get("x-forwarded-host"), "localhost");
  assert.equal(req.headers.get("accept-encoding"), "identity");
});

Deno.test("credentials in the query reach neither the policy, the log nor the upstream", async () => {
  const g = apiGateway();
  const key = "gw_test_" + "A".repeat(24) + "_AAAAAA";
  const res = await g.app.request(`/api/x?a=1&api_key=s3cret&k=${key}&b=2`, { headers: KEY });
  assert.equal(res.status, 200);
  assert.equal(g.upstream.requests[0].url, "http://up.internal/api/x?a=1&b=2");
  assert.deepEqual(g.inputs[0].request.query, { a: ["1"], b: ["2"] });
  const logged = JSON.stringify(g.lines);
  assert.ok(!logged.includes("s3cret") && !logged.includes(key));
});

Deno.test("the gateway's own paths are never proxied; with separateOps they are not served here", async () => {
  const g = fakeGateway({
    routes: new RouteTable([{ id: "all", prefix: "/", upstream: "http://up.internal" }]),
  });
  for (const path of ["/healthz/x", "/admin/keys", "/metrics/", "/.well-known/jwks.json/x"]) {
    const res = await g.app.request(path, { headers: KEY });
    assert.equal(res.status, 404, path);
    assert.equal((await res.json()).reason, "route_not_found");
  }
  const post = await g.app.request("/healthz", { method: "POST", headers: KEY });
  assert.equal(post.status, 404);
  assert.equal(g.upstream.requests.length, 0);

  const split = fakeGateway({
    separateOps: true,
    routes: new RouteTable([{ id: "all", prefix: "/", upstream: "http://up.internal" }]),
  });
  for (const path of ["/healthz", "/readyz", "/metrics"]) {
    const res = await split.app.request(path);
    assert.equal(res.status, 404, path);
    await res.body?.cancel();
  }
  assert.equal((await split.app.request("/.well-known/jwks.json")).status, 200);
  const ops = createOpsApp(split.deps);
  assert.equal((await ops.request("/healthz")).status, 200);
  assert.equal((await ops.request("/readyz")).status, 200);
  assert.match(await (await ops.request("/metrics")).text(), /gateway_requests_total/);
  assert.equal(split.upstream.requests.length, 0);
});
