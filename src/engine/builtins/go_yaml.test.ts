import assert from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { goKeyLess, goYamlToJson, jsonToGoYaml } from "./go_yaml.ts";
import { call } from "./test_support.ts";

const OPA = JSON.parse(await Deno.readTextFile(new URL("./testdata/go_yaml_opa.json", import.meta.url)));

Deno.test("yaml.marshal writes what OPA writes (Go's yaml.v2 via sigs.k8s.io/yaml)", () => {
  for (const [value, want] of OPA.marshal as [unknown, string][]) {
    assert.equal(call("yaml.marshal", value), want, JSON.stringify(value));
  }
  // Sequences in mappings are not indented; nested sequences and mappings in sequences are inline.
  assert.equal(jsonToGoYaml({ k: [["a", "b"], { x: 1, y: [] }] }), 'k:\n- - a\n  - b\n- x: 1\n  "y": []\n');
});

Deno.test("yaml.unmarshal and yaml.is_valid read what OPA reads (first document, YAML 1.1 scalars)", () => {
  for (const [text, want, valid] of OPA.unmarshal as [string, unknown, boolean][]) {
    if (want === "UNDEFINED") {
      assert.throws(() => call("yaml.unmarshal", text), JSON.stringify(text));
    } else assert.deepEqual(call("yaml.unmarshal", text), want, JSON.stringify(text));
    assert.equal(call("yaml.is_valid", text), valid, JSON.stringify(text));
  }
});

Deno.test("yaml.v2's key order compares digit runs as numbers (the order OPA v0.47 wrote)", () => {
  const keys = ["a10", "a9", "a09", "b", "B", "_x", "1", "é"];
  assert.deepEqual(keys.sort((a, b) => (goKeyLess(a, b) ? -1 : goKeyLess(b, a) ? 1 : 0)), [
    "_x",
    "1",
    "B",
    "a9",
    "a09",
    "a10",
    "b",
    "é",
  ]);
});

Deno.test("property: what yaml.marshal writes, yaml.unmarshal reads back", () => {
  const text = fc.string({
    unit: fc.constantFrom(..."ab1 :#-\n\t\"'\\é😀?[{,.&*!|>%@`~yYnN"),
    maxLength: 12,
  });
  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      text,
      fc.boolean(),
      fc.constant(null),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
      fc.array(tie("value"), { maxLength: 3 }),
      fc.dictionary(text, tie("value"), { maxKeys: 3, noNullPrototype: true }),
    ),
  })).value;
  fc.assert(fc.property(json, (v) => assert.deepEqual(goYamlToJson(jsonToGoYaml(v)), v)), { numRuns: 500 });
});
