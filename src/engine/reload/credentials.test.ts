import assert from "node:assert/strict";
import { bundleHeadersFromEnv, CredentialsError } from "./credentials.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("bundle credentials: a token is a bearer Authorization; headers are a JSON object", () => {
  assert.deepEqual(bundleHeadersFromEnv(env({})), {});
  assert.deepEqual(bundleHeadersFromEnv(env({ GATEWAY_BUNDLE_TOKEN: "abc.def" })), {
    Authorization: "Bearer abc.def",
  });
  assert.deepEqual(
    bundleHeadersFromEnv(
      env({ GATEWAY_BUNDLE_HEADERS: '{"X-Api-Key":"k","X-Org":"acme"}', GATEWAY_BUNDLE_TOKEN: "t" }),
    ),
    { "X-Api-Key": "k", "X-Org": "acme", Authorization: "Bearer t" },
  );
});

Deno.test("bundle credentials: malformed values are refused without repeating them", () => {
  for (
    const vars of <Record<string, string>[]> [
      { GATEWAY_BUNDLE_HEADERS: "s3cret" },
      { GATEWAY_BUNDLE_HEADERS: '["s3cret"]' },
      { GATEWAY_BUNDLE_HEADERS: '{"X-Key": 5}' },
      { GATEWAY_BUNDLE_HEADERS: '{"bad name": "s3cret"}' },
      { GATEWAY_BUNDLE_HEADERS: '{"X-Key": "s3cret\\r\\nX-Evil: 1"}' },
      { GATEWAY_BUNDLE_HEADERS: '{"authorization": "s3cret"}', GATEWAY_BUNDLE_TOKEN: "s3cret" },
      { GATEWAY_BUNDLE_TOKEN: "s3cret s3cret" },
    ]
  ) {
    assert.throws(() => bundleHeadersFromEnv(env(vars)), (e: unknown) => {
      assert.ok(e instanceof CredentialsError, String(e));
      assert.doesNotMatch(e.message, /s3cret/);
      return true;
    }, JSON.stringify(vars));
  }
});
