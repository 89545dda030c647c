/**
 * End to end, the request edge (issue 7: the gateway decides on exactly what it forwards). The
 * gateway (src/main.ts, the default policy) and a real upstream run as processes; requests the
 * way `fetch` would not send them go over raw TCP (raw_http.ts), so the gateway really receives
 * `/api/x/../admin`, `%2e%2e`, `\`, TAB and the like.
 *
 * Routes: `api` (/api) and `adminapi` (/api/admin) to the upstream, `s` (/s, stripped) to the
 * upstream's /base, `gz` and `stall` for answers. The key has `api:*`, `s:*`, `gz:*`, `stall:*`,
 * never `adminapi:*`.
 */
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import fc from "npm:fast-check@^4";
import { rawPath } from "../../src/gateway/testing/paths.ts";
import { LARGE_TEXT, SMALL_TEXT } from "./fixtures/texts.ts";
import { addKey, gatewayRefusing, ROOT, withGateway } from "./harness.ts";
import { rawRequest, type RawResponse, requestText } from "./raw_http.ts";

const STALL_DEADLINE_MS = 1500;

Deno.test({
  name: "e2e edge: one canonical target, proxy semantics, the operations listener",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    let key = "";
    await withGateway("gw-edge-", (upstream) => ({
      policy: { bundle: `${ROOT}policies`, watch: false, pollSeconds: 0 },
      upstream: { connectTimeoutMs: 1000, timeoutMs: STALL_DEADLINE_MS, stripQueryParams: ["sig"] },
      routes: [
        { id: "api", prefix: "/api", upstream: upstream.url },
        { id: "adminapi", prefix: "/api/admin", upstream: upstream.url },
        { id: "s", prefix: "/s", upstream: `${upstream.url}/base`, stripPrefix: true },
        { id: "gz", prefix: "/gz", upstream: upstream.url },
        { id: "stall", prefix: "/stall", upstream: upstream.url },
      ],
    }), async ({ gw, upstream }) => {
      const port = gw.port;
      const host = `127.0.0.1:${port}`;
      const send = (target: string, headers: [string, string][] = [], method = "GET") =>
        rawRequest(
          port,
          requestText(`${method} ${target} HTTP/1.1`, [
            ["Host", host],
            ["Authorization", `Bearer ${key}`],
            ["Connection", "close"],
            ...headers,
          ]),
        );
      const json = (r: RawResponse) => JSON.parse(new TextDecoder().decode(r.body));
      const upstreamCount = async () =>
        (await (await fetch(`${upstream.url}/__stats`)).json()).count as number;

      await t.step("the api/adminapi bypass is denied or refused, never forwarded", async () => {
        const before = await upstreamCount();
        const cases: [string, number, string][] = [
          ["/api/admin/users", 403, "scope_missing"],
          ["/api/x/../admin/users", 403, "scope_missing"],
          ["/api/x/%2e%2e/admin/users", 403, "scope_missing"],
          ["/api/x/.%2E/admin/users", 403, "scope_missing"],
          ["/api//admin/users", 403, "scope_missing"],
          ["/api/%61dmin/users", 403, "scope_missing"],
          ["/api/x\\..\\admin/users", 400, "path_invalid"],
          ["/api/admin%2fusers", 400, "path_invalid"],
          ["/api/x/..%5cadmin/users", 400, "path_invalid"],
          ["/api/admin;x=1/users", 400, "path_invalid"],
          ["/api/x/..;/admin/users", 400, "path_invalid"],
          ["/api/x%09/../admin", 400, "path_invalid"],
          ["/api/x%00/../admin", 400, "path_invalid"],
          ["/s/../admin", 404, "route_not_found"],
          ["/s/%2e%2e/api/admin/users", 403, "scope_missing"],
          ["http://evil.example/api/admin/users", 400, "target_invalid"],
          ["/api/x#frag", 400, "target_invalid"],
        ];
        for (const [target, status, reason] of cases) {
          const res = await send(target);
          assert.equal(res.status, status, target);
          assert.equal(json(res).reason, reason, target);
        }
        // Raw TAB, CR and LF in the request line: Deno's server refuses them before the gateway.
        for (const target of ["/api/x\t/../admin", "/api/x\r/../admin"]) {
          assert.equal((await send(target)).status, 400, JSON.stringify(target));
        }
        assert.equal(await upstreamCount(), before, "nothing reached the upstream");
        // And the same key does reach /api: the routes work.
        const ok = await send("/api/x/./y");
        assert.equal(ok.status, 200);
        assert.equal(json(ok).path, "/api/x/y");
      });

      await t.step(
        "property: every request is refused, or reaches the upstream with the decided path",
        async () => {
          const answered: { rid: string; upstreamPath: string }[] = [];
          const before = await upstreamCount();
          const prefixes = fc.constantFrom("/api", "/api/admin", "/api/x", "/s", "/s/x", "", "/API");
          await fc.assert(
            fc.asyncProperty(
              rawPath(prefixes),
              fc.constantFrom("GET", "get", "DELETE"),
              async (path, method) => {
                const res = await send(path, [], method);
                if (res.status === 200) {
                  const seen = json(res);
                  assert.equal(seen.method, method.toUpperCase());
                  answered.push({ rid: res.headers["x-request-id"], upstreamPath: seen.path });
                  assert.equal(seen.headers["x-request-id"], res.headers["x-request-id"]);
                } else {
                  assert.ok([400, 403, 404].includes(res.status), `${JSON.stringify(path)} → ${res.status}`);
                }
              },
            ),
            { numRuns: 250 },
          );
          assert.equal(await upstreamCount() - before, answered.length, "only 200s reached the upstream");
          assert.ok(answered.length > 20, `enough forwarded requests (${answered.length} of 250)`);

          // The decision log says which route and path were decided on, per request id.
          const lines = await logLines(gw.proc.stdoutLines, answered.map((a) => a.rid));
          for (const { rid, upstreamPath } of answered) {
            const line = lines.get(rid)!;
            assert.notEqual(line.route, "adminapi", "the key has no adminapi scope");
            const expected = line.route === "s"
              ? "/base" + (line.path === "/s" ? "/" : line.path.slice(2))
              : line.path;
            assert.equal(upstreamPath, expected, `${rid}: upstream got what was decided`);
            // Independently of our normaliser: a lenient upstream (WHATWG parse, every escape
            // decoded, path parameters stripped, dot segments resolved) sees the same place.
            const view = lenientView(upstreamPath);
            assert.equal(new URL("http://u" + upstreamPath).pathname, upstreamPath);
            if (line.route === "api") {
              assert.ok(!underPrefix(view, "/api/admin"), `${upstreamPath} → ${view}`);
            }
            if (line.route === "s") {
              assert.ok(underPrefix(view, "/base"), `${upstreamPath} → ${view}`);
            }
          }
        },
      );

      await t.step("gzip answers arrive intact, with and without Accept-Encoding", async () => {
        for (const [path, text] of [["/gz/gzip/small", SMALL_TEXT], ["/gz/gzip/large", LARGE_TEXT]]) {
          for (const always of [false, true]) {
            const target = always ? path.replace("/gzip/", "/gzip-always/") : path;
            for (const accept of [null, "gzip, deflate, br"]) {
              const res = await send(target, accept === null ? [] : [["Accept-Encoding", accept]]);
              assert.equal(res.status, 200);
              assert.ok(res.complete, `${target} ${accept}: complete`);
              const length = res.headers["content-length"];
              if (length !== undefined) assert.equal(Number(length), res.body.length, `${target}: length`);
              const gzipped = res.headers["content-encoding"] === "gzip";
              assert.equal(gzipped, always, `${target} ${accept}: upstreams honouring identity send plain`);
              const body = gzipped ? gunzipSync(res.body) : res.body;
              assert.equal(new TextDecoder().decode(body), text, `${target} ${accept}: body`);
            }
          }
        }
      });

      await t.step(
        "policy headers survive Connection; forwarding headers and query keys do not reach the upstream",
        async () => {
          const res = await send("/api/echo?a=1&api_key=s3cret&sig=abc&k=" + key + "&b=2", [
            ["Connection", "close, x-gateway-org, x-request-id"],
            ["X-Gateway-Org", "forged"],
            ["X-Forwarded-For", "6.6.6.6"],
            ["X-Forwarded-Host", "evil"],
            ["X-Forwarded-Port", "1"],
            ["X-Forwarded-Prefix", "/admin"],
            ["Forwarded", "for=6.6.6.6"],
            ["X-Real-IP", "6.6.6.6"],
            ["True-Client-IP", "6.6.6.6"],
            ["X-Original-URL", "/api/admin/users"],
            ["X-Rewrite-URL", "/api/admin/users"],
            ["X-HTTP-Method-Override", "DELETE"],
            ["X-Request-Id", "caller-chosen-id"],
          ]);
          assert.equal(res.status, 200);
          const seen = json(res);
          assert.equal(
            seen.headers["x-gateway-org"],
            "acme",
            "the policy's header, whatever Connection says",
          );
          assert.equal(seen.query, "?a=1&b=2");
          assert.equal(seen.headers["x-forwarded-for"], "127.0.0.1");
          assert.equal(seen.headers["x-forwarded-host"], host);
          for (
            const name of [
              "x-forwarded-port",
              "x-forwarded-prefix",
              "forwarded",
              "x-real-ip",
              "true-client-ip",
              "x-original-url",
              "x-rewrite-url",
              "x-http-method-override",
            ]
          ) assert.equal(seen.headers[name], undefined, name);
          assert.notEqual(res.headers["x-request-id"], "caller-chosen-id", "a caller's id is not trusted");
          assert.equal(seen.headers["x-request-id"], res.headers["x-request-id"]);
        },
      );

      await t.step(
        "a stalled upstream body is cut at the deadline; the log says upstream_timeout",
        async () => {
          const res = await rawRequest(
            port,
            requestText("GET /stall/x HTTP/1.1", [["Host", host], ["Authorization", `Bearer ${key}`]]),
            { timeoutMs: STALL_DEADLINE_MS + 3000 },
          );
          assert.equal(res.status, 200);
          assert.equal(new TextDecoder().decode(res.body), "partial");
          assert.equal(res.complete, false, "the chunked answer never terminated");
          assert.ok(res.closedByServer, "the gateway ended the connection");
          assert.ok(res.ms < STALL_DEADLINE_MS + 1500, `cut after ${Math.round(res.ms)} ms`);
          const rid = res.headers["x-request-id"];
          const line = (await logLines(gw.proc.stdoutLines, [rid])).get(rid)!;
          assert.equal(line.reason, "upstream_timeout");
          assert.equal(line.decision, "error");
        },
      );

      await t.step("operations on their own listener; the main one serves none of them", async () => {
        for (const path of ["/healthz", "/readyz", "/metrics", "/admin/keys"]) {
          const res = await fetch(gw.url + path);
          assert.equal(res.status, 404, path);
          await res.body?.cancel();
        }
        assert.equal((await fetch(gw.url + "/.well-known/jwks.json")).status, 200);
        const ready = await fetch(gw.opsUrl + "/readyz");
        assert.equal(ready.status, 200);
        await ready.body?.cancel();
        assert.match(await (await fetch(gw.opsUrl + "/metrics")).text(), /gateway_requests_total/);
      });

      await t.step("no key, query secret or token in any log line", () => {
        const text = gw.proc.stdoutLines().join("\n") + gw.proc.stderr();
        for (const secret of [key, "s3cret", "sig=abc"]) assert.equal(text.includes(secret), false, secret);
      });
    }, {
      admin: true,
      before: async (dir) => {
        key = await addKey(`${dir}/keys.db`, "edge-svc", ["api:*", "s:*", "gz:*", "stall:*"]);
      },
    });
  },
});

Deno.test({
  name: "e2e edge: routes under reserved paths are refused at start, one line each",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "gw-reserved-" });
    try {
      const prefixes = ["/admin/tools", "/metrics", "/healthz/x", "/.well-known/jwks.json"];
      const { code, stderr } = await gatewayRefusing(dir, {
        routes: prefixes.map((prefix, i) => ({ id: `r${i}`, prefix, upstream: "http://127.0.0.1:9000" })),
      });
      assert.equal(code, 2, stderr);
      prefixes.forEach((prefix, i) => {
        const problem = stderr.split("\n").filter((l) => l.includes(`routes.${i}.prefix`));
        assert.equal(problem.length, 1, stderr);
        assert.ok(
          problem[0].includes(prefix) && problem[0].includes("which the gateway serves itself"),
          problem[0],
        );
      });
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});

/** The decision-log lines of these request ids, waiting (bounded) for the buffered log to flush. */
async function logLines(lines: () => string[], ids: string[]): Promise<Map<string, any>> {
  const deadline = Date.now() + 5000;
  while (true) {
    const byId = new Map<string, any>();
    for (const l of lines()) {
      const parsed = JSON.parse(l);
      byId.set(parsed.request_id, parsed);
    }
    if (ids.every((id) => byId.has(id)) || Date.now() > deadline) return byId;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** What a lenient upstream makes of a path: every escape decoded, `;` parameters stripped, dots resolved. */
function lenientView(path: string): string {
  const decoded = new URL("http://u" + path).pathname.replace(
    /%([0-9A-Fa-f]{2})/g,
    (_, h) => String.fromCharCode(parseInt(h, 16)),
  );
  const out: string[] = [];
  for (const raw of decoded.split("/").slice(1)) {
    const seg = raw.split(";")[0];
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return "/" + out.join("/");
}

function underPrefix(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix + "/");
}
