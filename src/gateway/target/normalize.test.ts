import assert from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { rawPath as rawPathOf } from "../testing/paths.ts";
import { normalizePath, PathRefusal } from "./normalize.ts";

function canonical(raw: string): string {
  const p = normalizePath(raw);
  assert.equal(typeof p, "string", `${JSON.stringify(raw)} was refused: ${(p as PathRefusal).problem}`);
  return p as string;
}

function refused(raw: string): string {
  const p = normalizePath(raw);
  assert.ok(p instanceof PathRefusal, `${JSON.stringify(raw)} was accepted as ${JSON.stringify(p)}`);
  return p.problem;
}

Deno.test("normalizePath: ordinary paths come back as they are (the same string)", () => {
  for (
    const p of ["/", "/orders", "/orders/42", "/api/v1.0/x", "/a/b/", "/a:b@c!$&'()*+,=", "/~user/x-y_z"]
  ) {
    assert.equal(normalizePath(p), p);
  }
});

Deno.test("normalizePath: dot segments, escaped or not, are removed; .. stops at the root", () => {
  const cases: [string, string][] = [
    ["/api/x/../admin/users", "/api/admin/users"],
    ["/api/x/%2e%2e/admin/users", "/api/admin/users"],
    ["/api/x/%2E%2e/admin", "/api/admin"],
    ["/api/x/.%2e/admin", "/api/admin"],
    ["/api/./x", "/api/x"],
    ["/api/%2e/x", "/api/x"],
    ["/a/b/..", "/a/"],
    ["/a/.", "/a/"],
    ["/a/..", "/"],
    ["/../../etc/passwd", "/etc/passwd"],
    ["/.well-known/jwks.json", "/.well-known/jwks.json"],
    ["/a/...", "/a/..."],
    ["/a/..b/c", "/a/..b/c"],
  ];
  for (const [raw, want] of cases) assert.equal(canonical(raw), want, raw);
});

Deno.test("normalizePath: slashes merge after dot segments are resolved, as RFC 3986 and WHATWG do", () => {
  assert.equal(canonical("//a///b"), "/a/b");
  assert.equal(canonical("/a//"), "/a/");
  assert.equal(canonical("//"), "/");
  assert.equal(canonical("/a//../b"), "/a/b");
  assert.equal(new URL("http://h/a//../b").pathname, "/a/b"); // WHATWG agrees
});

Deno.test("normalizePath: unreserved escapes decoded, others kept upper-cased, raw specials encoded", () => {
  assert.equal(canonical("/%41%62%7e%2D%5f"), "/Ab~-_");
  assert.equal(canonical("/caf%c3%a9"), "/caf%C3%A9");
  assert.equal(canonical("/a%20b%3f%23%25"), "/a%20b%3F%23%25");
  assert.equal(canonical("/a%3Db%3a"), "/a%3Db%3A"); // an escaped reserved character stays escaped
  assert.equal(canonical('/{x}|^`"<>[]'), "/%7Bx%7D%7C%5E%60%22%3C%3E%5B%5D");
});

Deno.test("normalizePath: refusals", () => {
  const cases: [string, RegExp][] = [
    ["/api%2fadmin", /encoded slash/],
    ["/api%2Fadmin", /encoded slash/],
    ["/api\\admin", /backslash/],
    ["/api%5cadmin", /backslash/],
    ["/api%5Cadmin", /backslash/],
    ["/a%00b", /control/],
    ["/a%09b", /control/],
    ["/a%0d%0ab", /control/],
    ["/a%7fb", /control/],
    ["/a\tb", /control/],
    ["/a\rb", /control/],
    ["/a\nb", /control/],
    ["/a\u0000b", /control/],
    ["/a\u007fb", /control/],
    ["/a b", /space/],
    ["/café", /non-ASCII/],
    ["/a\u2028b", /non-ASCII/],
    ["/a%", /malformed/],
    ["/a%4", /malformed/],
    ["/a%zz", /malformed/],
    ["/api/..;/admin", /path parameter/],
    ["/api/.;x/admin", /path parameter/],
    ["/api/%2e%2e;/admin", /path parameter/],
    ["/api/admin;x=1/users", /path parameter/],
    ["/api/admin%3bx/users", /path parameter/],
    ["/api/admin%3B", /path parameter/],
    ["api", /start with/],
    ["", /start with/],
  ];
  for (const [raw, why] of cases) assert.match(refused(raw), why, JSON.stringify(raw));
});

const rawPath = rawPathOf();

/** An independent model of the canonical path: the WHATWG parser's dot handling, then our escapes. */
function model(raw: string): string {
  const whatwg = new URL("http://h" + raw).pathname;
  const escaped = whatwg
    .replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => {
      const c = parseInt(h, 16);
      return /[A-Za-z0-9\-._~]/.test(String.fromCharCode(c)) ? String.fromCharCode(c) : "%" + h.toUpperCase();
    })
    .replace(/[|^[\]]/g, (ch) => "%" + ch.charCodeAt(0).toString(16).toUpperCase());
  const segments = escaped.split("/").slice(1);
  const trailing = segments.at(-1) === "";
  const kept = segments.filter((s) => s !== "");
  return kept.length === 0 ? "/" : "/" + kept.join("/") + (trailing ? "/" : "");
}

Deno.test("property: every accepted path is a fixed point that URL parsers keep, and agrees with WHATWG", () => {
  fc.assert(
    fc.property(rawPath, (raw) => {
      const p = normalizePath(raw);
      if (p instanceof PathRefusal) return;
      assert.equal(normalizePath(p), p, "fixed point");
      assert.equal(new URL("http://h" + p).pathname, p, "WHATWG keeps it");
      assert.equal(URL.parse("http://h/base" + p)!.pathname, "/base" + p, "under a base path too");
      // Deno's URL parser keeps a Windows drive letter ("c:", "a|") from being popped by ".." even
      // for http URLs ("/c:/.." → "/c:/"; the WHATWG spec and Node give "/"): no model there.
      if (!/\/[A-Za-z][:|](\/|$)/.test(raw)) assert.equal(p, model(raw), "same as the WHATWG model");
      // deno-lint-ignore no-control-regex -- looking for control characters is the point
      assert.ok(!/%2F|%5C|\\|[\u0000-\u001f\u007f]|%[01][0-9A-F]|%7F|\/\.\.?(\/|$)|\/\//i.test(p), p);
    }),
    { numRuns: 3000 },
  );
});

Deno.test("property: a path is refused exactly when it holds something refused", () => {
  fc.assert(
    fc.property(rawPath, (raw) => {
      const p = normalizePath(raw);
      // deno-lint-ignore no-control-regex -- looking for control characters is the point
      const hostile = /%2f|%5c|\\|[\u0000-\u001f\u007f]|%[01][0-9a-f]|%7f|[^\u0000-\u007f]|%(?![0-9a-f]{2})/i
        .test(raw);
      const params = /;|%3b/i.test(raw);
      assert.equal(p instanceof PathRefusal, hostile || params, `${JSON.stringify(raw)} → ${String(p)}`);
    }),
    { numRuns: 3000 },
  );
});

Deno.test("the generator covers both outcomes", () => {
  const sample = fc.sample(rawPath, { numRuns: 2000, seed: 1 });
  const accepted = sample.filter((p) => typeof normalizePath(p) === "string").length;
  assert.ok(accepted > 400 && accepted < 1600, `accepted ${accepted} of 2000`);
});
