import assert from "node:assert/strict";
import { assertFails, call } from "./test_support.ts";

Deno.test("json.marshal: compact, sorted keys, Go's HTML escaping", () => {
  assert.equal(
    call("json.marshal", { b: [1, 2], a: { d: null, c: "x" } }),
    '{"a":{"c":"x","d":null},"b":[1,2]}',
  );
  assert.equal(call("json.marshal", "<a&b>"), '"\\u003ca\\u0026b\\u003e"');
  assert.equal(call("json.marshal", 1.5), "1.5");
});

Deno.test("json.marshal_with_options", () => {
  const v = { b: [1], a: {} };
  assert.equal(call("json.marshal_with_options", v, { pretty: false }), '{"a":{},"b":[1]}');
  assert.equal(
    call("json.marshal_with_options", v, { pretty: true }),
    '{\n\t"a": {},\n\t"b": [\n\t\t1\n\t]\n}',
  );
  assert.equal(
    call("json.marshal_with_options", v, { indent: "  ", prefix: "> " }),
    '{\n>   "a": {},\n>   "b": [\n>     1\n>   ]\n> }',
  );
  assertFails("json.marshal_with_options", [v, { colour: true }], /unknown key "colour"/);
});

Deno.test("json.unmarshal and json.is_valid", () => {
  assert.deepEqual(call("json.unmarshal", '{"a":[1,true,null]}'), { a: [1, true, null] });
  assertFails("json.unmarshal", ["{"], /^json\.unmarshal: json: /);
  assert.equal(call("json.is_valid", "[1]"), true);
  assert.equal(call("json.is_valid", "[1"), false);
  assert.equal(call("json.is_valid", 1), false);
});

Deno.test("yaml.marshal / unmarshal / is_valid", () => {
  assert.equal(call("yaml.marshal", { b: [1, "x"], a: true }), "a: true\nb:\n- 1\n- x\n"); // as OPA (yaml.v2)
  // YAML 1.1, as OPA reads it: y is true.
  assert.deepEqual(call("yaml.unmarshal", "a: 1\nb: [x, y]\nc: null\n"), { a: 1, b: ["x", true], c: null });
  assert.equal(call("yaml.unmarshal", ""), null);
  assertFails("yaml.unmarshal", ["a: [1"], /^yaml\.unmarshal: yaml: /);
  assert.equal(call("yaml.is_valid", "a: 1"), true);
  assert.equal(call("yaml.is_valid", "a: [1"), false);
});
