import type { RateLimitOutcome } from "../ratelimit/types.ts";
import assert from "node:assert/strict";
import { HeaderRules, type UpstreamRequestFacts } from "./headers.ts";

const rules = new HeaderRules({ jwtHeader: "Authorization", jwtPrefix: "Bearer ", via: "1.1 gw" });
function up(incoming: Headers, facts: Partial<UpstreamRequestFacts> = {}, r = rules): Headers {
  return new Headers(r.upstream([...incoming], { ...base, ...facts }));
}

const base = {
  token: "TOKEN",
  requestId: "rid-12345678",
  clientAddress: "10.0.0.1",
  host: "api.example.com",
  proto: "http",
  contentLength: null,
};

Deno.test("upstream: caller credentials removed, JWT, request id, forwarding and Via set", () => {
  const h = up(
    new Headers({
      authorization: "Bearer gw_live_secret",
      "x-api-key": "gw_live_secret",
      "x-request-id": "caller-chosen",
      "x-forwarded-for": "6.6.6.6",
      accept: "application/json",
      host: "api.example.com",
    }),
  );
  assert.equal(h.get("authorization"), "Bearer TOKEN");
  assert.equal(h.get("x-api-key"), null);
  assert.equal(h.get("x-request-id"), "rid-12345678");
  assert.equal(h.get("x-forwarded-for"), "10.0.0.1");
  assert.equal(h.get("x-forwarded-host"), "api.example.com");
  assert.equal(h.get("via"), "1.1 gw");
  assert.equal(h.get("accept"), "application/json");
  assert.equal(h.get("host"), null);
  assert.equal([...h.values()].some((v) => v.includes("gw_live_secret")), false);
});

Deno.test("upstream: hop-by-hop fields and those named by Connection are dropped", () => {
  const h = up(
    new Headers({
      connection: "keep-alive, X-Secret-Hop",
      "keep-alive": "timeout=5",
      "x-secret-hop": "1",
      te: "trailers",
      upgrade: "websocket",
      "proxy-authorization": "Basic abc",
      "x-kept": "1",
    }),
  );
  for (const name of ["connection", "keep-alive", "x-secret-hop", "te", "upgrade", "proxy-authorization"]) {
    assert.equal(h.get(name), null, name);
  }
  assert.equal(h.get("x-kept"), "1");
});

Deno.test("upstream: a custom JWT header; the caller cannot forge it; Authorization still stripped", () => {
  const custom = new HeaderRules({ jwtHeader: "X-Gateway-JWT", jwtPrefix: "", via: "1.1 gw" });
  const h = up(new Headers({ "x-gateway-jwt": "forged", authorization: "Bearer k" }), {}, custom);
  assert.equal(h.get("x-gateway-jwt"), "TOKEN");
  assert.equal(h.get("authorization"), null);
});

Deno.test("upstream: policy headers are added but cannot override gateway-owned fields", () => {
  const h = up(new Headers({ "x-tenant": "caller" }), {
    policyHeaders: {
      "X-Tenant": "acme",
      Authorization: "Bearer evil",
      "X-Request-Id": "evil",
      Connection: "close",
    },
  });
  assert.equal(h.get("x-tenant"), "acme");
  assert.equal(h.get("authorization"), "Bearer TOKEN");
  assert.equal(h.get("x-request-id"), "rid-12345678");
  assert.equal(h.get("connection"), null);
});

Deno.test("upstream: content-length kept only when the gateway passes it", () => {
  assert.equal(up(new Headers({ "content-length": "5" })).get("content-length"), null);
  assert.equal(up(new Headers(), { contentLength: "5" }).get("content-length"), "5");
});

Deno.test("downstream: hop-by-hop dropped, set-cookie kept separately", () => {
  const up = new Headers([
    ["connection", "x-internal"],
    ["x-internal", "1"],
    ["transfer-encoding", "chunked"],
    [
      "set-cookie",
      "a=1",
    ],
    ["set-cookie", "b=2"],
    ["content-type", "text/plain"],
  ]);
  const record = {
    connection: "x-internal",
    "x-internal": "1",
    "transfer-encoding": "chunked",
    "set-cookie": ["a=1", "b=2"],
    "content-type": "text/plain",
  };
  // From fetch's Headers and from undici's record alike.
  for (const fields of [up, record]) {
    const h = new Headers(rules.downstream(fields));
    assert.equal(h.get("connection"), null);
    assert.equal(h.get("x-internal"), null);
    assert.equal(h.get("transfer-encoding"), null);
    assert.deepEqual(h.getSetCookie(), ["a=1", "b=2"]);
    assert.equal(h.get("content-type"), "text/plain");
  }
});

Deno.test("upstream: an Expect field is never forwarded (the gateway's server answers it)", () => {
  assert.equal(up(new Headers({ expect: "100-continue", "x-a": "1" })).get("expect"), null);
  assert.equal(up(new Headers(), { policyHeaders: { Expect: "100-continue" } }).get("expect"), null);
});

Deno.test("upstream: the caller's Connection removes caller fields only, never the gateway's or the policy's", () => {
  const h = up(
    new Headers({ connection: "x-gateway-org, x-request-id, authorization, via, x-mine", "x-mine": "1" }),
    {
      policyHeaders: { "X-Gateway-Org": "acme" },
    },
  );
  assert.equal(h.get("x-gateway-org"), "acme");
  assert.equal(h.get("x-request-id"), "rid-12345678");
  assert.equal(h.get("authorization"), "Bearer TOKEN");
  assert.equal(h.get("via"), "1.1 gw");
  assert.equal(h.get("x-mine"), null);
});

Deno.test("upstream: forwarding, client-address and override fields are the gateway's alone", () => {
  const caller = {
    forwarded: "for=6.6.6.6",
    "x-forwarded-for": "6.6.6.6",
    "x-forwarded-host": "evil",
    "x-forwarded-proto": "https",
    "x-forwarded-port": "1",
    "x-forwarded-prefix": "/admin",
    "x-forwarded-server": "evil",
    "x-real-ip": "6.6.6.6",
    "true-client-ip": "6.6.6.6",
    "x-client-ip": "6.6.6.6",
    "x-original-url": "/admin",
    "x-rewrite-url": "/admin",
    "x-http-method-override": "DELETE",
    "x-method-override": "DELETE",
    "accept-encoding": "gzip",
  };
  const h = up(new Headers(caller), {
    policyHeaders: { "X-Real-IP": "1.1.1.1", "X-Forwarded-Prefix": "/p" },
  });
  assert.equal(h.get("x-forwarded-for"), "10.0.0.1");
  assert.equal(h.get("x-forwarded-host"), "api.example.com");
  assert.equal(h.get("x-forwarded-proto"), "http");
  assert.equal(h.get("accept-encoding"), "identity");
  for (
    const name of [
      "forwarded",
      "x-forwarded-port",
      "x-forwarded-prefix",
      "x-forwarded-server",
      "x-real-ip",
      "true-client-ip",
      "x-client-ip",
      "x-original-url",
      "x-rewrite-url",
      "x-http-method-override",
      "x-method-override",
    ]
  ) assert.equal(h.get(name), null, name);
});

Deno.test("downstreamStamped: the gateway's request id and RateLimit-* replace the upstream's, once each", () => {
  const upstream = {
    "x-request-id": "upstream-id",
    "ratelimit-limit": "999",
    "retry-after": "5",
    "content-type": "text/plain",
    connection: "x-drop",
    "x-drop": "1",
  };
  const limit: RateLimitOutcome = {
    key: "k",
    limit: 10,
    remaining: 3,
    resetSeconds: 1.2,
    allowed: true,
    retryAfterSeconds: 0,
  };
  const pairs = rules.downstreamStamped(upstream, "rid-1", limit);
  const names = pairs.map(([n]) => n);
  assert.equal(new Set(names).size, names.length, `no field twice: ${names}`);
  const h = new Headers(pairs);
  assert.equal(h.get("x-request-id"), "rid-1");
  assert.equal(h.get("ratelimit-limit"), "10");
  assert.equal(h.get("ratelimit-remaining"), "3");
  assert.equal(h.get("ratelimit-reset"), "2");
  assert.equal(h.get("retry-after"), "5"); // the upstream's: the throttle sets one only on its 429
  assert.equal(h.get("x-drop"), null);
  // Without a rate limit the upstream's RateLimit-* pass, as they did when amended afterwards.
  const unlimited = new Headers(rules.downstreamStamped(upstream, "rid-2", null));
  assert.equal(unlimited.get("ratelimit-limit"), "999");
  assert.equal(unlimited.get("x-request-id"), "rid-2");
});
