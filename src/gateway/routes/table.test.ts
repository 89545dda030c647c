import assert from "node:assert/strict";
import { RESERVED_PATHS, reservedPathOf } from "./reserved.ts";
import { routeProblems, RouteTable } from "./table.ts";

const table = new RouteTable([
  { id: "root", prefix: "/", upstream: "http://root.internal" },
  { id: "api", prefix: "/api", upstream: "http://api.internal/base/" },
  { id: "api-v2", prefix: "/api/v2/", upstream: "http://v2.internal", stripPrefix: true },
  { id: "api-admin-host", prefix: "/api", hosts: ["admin.example.com"], upstream: "http://admin.internal" },
  { id: "wild", prefix: "/w", hosts: ["*.example.com"], upstream: "http://wild.internal" },
  { id: "writes", prefix: "/orders", methods: ["post", "PUT"], upstream: "http://writes.internal" },
  { id: "reads", prefix: "/orders", upstream: "http://reads.internal" },
]);

function id(method: string, host: string, path: string): string | undefined {
  return table.match(method, host, path)?.id;
}

Deno.test("longest prefix wins, on segment boundaries", () => {
  assert.equal(id("GET", "x", "/api"), "api");
  assert.equal(id("GET", "x", "/api/orders"), "api");
  assert.equal(id("GET", "x", "/apix"), "root");
  assert.equal(id("GET", "x", "/api/v2"), "api-v2");
  assert.equal(id("GET", "x", "/api/v2/items"), "api-v2");
  assert.equal(id("GET", "x", "/api/v20"), "api");
});

Deno.test("host-specific routes win over host-less ones of the same prefix; ports are ignored", () => {
  assert.equal(id("GET", "admin.example.com:8080", "/api/x"), "api-admin-host");
  assert.equal(id("GET", "ADMIN.example.com", "/api/x"), "api-admin-host");
  assert.equal(id("GET", "other.example.com", "/api/x"), "api");
});

Deno.test("wildcard hosts match subdomains only", () => {
  assert.equal(id("GET", "a.example.com", "/w"), "wild");
  assert.equal(id("GET", "example.com", "/w"), "root");
  assert.equal(id("GET", "evilexample.com", "/w"), "root");
});

Deno.test("method-restricted routes match only their methods", () => {
  assert.equal(id("POST", "x", "/orders"), "writes");
  assert.equal(id("PUT", "x", "/orders/1"), "writes");
  assert.equal(id("GET", "x", "/orders/1"), "reads");
});

Deno.test("no route → null", () => {
  const t = new RouteTable([{ id: "a", prefix: "/a", upstream: "http://a" }]);
  assert.equal(t.match("GET", "x", "/b"), null);
});

Deno.test("target joins the upstream base path, the (stripped) path and the query", () => {
  const api = table.routes.find((r) => r.id === "api")!;
  assert.equal(RouteTable.target(api, "/api/orders", "?a=1"), "http://api.internal/base/api/orders?a=1");
  const v2 = table.routes.find((r) => r.id === "api-v2")!;
  assert.equal(v2.prefix, "/api/v2");
  assert.equal(RouteTable.target(v2, "/api/v2/items", ""), "http://v2.internal/items");
  assert.equal(RouteTable.target(v2, "/api/v2", ""), "http://v2.internal/");
  const root = table.routes.find((r) => r.id === "root")!;
  assert.equal(RouteTable.target(root, "/x/y", "?q"), "http://root.internal/x/y?q");
});

Deno.test("audience defaults to the upstream origin", () => {
  const api = table.routes.find((r) => r.id === "api")!;
  assert.equal(api.audience, "http://api.internal");
  const t = new RouteTable([{ id: "a", prefix: "/", upstream: "http://a:1/x", audience: "orders" }]);
  assert.equal(t.routes[0].audience, "orders");
});

Deno.test("upstreamUrl: the canonical path under the base path; null when a parser would read another", () => {
  const t = new RouteTable([
    { id: "s", prefix: "/s", upstream: "http://up.internal/base", stripPrefix: true },
    { id: "r", prefix: "/", upstream: "http://up.internal" },
  ]);
  const [s, r] = [t.routes.find((x) => x.id === "s")!, t.routes.find((x) => x.id === "r")!];
  assert.equal(RouteTable.upstreamUrl(s, "/s/x", "?a=1"), "http://up.internal/base/x?a=1");
  assert.equal(RouteTable.upstreamUrl(s, "/s", ""), "http://up.internal/base/");
  assert.equal(RouteTable.upstreamUrl(r, "/a/b", ""), "http://up.internal/a/b");
  // Not canonical: the URL parser would resolve or rewrite these, so nothing is forwarded.
  for (const path of ["/s/../admin", "/s/%2e%2e/admin", "/s/a\\b", "/s/a\tb", "/s/{x}"]) {
    assert.equal(RouteTable.upstreamUrl(s, path, ""), null, path);
  }
});

Deno.test("routeProblems: reserved and non-canonical prefixes, odd upstream URLs", () => {
  assert.deepEqual(routeProblems([{ id: "a", prefix: "/api", upstream: "http://x/base" }]), []);
  assert.deepEqual(routeProblems([{ id: "a", prefix: "/", upstream: "http://x" }]), []);
  assert.deepEqual(routeProblems([{ id: "a", prefix: "/.well-known", upstream: "http://x" }]), []);
  const problems = routeProblems([
    { id: "a", prefix: "/admin", upstream: "http://x" },
    { id: "b", prefix: "/metrics/x", upstream: "http://x" },
    { id: "c", prefix: "/healthz/", upstream: "http://x" },
    { id: "d", prefix: "/api/../x", upstream: "http://x" },
    { id: "e", prefix: "/a%2fb", upstream: "http://x" },
    { id: "f", prefix: "/ok", upstream: "http://u:p@x/" },
    { id: "g", prefix: "/ok2", upstream: "http://x/b?q=1" },
    { id: "h", prefix: "/.well-known/jwks.json", upstream: "http://x" },
  ]);
  assert.deepEqual(problems.map((p) => p.split(":")[0]), [
    "routes.0.prefix",
    "routes.1.prefix",
    "routes.2.prefix",
    "routes.3.prefix",
    "routes.4.prefix",
    "routes.5.upstream",
    "routes.6.upstream",
    "routes.7.prefix",
  ]);
  assert.match(problems[0], /under \/admin, which the gateway serves itself/);
  assert.match(problems[3], /canonical form is "\/x"/);
  for (const p of problems) assert.ok(!p.includes("\n"), "one line each");
});

Deno.test("reservedPathOf: the gateway's own paths and everything under them, on segment boundaries", () => {
  for (const r of RESERVED_PATHS) {
    assert.equal(reservedPathOf(r), r);
    assert.equal(reservedPathOf(r + "/x"), r);
    assert.equal(reservedPathOf(r + "x"), null);
  }
  for (const p of ["/", "/api", "/a", "/healthy", "/.well-known", "/.well-known/other", "/Admin"]) {
    assert.equal(reservedPathOf(p), null, p);
  }
});
