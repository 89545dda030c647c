import assert from "node:assert/strict";
import { RouteTable } from "./table.ts";

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
