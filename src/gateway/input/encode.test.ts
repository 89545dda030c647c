import assert from "node:assert/strict";
import { inputParts, keyRecord } from "../testing/fakes.ts";
import { buildInput, type InputParts } from "./build.ts";
import { inputJson } from "./encode.ts";

const parts = inputParts;

const cases: Array<[string, Partial<InputParts>]> = [
  ["typical", {}],
  ["no query, no headers", { search: "", headerAllowList: [] }],
  ["bare ?", { search: "?" }],
  ["awkward strings", {
    path: '/orders/"quoted"\\ü\u2028',
    host: "h\u0000st",
    requestId: "id\n",
    search: "?__proto__=x&constructor=y&a=%22&%C3%BC=1&a",
    headers: new Headers({ "user-agent": 'a "b" \\ c' }),
    headerAllowList: ["user-agent"],
  }],
  ["other identity", { key: keyRecord({ identityType: "agent", scopes: [], plan: "" }) }],
  ["metadata", { key: keyRecord({ metadata: { tier: "gold", "a.b": 'q"\u2028' } }) }],
];

Deno.test("inputJson is exactly JSON.stringify(buildInput(…))", () => {
  for (const [name, over] of cases) {
    const p = parts(over);
    assert.equal(inputJson(p), JSON.stringify(buildInput(p)), name);
    assert.deepEqual(JSON.parse(inputJson(p)), JSON.parse(JSON.stringify(buildInput(p))), name);
  }
});

Deno.test("the cached identity fragment follows the record object", () => {
  const p = parts();
  const first = inputJson(p);
  const other = parts({ key: keyRecord({ subject: "bob" }) });
  assert.ok(inputJson(other).includes('"subject":"bob"'));
  assert.equal(inputJson(p), first);
});

Deno.test("OPA-Envoy's shape: inputJson is exactly JSON.stringify(buildInput(…))", () => {
  const envoy = { scheme: "https", clientPort: 50123 };
  const envoyCases: Array<[string, Partial<InputParts>]> = [
    ["typical", { envoy }],
    ["no headers, root path", { envoy, path: "/", search: "", headerAllowList: [] }],
    ["decoded segments", { envoy, path: "/a%20b//c%ZZ/%C3%BC", search: "?x=%22" }],
    ["body", { envoy: { ...envoy, body: { parsed: { a: [1, "x"], "\u2028": null }, truncated: false } } }],
    ["truncated body", { envoy: { ...envoy, body: { parsed: null, truncated: true } } }],
  ];
  for (const [name, over] of envoyCases) {
    const p = parts(over);
    assert.equal(inputJson(p), JSON.stringify(buildInput(p)), name);
  }
});
