import assert from "node:assert/strict";
import { call } from "./test_support.ts";

// Expected values are OPA's (uri.parse wraps Go's net/url.Parse).
const CASES: [string, Record<string, string> | undefined][] = [
  ["http://h", { hostname: "h", scheme: "http" }],
  ["HTTP://H", { hostname: "H", scheme: "http" }],
  ["1abc://h", undefined],
  ["://h", undefined],
  ["foo:bar", { scheme: "foo" }],
  ["http://h:8080", { hostname: "h", port: "8080", scheme: "http" }],
  ["http://h:abc", undefined],
  ["http://h:80:90", { hostname: "h:80", port: "90", scheme: "http" }],
  ["http://u:p@h:1/x", { hostname: "h", path: "/x", port: "1", raw_path: "/x", scheme: "http" }],
  ["http:///p", { path: "/p", raw_path: "/p", scheme: "http" }],
  ["//h/p", { hostname: "h", path: "/p", raw_path: "/p" }],
  ["http://[::1]:80", { hostname: "::1", port: "80", scheme: "http" }],
  ["http://[fe80::1%25en0]", { hostname: "fe80::1%en0", scheme: "http" }],
  ["http://[fe80::1%25]", undefined],
  ["http://[%FF::1]/", undefined],
  ["http://[::1", undefined],
  ["http://h/a%20b", { hostname: "h", path: "/a b", raw_path: "/a b", scheme: "http" }],
  ["http://h/%2e%2e", { hostname: "h", path: "/..", raw_path: "/%2e%2e", scheme: "http" }],
  ["http://h/%2Fx", { hostname: "h", path: "//x", raw_path: "/%2Fx", scheme: "http" }],
  ["http://h/caf%C3%A9", { hostname: "h", path: "/café", raw_path: "/café", scheme: "http" }],
  ["http://h/bad%2", undefined],
  ["http://h/%41", { hostname: "h", path: "/A", raw_path: "/%41", scheme: "http" }],
  ["rel/path", { path: "rel/path", raw_path: "rel/path" }],
  ["http://h?", { hostname: "h", scheme: "http" }],
  ["http://h/p#f?q", { fragment: "f?q", hostname: "h", path: "/p", raw_path: "/p", scheme: "http" }],
  ["http://h/p?%20=%26#%2e", {
    fragment: ".",
    hostname: "h",
    path: "/p",
    raw_path: "/p",
    raw_query: "%20=%26",
    scheme: "http",
  }],
  ["opaque:x?q#f", { fragment: "f", raw_query: "q", scheme: "opaque" }],
  ["file:/etc/hosts", { path: "/etc/hosts", raw_path: "/etc/hosts", scheme: "file" }],
  ["cache_object:foo/bar", undefined],
  ["", {}],
  ["*", { path: "*", raw_path: "*" }],
  ["ht tp://h", undefined],
  ["http://h\n", undefined],
];

Deno.test("uri.parse and uri.is_valid as OPA (Go's net/url.Parse)", () => {
  for (const [uri, want] of CASES) {
    assert.deepEqual(call("uri.parse", uri), want, uri);
    assert.equal(call("uri.is_valid", uri), want !== undefined && uri !== "", uri);
  }
  assert.equal(call("uri.is_valid", 42), false);
});
