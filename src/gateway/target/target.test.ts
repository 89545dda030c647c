import assert from "node:assert/strict";
import { generateRawKey } from "../../keys/format.ts";
import { rawRequest } from "../testing/harness.ts";
import { DEFAULT_CREDENTIAL_PARAMS } from "./query.ts";
import {
  honoGetPath,
  isHostPort,
  parseTarget,
  REFUSED_PATH,
  type RequestTarget,
  TargetRefusal,
} from "./target.ts";

const OPTS = { scheme: "http" as const, credentialParams: new Set(DEFAULT_CREDENTIAL_PARAMS) };

/** A request as Deno's server hands it over: url = "http://" + authority + raw target. */
function req(url: string, init: { method?: string; host?: string | null } = {}): Request {
  const host = init.host === undefined ? url.slice(7, url.indexOf("/", 7)) : init.host;
  return rawRequest(url, { method: init.method ?? "GET", headers: host === null ? {} : { host } });
}

function ok(r: Request): RequestTarget {
  const t = parseTarget(r, OPTS);
  if (t instanceof TargetRefusal) throw new Error(`refused: ${t.reason} ${t.detail}`);
  return t;
}

function refusal(r: Request): TargetRefusal {
  const t = parseTarget(r, OPTS);
  assert.ok(t instanceof TargetRefusal, `accepted: ${JSON.stringify(t)}`);
  return t;
}

Deno.test("target: canonical path, query kept, host lower-cased, method upper-cased", () => {
  const t = ok(req("http://API.Example.com:8080/api/x/../admin/users?a=1&b=2", { method: "delete" }));
  assert.deepEqual(t, {
    method: "DELETE",
    host: "api.example.com:8080",
    path: "/api/admin/users",
    search: "?a=1&b=2",
  });
  assert.equal(ok(req("http://h/x?")).search, "");
  assert.equal(ok(req("http://h/x")).search, "");
  assert.equal(ok(req("http://h/x", { method: "patch" })).method, "PATCH");
});

Deno.test("target: credential parameters leave the query", () => {
  const key = generateRawKey("test");
  assert.equal(ok(req(`http://h/x?api_key=1&q=${key}&keep=1`)).search, "?keep=1");
});

Deno.test("target: the path is refused as path_invalid", () => {
  for (const url of ["http://h/a%2fb", "http://h/a\\b", "http://h/a%00", "http://h/caf\u00e9"]) {
    assert.equal(refusal(req(url, { host: "h" })).reason, "path_invalid", url);
  }
});

Deno.test("target: a target that is not origin-form for this Host is refused as target_invalid", () => {
  // Absolute-form naming another host than Host.
  assert.equal(refusal(req("http://evil.example/a", { host: "api.example" })).reason, "target_invalid");
  // Userinfo in an absolute-form target.
  assert.equal(refusal(req("http://u:p@api/a", { host: "api" })).reason, "target_invalid");
  // A Host that would move where the path starts (Deno builds the URL from it).
  assert.equal(refusal(req("http://x/api/admin", { host: "x/api" })).reason, "target_invalid");
  // Another scheme than the listener's.
  assert.equal(refusal(req("https://api/a", { host: "api" })).reason, "target_invalid");
  // A fragment.
  assert.equal(refusal(req("http://api/a#frag")).reason, "target_invalid");
  assert.equal(refusal(req("http://api/a?x=1#frag")).reason, "target_invalid");
  // No path (authority-form).
  assert.equal(refusal(req("http://api:443", { method: "OPTIONS" })).reason, "target_invalid");
  // An empty or odd Host.
  for (const host of ["", "a b", "a@b", "a:b:c", "a:", "a:123456", "[zz]"]) {
    assert.equal(refusal(req(`http://${host}/x`, { host })).reason, "target_invalid", host);
  }
});

Deno.test("target: without a Host, the URL's own authority (absolute-form, or Deno's default) is the host", () => {
  assert.equal(ok(req("http://localhost:8080/a", { host: null })).host, "localhost:8080");
  assert.equal(refusal(req("http://u@x/a", { host: null })).reason, "target_invalid");
});

Deno.test("target: CONNECT, TRACE and TRACK are refused (405)", () => {
  for (const method of ["CONNECT", "trace", "TRACK"]) {
    assert.equal(refusal(req("http://h/a", { method })).reason, "method_not_allowed");
  }
});

Deno.test("target: asterisk-form reaches us as the path /*, which is an ordinary path", () => {
  assert.equal(ok(req("http://h/*", { method: "OPTIONS" })).path, "/*");
});

Deno.test("isHostPort", () => {
  for (const h of ["a", "a.b-c_d~e", "A.B:1", "1.2.3.4:80", "[::1]", "[::1]:8080", "[fe80::1.2.3.4]"]) {
    assert.ok(isHostPort(h), h);
  }
  for (
    const h of [
      "",
      ":80",
      "a:",
      "a:x",
      "a:123456",
      "a/b",
      "a?b",
      "a#b",
      "a%20b",
      "[::1",
      "[]",
      "[::1]x",
      "a b",
    ]
  ) {
    assert.ok(!isHostPort(h), h);
  }
});

Deno.test("honoGetPath: the canonical path, or one only the pipeline's catch-all matches", () => {
  const getPath = honoGetPath(OPTS);
  assert.equal(getPath(req("http://h/a/../healthz")), "/healthz");
  assert.equal(getPath(req("http://h/a%2fb")), REFUSED_PATH);
});
