/**
 * Hostile input at the edge, end to end: malformed, oversized and smuggling-shaped requests sent
 * as raw bytes to a real gateway process in front of a real upstream. Each case asserts that the
 * gateway refuses it (a 4xx, or the connection closed without an answer) or handles it as a
 * plain request, that a refused one never reaches the upstream, and that the gateway keeps
 * serving afterwards. Bounded: every read has a deadline, the whole suite runs in seconds.
 *
 * The refusals come from two layers: Deno's HTTP/1.1 parser (hyper) rejects broken framing and
 * syntax with a bare 400 before the gateway sees the request; the gateway refuses the rest with
 * its JSON errors (target_invalid, path_invalid, method_not_allowed, 413/414/431).
 */
import assert from "node:assert/strict";
import http2 from "node:http2";
import { addKey, ROOT, withGateway } from "./harness.ts";
import { rawRequest, type RawResponse } from "./raw_http.ts";

const DEADLINE_MS = 1500;

interface Case {
  name: string;
  /** The request bytes; HOST and KEY are replaced. */
  text: string | Uint8Array;
  /** Statuses accepted as the answer (0: the connection closed without one). */
  expect: number[];
  /** How many requests of this case may reach the upstream. */
  forwarded: number;
  /** The gateway's reason, when it is the gateway that answers. */
  reason?: string;
  check?: (r: RawResponse) => void;
}

const CRLF = "\r\n";
const head = (line: string, ...headers: string[]) =>
  [line, "Host: HOST", "Authorization: Bearer KEY", "Connection: close", ...headers].join(CRLF) + CRLF + CRLF;

function cases(): Case[] {
  const ok = (name: string, text: string, check?: (r: RawResponse) => void): Case => ({
    name,
    text,
    expect: [200],
    forwarded: 1,
    check,
  });
  const bad = (name: string, text: string | Uint8Array, expect = [400], reason?: string): Case => ({
    name,
    text,
    expect,
    forwarded: 0,
    reason,
  });
  return [
    // Framing and smuggling shapes.
    bad(
      "two different Content-Lengths",
      head("POST /api/x HTTP/1.1", "Content-Length: 3", "Content-Length: 4") + "abcd",
    ),
    bad(
      "two equal Content-Lengths (Deno joins them: '3, 3' is no length)",
      head("POST /api/x HTTP/1.1", "Content-Length: 3", "Content-Length: 3") + "abc",
      [413],
      "request_too_large",
    ),
    bad("a Content-Length list", head("POST /api/x HTTP/1.1", "Content-Length: 3, 3") + "abc"),
    bad(
      "Transfer-Encoding and Content-Length",
      head("POST /api/x HTTP/1.1", "Content-Length: 6", "Transfer-Encoding: chunked") + "0\r\n\r\nX",
    ),
    bad(
      "Transfer-Encoding: xchunked",
      head("POST /api/x HTTP/1.1", "Transfer-Encoding: xchunked") + "0\r\n\r\n",
    ),
    bad(
      "Transfer-Encoding: chunked, identity",
      head("POST /api/x HTTP/1.1", "Transfer-Encoding: chunked, identity") + "0\r\n\r\n",
    ),
    bad("Transfer-Encoding: identity", head("POST /api/x HTTP/1.1", "Transfer-Encoding: identity")),
    bad("a negative Content-Length", head("POST /api/x HTTP/1.1", "Content-Length: -1")),
    bad("Content-Length: +3", head("POST /api/x HTTP/1.1", "Content-Length: +3") + "abc"),
    bad(
      "a chunk size overflowing 64 bits",
      head("POST /api/x HTTP/1.1", "Transfer-Encoding: chunked") + "FFFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n",
      [0],
    ),
    ok(
      "a chunk extension",
      head("POST /api/x HTTP/1.1", "Transfer-Encoding: chunked") + "3;x=y\r\nabc\r\n0\r\n\r\n",
    ),
    bad("an obs-folded header", head("GET /api/x HTTP/1.1", "X-A: a", " folded")),
    bad("a bare CR in a header value", head("GET /api/x HTTP/1.1", "X-A: a\rb")),
    bad("a NUL in a header value", head("GET /api/x HTTP/1.1", "X-A: a\0b")),
    bad("a header name with a space", head("GET /api/x HTTP/1.1", "X A: b")),
    bad("a space before the colon", head("GET /api/x HTTP/1.1", "X-A : b")),
    ok(
      "bare LF line endings (tolerated; re-framed upstream)",
      head("GET /api/lf HTTP/1.1").replaceAll("\r\n", "\n"),
      (r) => {
        const seen = JSON.parse(new TextDecoder().decode(r.body));
        assert.equal(seen.path, "/api/lf");
      },
    ),
    {
      name: "pipelined requests: each is authenticated on its own",
      text: head("GET /api/one HTTP/1.1").replace("Connection: close\r\n", "") +
        "GET /api/admin/users HTTP/1.1\r\nHost: HOST\r\nConnection: close\r\n\r\n",
      expect: [200],
      forwarded: 1,
      check: (r) => {
        // The second answer follows the first on the connection: the unauthenticated one is a 401.
        const statuses = [...new TextDecoder("latin1").decode(r.raw).matchAll(/HTTP\/1\.1 (\d{3}) /g)];
        assert.deepEqual(statuses.map((m) => m[1]), ["200", "401"]);
      },
    },
    // Request line and target.
    // Deno answers 400 and closes while the bytes still arrive: the client may see a reset instead.
    bad("a 100 KB request line", head(`GET /api/${"a".repeat(100_000)} HTTP/1.1`), [0, 400]),
    bad(
      "a URL over limits.maxUrlLength",
      head(`GET /api/${"a".repeat(9000)} HTTP/1.1`),
      [414],
      "uri_too_long",
    ),
    bad("HTTP/2.0 in an HTTP/1 request line", head("GET /api/x HTTP/2.0")),
    bad("HTTP/1.2", head("GET /api/x HTTP/1.2")),
    bad("a method with a non-token character", head("G@T /api/x HTTP/1.1")),
    ok(
      "a lower-case method (upper-cased for the policy and the upstream)",
      head("get /api/x HTTP/1.1"),
      (r) => {
        assert.equal(JSON.parse(new TextDecoder().decode(r.body)).method, "GET");
      },
    ),
    bad("CONNECT", head("CONNECT evil.example:443 HTTP/1.1"), [405], "method_not_allowed"),
    bad("TRACE", head("TRACE /api/x HTTP/1.1"), [405], "method_not_allowed"),
    bad(
      "absolute-form for another host",
      head("GET http://evil.example/api/x HTTP/1.1"),
      [400],
      "target_invalid",
    ),
    ok("absolute-form for the Host itself", head("GET http://HOST/api/abs HTTP/1.1")),
    bad(
      "a Host with a path",
      head("GET /x HTTP/1.1").replace("Host: HOST", "Host: HOST/api"),
      [400],
      "target_invalid",
    ),
    bad(
      "a Host with userinfo",
      head("GET /api/x HTTP/1.1").replace("Host: HOST", "Host: u@HOST"),
      [400],
      "target_invalid",
    ),
    bad(
      "an empty Host",
      head("GET /api/x HTTP/1.1").replace("Host: HOST", "Host: "),
      [400],
      "target_invalid",
    ),
    bad("two Hosts", head("GET /api/x HTTP/1.1", "Host: other")),
    bad("a fragment in the target", head("GET /api/x#y HTTP/1.1"), [400], "target_invalid"),
    bad("raw TAB in the target", head("GET /api/x\t/../admin HTTP/1.1")),
    bad("an encoded slash", head("GET /api/admin%2fusers HTTP/1.1"), [400], "path_invalid"),
    bad("an encoded NUL", head("GET /api/a%00 HTTP/1.1"), [400], "path_invalid"),
    bad(
      "raw bytes that are not UTF-8 in the target",
      new Uint8Array([
        ...new TextEncoder().encode("GET /api/"),
        0xff,
        0xfe,
        ...new TextEncoder().encode(
          " HTTP/1.1\r\nHost: HOST\r\nAuthorization: Bearer KEY\r\nConnection: close\r\n\r\n",
        ),
      ]),
      [400],
    ),
    // Header sizes.
    bad("a 1 MB header", head("GET /api/x HTTP/1.1", `X-Big: ${"a".repeat(1_000_000)}`), [0, 400]),
    bad(
      "120 headers (over limits.maxHeaderCount)",
      head("GET /api/x HTTP/1.1", ...Array.from({ length: 120 }, (_, i) => `X-H${i}: v`)),
      [431],
      "headers_too_large",
    ),
    bad(
      "200 headers (over the 128 Deno's parser takes)",
      head("GET /api/x HTTP/1.1", ...Array.from({ length: 200 }, (_, i) => `X-H${i}: v`)),
    ),
    bad(
      "40 KB of headers (over limits.maxHeaderBytes)",
      head("GET /api/x HTTP/1.1", ...Array.from({ length: 20 }, (_, i) => `X-H${i}: ${"v".repeat(2048)}`)),
      [431],
      "headers_too_large",
    ),
    // Other odd but valid requests are served as plain requests.
    ok(
      "Upgrade: websocket (hop-by-hop: not forwarded)",
      head("GET /api/up HTTP/1.1", "Upgrade: websocket"),
      (r) => {
        const seen = JSON.parse(new TextDecoder().decode(r.body));
        assert.equal(seen.headers.upgrade, undefined);
      },
    ),
    ok("header values with obs-text bytes", head("GET /api/x HTTP/1.1", "X-Latin: caf\u00e9")),
    bad("OPTIONS * (the path /*, under no route here)", head("OPTIONS * HTTP/1.1"), [404], "route_not_found"),
  ];
}

Deno.test({
  name:
    "e2e hostile input: refused or handled safely, never forwarded when refused, and the gateway keeps serving",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    let key = "";
    await withGateway("gw-hostile-", (upstream) => ({
      policy: { bundle: `${ROOT}policies`, watch: false, pollSeconds: 0 },
      upstream: { connectTimeoutMs: 1000, timeoutMs: DEADLINE_MS },
      routes: [{ id: "api", prefix: "/api", upstream: upstream.url }],
    }), async ({ gw, upstream }) => {
      const host = `127.0.0.1:${gw.port}`;
      const fill = (text: string | Uint8Array) => {
        if (typeof text !== "string") {
          const s = new TextDecoder("latin1").decode(text).replaceAll("HOST", host).replaceAll("KEY", key);
          return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
        }
        return text.replaceAll("HOST", host).replaceAll("KEY", key);
      };
      const upstreamCount = async () =>
        (await (await fetch(`${upstream.url}/__stats`)).json()).count as number;
      const probe = async () => {
        const res = await fetch(`${gw.url}/api/probe`, { headers: { authorization: `Bearer ${key}` } });
        await res.body?.cancel();
        return res.status;
      };

      for (const c of cases()) {
        await t.step(c.name, async () => {
          const before = await upstreamCount();
          const res = await rawRequest(gw.port, fill(c.text), { timeoutMs: DEADLINE_MS + 1000 });
          assert.ok(c.expect.includes(res.status), `${c.name}: got ${res.status}, expected ${c.expect}`);
          if (res.status === 0) assert.ok(res.closedByServer, "closed by the gateway, not left hanging");
          if (c.reason !== undefined) {
            assert.equal(JSON.parse(new TextDecoder().decode(res.body)).reason, c.reason);
          }
          c.check?.(res);
          assert.equal(await upstreamCount() - before, c.forwarded, "requests forwarded");
          assert.equal(await probe(), 200, "still serving");
        });
      }

      await t.step("a body that stalls mid-way is cut at the deadline", async () => {
        const res = await rawRequest(
          gw.port,
          fill(head("POST /api/stream/x HTTP/1.1", "Content-Length: 100000") + "only a little"),
          { timeoutMs: DEADLINE_MS + 3000 },
        );
        assert.ok(res.closedByServer, "the gateway ended the exchange");
        assert.ok(res.ms < DEADLINE_MS + 1500, `ended after ${Math.round(res.ms)} ms`);
        assert.ok(res.status === 0 || !res.complete || res.status >= 500, `status ${res.status}`);
        assert.equal(await probe(), 200);
      });

      await t.step(
        "slow headers: 200 connections that never finish their headers hold nothing else up",
        async () => {
          // Deno.serve has no header-read timeout (README, "What the gateway normalises and refuses"):
          // such connections stay open, each costing a file descriptor and ~17 KB; others are served.
          const conns: Deno.Conn[] = [];
          try {
            for (let i = 0; i < 200; i++) {
              const conn = await Deno.connect({ hostname: "127.0.0.1", port: gw.port });
              await conn.write(
                new TextEncoder().encode(`GET /api/slow HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `),
              );
              conns.push(conn);
            }
            const started = performance.now();
            for (let i = 0; i < 5; i++) assert.equal(await probe(), 200);
            assert.ok(performance.now() - started < 2000, "served promptly meanwhile");
          } finally {
            for (const c of conns) c.close();
          }
          assert.equal(await probe(), 200);
        },
      );

      await t.step(
        "HTTP/2 (h2c, which Deno.serve speaks on the plain port) gets the same canonical target",
        async () => {
          const before = await upstreamCount();
          const client = http2.connect(gw.url);
          const h2 = (headers: Record<string, string>) =>
            new Promise<{ status: number; body: string }>((resolve, reject) => {
              const req = client.request({ ":method": "GET", authorization: `Bearer ${key}`, ...headers });
              let status = 0, body = "";
              req.on("response", (h) => status = Number(h[":status"]));
              req.on("data", (d) => body += d);
              req.on("end", () => resolve({ status, body }));
              req.on("error", reject);
              req.end();
            });
          try {
            const reason = async (headers: Record<string, string>, status: number) => {
              const res = await h2(headers);
              assert.equal(res.status, status, JSON.stringify(headers));
              return JSON.parse(res.body).reason;
            };
            assert.equal(await reason({ ":path": "/api/a\\b" }, 400), "path_invalid");
            assert.equal(await reason({ ":path": "/api/a%2fb" }, 400), "path_invalid");
            assert.equal(await reason({ ":path": "/api/x", host: "evil/x" }, 400), "target_invalid");
            assert.equal(await reason({ ":path": "/api/x", ":authority": "u@h" }, 400), "target_invalid");
            assert.equal(await reason({ ":path": "/healthz/x" }, 404), "route_not_found");
            assert.equal(await upstreamCount(), before);
            const ok = await h2({ ":path": "/api/x/../y/%2e/z" });
            assert.equal(ok.status, 200);
            assert.equal(JSON.parse(ok.body).path, "/api/y/z");
          } finally {
            client.close();
          }
        },
      );

      await t.step("the gateway process is still alive and logged no key", async () => {
        const status = await Promise.race([
          gw.proc.child.status,
          new Promise((r) => setTimeout(r, 50, null)),
        ]);
        assert.equal(status, null);
        const text = gw.proc.stdoutLines().join("\n") + gw.proc.stderr();
        assert.equal(text.includes(key), false);
      });
    }, {
      before: async (dir) => {
        key = await addKey(`${dir}/keys.db`, "hostile-svc", ["api:*"]);
      },
    });
  },
});
