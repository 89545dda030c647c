import assert from "node:assert/strict";
import { AWS_BUILTINS } from "./aws_sign.ts";
import { BuiltinError } from "./errors.ts";
import { regoBundle } from "../testing/rego_bundle.ts";

const sign = (req: unknown, config: unknown, ns: unknown = 1451311705000000000) =>
  AWS_BUILTINS["providers.aws.sign_req"](req, config, ns) as { headers: Record<string, string> };
const CONFIG = {
  aws_access_key: "MYAWSACCESSKEYGOESHERE",
  aws_secret_access_key: "MYAWSSECRETACCESSKEYGOESHERE",
  aws_service: "s3",
  aws_region: "us-east-1",
};
const EMPTY_SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const auth = (signed: string, signature: string) =>
  `AWS4-HMAC-SHA256 Credential=MYAWSACCESSKEYGOESHERE/20151228/us-east-1/s3/aws4_request,SignedHeaders=${signed},Signature=${signature}`;

Deno.test("providers.aws.sign_req: OPA's signing vectors", () => {
  const get = { method: "get", url: "http://example.com" };
  assert.deepEqual(sign(get, CONFIG), {
    ...get,
    headers: {
      Authorization: auth(
        "host;x-amz-content-sha256;x-amz-date",
        "0047a7016c81e5c7f29cd522f97e911e04fc472fced0aee7916cbc287ad6c8e3",
      ),
      host: "example.com",
      "x-amz-content-sha256": EMPTY_SHA,
      "x-amz-date": "20151228T140825Z",
    },
  });
  assert.equal(
    sign({ ...get, headers: { foo: "bar" } }, CONFIG).headers.Authorization,
    auth(
      "foo;host;x-amz-content-sha256;x-amz-date",
      "8f1dc7c9b9978356a0d0989fd26a95307f4f8a4aa264d8220647b7097d839952",
    ),
  );
  const withToken = sign(get, { ...CONFIG, aws_session_token: "MYAWSSECURITYTOKENGOESHERE" }).headers;
  assert.equal(withToken["x-amz-security-token"], "MYAWSSECURITYTOKENGOESHERE");
  assert.equal(
    withToken.Authorization,
    auth(
      "host;x-amz-content-sha256;x-amz-date;x-amz-security-token",
      "23c31bda8a74630c0a94f6b82a3511e7e74728df98e6f54ed0840488dbbdc8d1",
    ),
  );
  // A body is signed as Go's JSON of the value (a set as an array); raw_body wins over body.
  const body = sign({ ...get, body: { example: [1, 2, 3, 4] } }, CONFIG).headers;
  assert.equal(
    body["x-amz-content-sha256"],
    "bacff6243c850423883052ac3c336fd645994442933408dfd3f9e858e69bda07",
  );
  assert.equal(
    body.Authorization.slice(-64),
    "5fb06ab1cfd74c8fcb3af95b8cce696708cf6155d971dac10f254d79799c6e88",
  );
  const raw = { ...get, raw_body: '{"example": {1, 2, 3, 4}}' };
  const rawSigned = "5bf26e169cb8b02330dba39d53932532438fc856c2f10537689a09ed807c7195";
  assert.equal(sign(raw, CONFIG).headers.Authorization.slice(-64), rawSigned);
  assert.equal(sign({ ...raw, body: { example: [1] } }, CONFIG).headers.Authorization.slice(-64), rawSigned);
  // Payload signing off: UNSIGNED-PAYLOAD, whatever the body.
  const https = { method: "get", url: "https://example.com", headers: { foo: "bar" } };
  const unsigned = "c6e6db654e92172f71e18c714c123711de069ac6fd7df1348e5b28fd05532028";
  for (const req of [https, { ...https, body: { example: [1, 2, 3, 4] } }]) {
    const h = sign(req, { ...CONFIG, disable_payload_signing: true }).headers;
    assert.equal(h["x-amz-content-sha256"], "UNSIGNED-PAYLOAD");
    assert.equal(h.Authorization.slice(-64), unsigned);
  }
  // A request's own x-amz-content-sha256 is what gets signed; the answer carries the computed one.
  const existing = sign(
    {
      ...https,
      headers: { foo: "bar", "x-amz-content-sha256": "existing-value" },
      body: { example: [1, 2, 3, 4] },
    },
    { ...CONFIG, disable_payload_signing: false },
  ).headers;
  assert.equal(
    existing.Authorization.slice(-64),
    "42bcac7fc6d170e09be72fdf38b62e59361265bc59d5f9156f0d6faf889e98ba",
  );
  assert.equal(
    existing["x-amz-content-sha256"],
    "bacff6243c850423883052ac3c336fd645994442933408dfd3f9e858e69bda07",
  );
});

Deno.test("providers.aws.sign_req: other services, ignored headers, paths and queries", () => {
  const h = sign(
    {
      method: "POST",
      url: "https://sts.amazonaws.com/a%20b/c?Action=GetCallerIdentity&Version=2011-06-15",
      headers: { "User-Agent": "x", "Content-Type": "application/json" },
    },
    { ...CONFIG, aws_service: "sts" },
  ).headers;
  assert.equal(h["x-amz-content-sha256"], undefined); // only s3 and glacier
  assert.match(h.Authorization, /SignedHeaders=content-type;host;x-amz-date,/);
  assert.equal(h["User-Agent"], "x");
});

Deno.test("providers.aws.sign_req: OPA's errors", () => {
  const fails = (args: unknown[], message: RegExp) =>
    assert.throws(
      () => sign(...(args as [unknown, unknown, unknown])),
      (e: unknown) => e instanceof BuiltinError && message.test(e.message),
    );
  const get = { method: "get", url: "http://example.com" };
  fails(
    [get, { aws_service: "s3" }, 1],
    /missing required AWS config parameters\(s\): \{"aws_access_key", "aws_region", "aws_secret_access_key"\}/,
  );
  fails(
    [get, { ...CONFIG, aws_region: 1 }, 1],
    /invalid values for required AWS config parameters\(s\): \{"aws_region"\}/,
  );
  fails([get, CONFIG, 1.5], /could not convert time_ns value into a unix timestamp/);
  fails([{ ...get, bogus: 1 }, CONFIG, 1], /invalid request parameters\(s\): \{"bogus"\}/);
  fails([{ url: "x" }, CONFIG, 1], /missing required request parameters\(s\): \{"method"\}/);
  fails([{ ...get, headers: [] }, CONFIG, 1], /must be object but got array/);
  fails(
    [get, { ...CONFIG, disable_payload_signing: "yes" }, 1],
    /invalid value for 'disable_payload_signing'/,
  );
});

Deno.test("providers.aws.sign_req in a policy", async () => {
  const bundle = await regoBundle(`package gateway
import rego.v1
decision := providers.aws.sign_req({"method": "get", "url": "http://example.com", "body": {"example": {1, 2, 3, 4}}},
  {"aws_access_key": "MYAWSACCESSKEYGOESHERE", "aws_secret_access_key": "MYAWSSECRETACCESSKEYGOESHERE",
   "aws_service": "s3", "aws_region": "us-east-1"}, 1451311705000000000)`);
  const [r] = bundle.instance.policy!.evaluate({}, "gateway/decision") as {
    result: { headers: Record<string, string> };
  }[];
  assert.equal(
    r.result.headers.Authorization.slice(-64),
    "5fb06ab1cfd74c8fcb3af95b8cce696708cf6155d971dac10f254d79799c6e88",
  );
});
