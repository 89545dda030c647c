/**
 * End to end: the gateway (src/main.ts, the default policy compiled from policies/) and a real
 * upstream run as separate processes; requests go over loopback HTTP.
 */
import assert from "node:assert/strict";
import { createLocalJWKSet, jwtVerify } from "jose";
import { generateRawKey } from "../../src/keys/format.ts";
import { metricValue, ROOT, withGateway } from "./harness.ts";

async function json(res: Response): Promise<any> {
  return await res.json();
}

Deno.test({
  name: "e2e: default policy in front of a real upstream",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    await withGateway("gw-e2e-", (upstream) => ({
      policy: { bundle: `${ROOT}policies`, watch: false, pollSeconds: 0 },
      upstream: { connectTimeoutMs: 2000, timeoutMs: 10000 },
      routes: [
        { id: "orders", prefix: "/orders", upstream: upstream.url },
        { id: "stream", prefix: "/stream", upstream: upstream.url },
        { id: "down", prefix: "/down", upstream: "http://127.0.0.1:9" },
      ],
    }), async ({ gw, keys, upstream }) => {
      const url = gw.url;
      const get = (path: string, key?: string, init: RequestInit = {}) =>
        fetch(url + path, {
          ...init,
          headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...init.headers },
        });
      const upstreamCount = async () => (await json(await fetch(`${upstream.url}/__stats`))).count as number;

      await t.step("no key → 401 key_missing", async () => {
        const res = await get("/orders/1");
        assert.equal(res.status, 401);
        const body = await json(res);
        assert.equal(body.reason, "key_missing");
        assert.equal(body.request_id, res.headers.get("x-request-id"));
      });

      await t.step("malformed key → 401 key_malformed without a store lookup", async () => {
        const sample = 'gateway_key_store_lookups_total{kind="hash"}';
        const before = await metricValue(url, sample);
        const res = await get("/orders/1", "gw_test_AAAAAAAAAAAAAAAAAAAAAAAA_zzzzzz");
        assert.equal(res.status, 401);
        assert.equal((await json(res)).reason, "key_malformed");
        assert.equal(await metricValue(url, sample), before);
        // A well-formed but unknown key does reach the store: the metric is live.
        const unknown = await get("/orders/1", generateRawKey("test"));
        assert.equal((await json(unknown)).reason, "key_unknown");
        assert.equal(await metricValue(url, sample), before + 1);
      });

      await t.step("revoked and expired keys → 401", async () => {
        const revoked = await get("/orders/1", keys.revoked);
        assert.equal(revoked.status, 401);
        assert.equal((await json(revoked)).reason, "key_revoked");
        const expired = await get("/orders/1", keys.expired);
        assert.equal(expired.status, 401);
        assert.equal((await json(expired)).reason, "key_expired");
      });

      await t.step("a route the key has no scope for → 403, not forwarded", async () => {
        const before = await upstreamCount();
        const res = await get("/orders/1", keys.noScope);
        assert.equal(res.status, 403);
        assert.equal((await json(res)).reason, "scope_missing");
        const post = await get("/orders/1", keys.reader, { method: "POST", body: "{}" });
        assert.equal(post.status, 403);
        await post.body?.cancel();
        assert.equal(await upstreamCount(), before);
      });

      await t.step(
        "allowed → 200; the upstream sees a JWT that verifies against the JWKS with the policy's claims",
        async () => {
          const res = await get("/orders/42?x=1", keys.reader, { headers: { "x-api-key": "also-stripped" } });
          assert.equal(res.status, 200);
          assert.equal(res.headers.get("ratelimit-limit"), "120");
          const seen = await json(res);
          assert.equal(seen.path, "/orders/42");
          assert.equal(seen.headers["x-api-key"], undefined);
          assert.equal(seen.headers["x-gateway-org"], "acme");
          assert.equal(seen.headers["x-request-id"], res.headers.get("x-request-id"));
          const token = (seen.headers.authorization as string).replace(/^Bearer /, "");
          assert.ok(!token.includes(keys.reader));
          const jwks = await json(await fetch(`${url}/.well-known/jwks.json`));
          const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
            issuer: "policy-gateway",
            audience: upstream.url,
          });
          assert.equal(payload.sub, "alice");
          assert.equal(payload.org, "acme");
          assert.equal(payload.identity_type, "human");
          assert.deepEqual(payload.permissions, ["orders:read"]);
          assert.deepEqual(payload.claims, { kind: "human", user: "alice", plan: "free" });
          assert.ok(typeof payload.exp === "number" && typeof payload.jti === "string");
        },
      );

      await t.step("over the limit → 429 with Retry-After and RateLimit-* headers", async () => {
        // The default policy allows agents 30 requests a minute per key. Its decisions come from
        // the decision cache after the first (it reads key, route and method only): the limit is
        // still counted on every request.
        const hits = 'gateway_decision_cache_requests_total{result="hit"}';
        const hitsBefore = await metricValue(url, hits);
        let last: Response | null = null;
        for (let i = 0; i < 31; i++) {
          last = await get("/orders/1", keys.agent);
          if (i < 30) {
            assert.equal(last.status, 200, `request ${i + 1}`);
            await last.body?.cancel();
          }
        }
        assert.equal(last!.status, 429);
        assert.equal((await json(last!)).reason, "rate_limited");
        assert.ok(Number(last!.headers.get("retry-after")) >= 1);
        assert.equal(last!.headers.get("ratelimit-limit"), "30");
        assert.equal(last!.headers.get("ratelimit-remaining"), "0");
        assert.ok(Number(last!.headers.get("ratelimit-reset")) >= 1);
        assert.ok(await metricValue(url, hits) - hitsBefore >= 25, "decisions came from the cache");
      });

      await t.step("upstream down → 502", async () => {
        const res = await get("/down/x", keys.reader);
        assert.equal(res.status, 502);
        assert.equal((await json(res)).reason, "upstream_unreachable");
      });

      await t.step("bodies stream both ways, chunk by chunk", async () => {
        // Each 64 KiB chunk must come back before the next is sent: a gateway that buffered
        // either body would never answer while the request body is still open.
        const outgoing = new TransformStream<Uint8Array, Uint8Array>();
        const writer = outgoing.writable.getWriter();
        const resP = fetch(`${url}/stream/echo`, {
          method: "POST",
          body: outgoing.readable,
          headers: { authorization: `Bearer ${keys.reader}` },
        });
        await writer.write(new Uint8Array(64 * 1024).fill(7));
        const res = await resP;
        assert.equal(res.status, 200);
        const reader = res.body!.getReader();
        let total = 0;
        for (let round = 0; round < 4; round++) {
          let got = 0;
          while (got < 64 * 1024) {
            const { value, done } = await reader.read();
            assert.equal(done, false, "the echo ended early");
            got += value!.byteLength;
          }
          total += got;
          if (round < 3) await writer.write(new Uint8Array(64 * 1024).fill(round));
        }
        await writer.close();
        assert.equal((await reader.read()).done, true);
        assert.equal(total, 4 * 64 * 1024);
      });

      await t.step("one decision-log line per request on stdout, without keys or tokens", async () => {
        // The log is flushed in the background: wait (bounded) for the lines to arrive.
        const deadline = Date.now() + 5000;
        while (gw.proc.stdoutLines().length < 10 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
        }
        const lines = gw.proc.stdoutLines().map((l) => JSON.parse(l));
        assert.ok(lines.length >= 10);
        const allowed = lines.find((l) => l.status === 200 && l.route === "orders");
        assert.ok(allowed);
        assert.equal(allowed.decision, "allow");
        assert.equal(allowed.org, "acme");
        assert.equal(allowed.identity_type, "human");
        assert.ok(allowed.jti && allowed.revision !== undefined && allowed.latency_ms >= 0);
        // A key found but refused is named, as the operator looks for it then.
        for (const reason of ["key_revoked", "key_expired"]) {
          assert.match(lines.find((l) => l.reason === reason)?.key_id ?? "", /^key_/, reason);
        }
        assert.equal(lines.find((l) => l.reason === "key_unknown")?.key_id, null);
        const text = gw.proc.stdoutLines().join("\n");
        for (const k of Object.values(keys)) assert.equal(text.includes(k), false);
      });
    });
  },
});
