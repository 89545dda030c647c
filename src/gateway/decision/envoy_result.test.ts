import assert from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { callerHeaderAllowed, checkResult } from "./envoy_result.ts";

Deno.test("a boolean answer allows or denies, in either input format", () => {
  for (const envoy of [false, true]) {
    const yes = checkResult(true, envoy);
    assert.ok(yes.ok && yes.decision.allow && yes.envoy === null);
    const no = checkResult(false, envoy);
    assert.ok(no.ok && !no.decision.allow && no.decision.reason === "policy_denied");
  }
});

Deno.test("OPA-Envoy's object: headers go upstream on allow, status/headers/body on deny", () => {
  const allow = checkResult({
    allowed: true,
    headers: { "X-Ext-Auth-Allow": "yes", "x-multi": ["a", "b"] },
    request_headers_to_remove: ["X-Internal"],
    response_headers_to_add: [{ "x-resp": "1" }, { "x-resp": "2", "Content-Length": "0" }],
    http_status: 301,
  }, true);
  assert.ok(allow.ok);
  assert.equal(allow.decision.allow, true);
  assert.deepEqual({ ...allow.decision.headers }, { "x-ext-auth-allow": "yes", "x-multi": "a, b" });
  assert.deepEqual(allow.envoy!.removeHeaders, ["x-internal"]);
  assert.deepEqual(allow.envoy!.responseHeaders, [["x-resp", "1"], ["x-resp", "2"]]);

  const deny = checkResult({
    allowed: false,
    headers: { "x-ext-auth-allow": "no", "x-request-id": "forged" },
    body: "Unauthorized Request",
    http_status: 301,
  }, false);
  assert.ok(deny.ok);
  assert.equal(deny.decision.allow, false);
  assert.equal(deny.decision.headers, undefined, "a denial sends nothing upstream");
  assert.equal(deny.envoy!.status, 301);
  assert.equal(deny.envoy!.body, "Unauthorized Request");
  assert.deepEqual(deny.envoy!.denyHeaders, [["x-ext-auth-allow", "no"]]);

  const plain = checkResult({ allowed: false }, true);
  assert.ok(plain.ok && plain.envoy!.status === 403 && plain.envoy!.body === null);
});

Deno.test("an OPA-Envoy result that is not one is a denial (policy_result_invalid), never an allow", () => {
  const bad: unknown[] = [
    {},
    { allowed: "true" },
    { allowed: 1 },
    { allowed: null },
    { allowed: true, http_status: 99 },
    { allowed: true, http_status: 600 },
    { allowed: true, http_status: 403.5 },
    { allowed: true, http_status: "403" },
    { allowed: true, body: 1 },
    { allowed: true, headers: "x: y" },
    { allowed: true, headers: { "x-a": 1 } },
    { allowed: true, headers: { "x-a": "a\r\nb" } },
    { allowed: true, headers: { "bad name": "v" } },
    { allowed: true, headers: [{ ok: "v" }, "no"] },
    { allowed: true, request_headers_to_remove: "x-a" },
    { allowed: true, request_headers_to_remove: [1] },
    { allowed: true, response_headers_to_add: { "x-a": ["a", 2] } },
  ];
  for (const v of bad) {
    const r = checkResult(v, true);
    assert.ok(!r.ok && r.invalid, JSON.stringify(v));
  }
  const r = checkResult([true], true);
  assert.ok(!r.ok && r.invalid);
  // In the gateway's format an object without `allowed` is the gateway's decision, malformed here.
  const g = checkResult({ allow: "yes" }, false);
  assert.ok(!g.ok && !g.invalid);
  const ok = checkResult({ allow: true, reason: "ok" }, false);
  assert.ok(ok.ok && ok.decision.allow && ok.envoy === null);
});

Deno.test("property: only a boolean true or `allowed: true` (or a gateway allow) allows; nothing throws", () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.boolean(), (v, envoy) => {
      const r = checkResult(v, envoy);
      if (!r.ok || !r.decision.allow) return;
      const obj = v as Record<string, unknown>;
      assert.ok(v === true || obj.allowed === true || (!envoy && obj.allow === true), JSON.stringify(v));
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(
      fc.record({ allowed: fc.boolean(), headers: fc.dictionary(fc.string(), fc.string()) }),
      (v) => {
        const r = checkResult(v, true);
        if (!r.ok) return;
        for (const [name] of r.envoy!.denyHeaders) assert.ok(callerHeaderAllowed(name));
        for (const value of Object.values(r.decision.headers ?? {})) assert.ok(!/[\r\n\0]/.test(value));
      },
    ),
  );
});
