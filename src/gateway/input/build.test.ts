import assert from "node:assert/strict";
import Ajv from "npm:ajv@^8.20.0";
import { fileURLToPath } from "node:url";
import { inputParts, keyRecord } from "../testing/fakes.ts";
import { buildInput } from "./build.ts";

const schemaPath = fileURLToPath(new URL("../../../schema/input.v1.json", import.meta.url));
const schema = JSON.parse(await Deno.readTextFile(schemaPath));
// deno-lint-ignore no-explicit-any
const ajv = new (Ajv as any)({ allErrors: true, strict: true });
ajv.addFormat("date-time", (s: string) => !Number.isNaN(Date.parse(s)) && /T.*(Z|[+-]\d\d:\d\d)$/.test(s));
const validate = ajv.compile(schema);

const parts = inputParts;

function assertValid(doc: unknown) {
  const ok = validate(doc);
  assert.ok(ok, JSON.stringify(validate.errors));
}

Deno.test("a built input validates against schema/input.v1.json", () => {
  assertValid(buildInput(parts()));
  assertValid(buildInput(parts({ search: "", key: keyRecord({ identityType: "agent", scopes: [] }) })));
});

Deno.test("the key's operator-set metadata is in the input, within the schema's bounds", () => {
  const metadata = { tier: "gold", "cost-center": "4711" };
  const doc = buildInput(parts({ key: keyRecord({ metadata }) }));
  assert.deepEqual(doc.identity.metadata, metadata);
  assertValid(doc);
  const tooMany = structuredClone(doc) as any;
  tooMany.identity.metadata = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"]));
  assert.equal(validate(tooMany), false);
  const notString = structuredClone(doc) as any;
  notString.identity.metadata = { k: 1 };
  assert.equal(validate(notString), false);
});

Deno.test("the schema rejects what the gateway must never produce", () => {
  const doc = structuredClone(buildInput(parts()));
  assert.ok(validate(doc));
  (doc.request.headers as Record<string, string>).authorization = "Bearer x";
  assert.equal(validate(doc), false);
  const bad = structuredClone(buildInput(parts())) as any;
  bad.version = 2;
  assert.equal(validate(bad), false);
  const extra = structuredClone(buildInput(parts())) as any;
  extra.identity.hash = "abc";
  assert.equal(validate(extra), false);
});

Deno.test("input carries identity, request and route; query values are lists", () => {
  const doc = buildInput(parts());
  assert.equal(doc.version, 1);
  assert.deepEqual(doc.identity, {
    key_id: "key_test1",
    org: "acme",
    subject: "alice",
    type: "human",
    scopes: ["orders:read"],
    plan: "pro",
    env: "test",
    metadata: {},
  });
  assert.deepEqual({ ...doc.request.query }, { a: ["1", "3"], b: ["2"] });
  assert.deepEqual(doc.route, { id: "orders", upstream: "http://orders.internal", prefix: "/orders" });
  assert.equal(doc.request.time, "2025-06-01T12:00:00.000Z");
  assert.equal(doc.request.client.address, "127.0.0.1");
});

Deno.test("only allow-listed headers reach the input, never the key", () => {
  const doc = buildInput(parts());
  assert.deepEqual({ ...doc.request.headers }, { "user-agent": "t/1", accept: "*/*" });
  const withKeyAllowed = buildInput(parts({ headerAllowList: ["user-agent"] }));
  assert.equal(JSON.stringify(withKeyAllowed).includes("secret"), false);
});

Deno.test("query keys like __proto__ are plain keys", () => {
  const doc = buildInput(parts({ search: "?__proto__=x&constructor=y" }));
  const q = JSON.parse(JSON.stringify(doc.request.query));
  assert.deepEqual(Object.keys(q), ["__proto__", "constructor"]);
  assert.deepEqual(Object.getOwnPropertyDescriptor(q, "__proto__")?.value, ["x"]);
  assert.deepEqual(q.constructor, ["y"]);
  assert.equal(Object.getPrototypeOf({}).polluted, undefined);
  assertValid(JSON.parse(JSON.stringify(doc)));
});

Deno.test("OPA-Envoy's shape: attributes.request.http, parsed_path, parsed_query, never a credential", () => {
  const doc = buildInput(parts({
    envoy: { scheme: "http", clientPort: 4321 },
    path: "/people/a%20b",
    search: "?q=1&q=2",
    headerAllowList: ["user-agent"],
  }));
  assertValid(doc);
  const http = doc.attributes!.request.http;
  assert.equal(http.method, "GET");
  assert.equal(http.path, "/people/a%20b?q=1&q=2");
  assert.equal(http.host, "api.example.com");
  assert.equal(http.scheme, "http");
  assert.equal(http.query, "q=1&q=2");
  assert.ok(!("authorization" in http.headers) && !("x-api-key" in http.headers));
  assert.deepEqual(http.headers, {
    ":authority": "api.example.com",
    ":method": "GET",
    ":path": "/people/a%20b?q=1&q=2",
    ":scheme": "http",
    "user-agent": "t/1",
  });
  assert.deepEqual(doc.attributes!.source.address.socketAddress, { address: "127.0.0.1", portValue: 4321 });
  assert.deepEqual(doc.parsed_path, ["people", "a b"]);
  assert.deepEqual({ ...doc.parsed_query }, { q: ["1", "2"] });
  assert.equal(doc.parsed_body, undefined);
  assert.deepEqual(buildInput(parts({ envoy: { scheme: "http", clientPort: 1 }, path: "/" })).parsed_path, [
    "",
  ]);
  const withBody = buildInput(
    parts({ envoy: { scheme: "http", clientPort: 1, body: { parsed: { a: 1 }, truncated: false } } }),
  );
  assertValid(withBody);
  assert.deepEqual(withBody.parsed_body, { a: 1 });
  assert.equal(withBody.truncated_body, false);
  assert.equal(buildInput(parts()).attributes, undefined, "the gateway's shape alone by default");
});
