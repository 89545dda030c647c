import assert from "node:assert/strict";
import { awsSignerFromEnv, bundleHeadersFromEnv, CredentialsError } from "./credentials.ts";

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

Deno.test("AWS SigV4 from the environment: missing credentials are named, each request is signed afresh", () => {
  assert.throws(() => awsSignerFromEnv(() => undefined), (e: unknown) => {
    assert.ok(e instanceof CredentialsError);
    assert.match(e.message, /AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION/);
    return true;
  });
  const vars: Record<string, string> = {
    AWS_ACCESS_KEY_ID: "AKID",
    AWS_SECRET_ACCESS_KEY: "sk",
    AWS_REGION: "eu-west-1",
  };
  let t = Date.UTC(2025, 0, 2, 3, 4, 5);
  const sign = awsSignerFromEnv((n) => vars[n], {}, () => t);
  const h = new Headers({ "if-none-match": '"e1"' });
  sign("GET", "https://bucket.s3.amazonaws.com/b.tar.gz", h);
  assert.match(
    h.get("authorization")!,
    /^AWS4-HMAC-SHA256 Credential=AKID\/20250102\/eu-west-1\/s3\/aws4_request,SignedHeaders=host;if-none-match;x-amz-content-sha256;x-amz-date,Signature=[0-9a-f]{64}$/,
  );
  assert.equal(h.get("x-amz-date"), "20250102T030405Z");
  assert.equal(h.get("host"), null, "fetch sets Host itself");
  vars.AWS_SESSION_TOKEN = "tok";
  t += 1000;
  const h2 = new Headers();
  sign("GET", "https://bucket.s3.amazonaws.com/b.tar.gz", h2);
  assert.equal(h2.get("x-amz-security-token"), "tok", "credentials are read at each request");
  assert.equal(h2.get("x-amz-date"), "20250102T030406Z");
});
