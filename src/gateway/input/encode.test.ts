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
