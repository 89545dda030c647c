import assert from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { BuiltinError } from "../errors.ts";
import { JSON_SCHEMA_BUILTINS } from "./builtins.ts";
import { regoBundle } from "../../testing/rego_bundle.ts";

/** A document that is not an object or array goes as JSON text (OPA refuses other values). */
const asDocument = (doc: unknown) => (typeof doc === "object" && doc !== null ? doc : JSON.stringify(doc));
const match = (doc: unknown, schema: unknown) =>
  JSON_SCHEMA_BUILTINS["json.match_schema"](asDocument(doc), schema) as [boolean, Record<string, string>[]];
const verify = (schema: unknown) => JSON_SCHEMA_BUILTINS["json.verify_schema"](schema);
const valid = (doc: unknown, schema: unknown) => match(doc, schema)[0];
const errors = (doc: unknown, schema: unknown) => match(doc, schema)[1];
const fails = (doc: unknown, schema: unknown, message: RegExp) =>
  assert.throws(
    () => match(doc, schema),
    (e: unknown) => e instanceof BuiltinError && message.test(e.message),
  );

const ID_SCHEMA = { properties: { id: { type: "integer" } }, required: ["id"] };

Deno.test("json.match_schema and json.verify_schema: OPA's cases", () => {
  assert.deepEqual(match({ id: 5 }, ID_SCHEMA), [true, []]);
  assert.deepEqual(JSON_SCHEMA_BUILTINS["json.match_schema"]('{"id": 5}', ID_SCHEMA), [true, []]);
  assert.deepEqual(match({ id: 5 }, JSON.stringify(ID_SCHEMA, null, 2)), [true, []]);
  assert.deepEqual(JSON_SCHEMA_BUILTINS["json.match_schema"]("{}", "{}"), [true, []]);
  // Numbers, booleans and null are neither JSON text nor objects: an error, as in OPA.
  assert.throws(
    () => JSON_SCHEMA_BUILTINS["json.match_schema"](5, "{}"),
    /wrong type, expected string or object/,
  );
  assert.deepEqual(match({ id: "foo" }, ID_SCHEMA), [false, [{
    error: "id: Invalid type. Expected: integer, given: string",
    type: "invalid_type",
    field: "id",
    desc: "Invalid type. Expected: integer, given: string",
  }]]);
  assert.equal(valid({ value: "allow" }, { enum: [] }), false);
  const unknownType =
    "has a primitive type that is NOT VALID -- given: /unknown/ Expected valid values are:[array boolean integer number null object string]";
  fails(
    { id: "foo" },
    { properties: { id: { type: "unknown" } } },
    new RegExp(unknownType.replace(/[[\]/.-]/g, "\\$&")),
  );
  assert.throws(() => JSON_SCHEMA_BUILTINS["json.match_schema"]("{}", '{ "a": "'), /invalid JSON string/);
  assert.throws(() => JSON_SCHEMA_BUILTINS["json.match_schema"]('{ "a": "', "{}"), /invalid JSON string/);
  assert.deepEqual(verify("{}"), [true, null]);
  assert.deepEqual(verify('{ "a": "'), [false, "jsonschema: invalid JSON string"]);
  assert.deepEqual(verify({ properties: { id: { type: "UNKNOWN" } } }), [
    false,
    "jsonschema: " + unknownType.replace("unknown", "UNKNOWN"),
  ]);
  assert.deepEqual(verify(5), [false, "jsonschema: wrong type, expected string or object"]);
});

Deno.test("json.match_schema: gojsonschema's error objects", () => {
  const schema = {
    type: "object",
    properties: {
      name: { type: "string", minLength: 2, pattern: "^[a-z]+$" },
      tags: { type: "array", items: { enum: ["a", "b"] }, uniqueItems: true, maxItems: 2 },
      size: { type: ["number", "null"], minimum: 1, exclusiveMaximum: 10, multipleOf: 0.5 },
      nested: { type: "object", additionalProperties: false, properties: { ok: { const: true } } },
    },
    required: ["name", "id"],
  };
  const doc = { name: "X", tags: ["a", "c", "a"], size: 10.25, nested: { ok: false, extra: 1 } };
  assert.deepEqual(errors(doc, schema).map((e) => e.error), [
    "(root): id is required",
    "name: String length must be greater than or equal to 2",
    "name: Does not match pattern '^[a-z]+$'",
    'tags.1: tags.1 must be one of the following: "a", "b"',
    "tags: Array must have at most 2 items",
    "tags: array items[0,2] must be unique",
    "size: Must be a multiple of 0.5",
    "size: Must be less than 10",
    "nested: Additional property extra is not allowed",
    "nested.ok: nested.ok does not match: true",
  ]);
  assert.deepEqual(errors(doc, schema).map((e) => e.type), [
    "required",
    "string_gte",
    "pattern",
    "enum",
    "array_max_items",
    "unique",
    "multiple_of",
    "number_lt",
    "additional_property_not_allowed",
    "const",
  ]);
  assert.deepEqual(errors(3, { type: "string" })[0].field, "(root)");
  // anyOf and oneOf report the closest branch's errors after their own.
  assert.deepEqual(
    errors({ a: 1 }, { anyOf: [{ required: ["b", "c"] }, { properties: { a: { type: "string" } } }] }).map((
      e,
    ) => e.error),
    [
      "(root): Must validate at least one schema (anyOf)",
      "a: Invalid type. Expected: string, given: integer",
    ],
  );
  assert.deepEqual(errors(5, { oneOf: [{ type: "integer" }, { minimum: 1 }] }).map((e) => e.type), [
    "number_one_of",
  ]);
  assert.deepEqual(
    errors({ a: 1 }, { if: { required: ["a"] }, then: { required: ["b"] } }).map((e) => e.error),
    ['(root): Must validate "then" as "if" was valid', "(root): b is required"],
  );
  assert.deepEqual(errors([1, 2], { contains: { type: "string" } }).map((e) => e.type), [
    "contains",
    "invalid_type",
  ]);
  assert.deepEqual(errors({ a: 1 }, { dependencies: { a: ["b"] } })[0].desc, "Has a dependency on b");
  assert.deepEqual(errors({ aB: 1 }, { propertyNames: { pattern: "^[a-z]+$" } }).map((e) => e.desc), [
    'Property name of "aB" does not match',
    "Does not match pattern '^[a-z]+$'",
  ]);
  assert.deepEqual(
    errors(1.5, { type: ["integer", "null"] })[0].desc,
    "Invalid type. Expected: [integer,null], given: number",
  );
});

Deno.test("json.match_schema: drafts, exact numbers, RE2 patterns, formats", () => {
  // Hybrid (no $schema): exclusiveMaximum may be a boolean (draft 4) or a number (draft 6).
  assert.equal(valid(10, { maximum: 10, exclusiveMaximum: true }), false);
  assert.equal(valid(10, { exclusiveMaximum: 10 }), false);
  fails(
    1,
    { $schema: "http://json-schema.org/draft-04/schema#", exclusiveMaximum: 10 },
    /Expected: boolean, given: exclusiveMaximum/,
  );
  fails(
    1,
    { $schema: "http://json-schema.org/draft-07/schema#", maximum: 1, exclusiveMaximum: true },
    /Expected: number/,
  );
  fails(1, { exclusiveMinimum: true }, /exclusiveMinimum cannot be used without minimum/);
  // Keywords of later drafts are ignored by earlier ones.
  assert.equal(valid(1, { $schema: "http://json-schema.org/draft-04/schema#", const: 2 }), true);
  assert.equal(valid(1, { $schema: "http://json-schema.org/draft-06/schema#", if: true, then: false }), true);
  assert.equal(valid(1, { if: true, then: false }), false);
  // Exact decimals (big.Rat), not doubles: 0.3 is a multiple of 0.1; 1.0 is an integer.
  assert.equal(valid(0.3, { multipleOf: 0.1 }), true);
  assert.equal(valid(1.0, { type: "integer" }), true);
  assert.equal(valid(0.30000000000000004, { maximum: 0.3 }), false);
  // Patterns are Go's RE2: lookaheads do not compile.
  fails("a", { pattern: "^(?!b)" }, /pattern must be a valid regex/);
  assert.equal(valid({ "1": 1 }, { patternProperties: { "^\\d+$": { type: "string" } } }), false);
  fails({}, { patternProperties: { "(?<=x)": {} } }, /Invalid regex pattern '\(\?<=x\)'/);
  // Formats gojsonschema checks, and unknown ones that pass.
  for (
    const [format, good, bad] of [
      ["email", "ops@example.com", "not an address"],
      ["ipv4", "10.0.0.1", "10.0.0.256"],
      ["ipv6", "fd00::1", "10.0.0.1"],
      ["date-time", "2024-02-29T10:00:00Z", "2023-02-29T10:00:00Z"],
      ["date", "2024-01-31", "2024-1-31"],
      ["time", "10:00:00+01:00", "25:00:00"],
      ["uri", "https://example.com/a?b#c", "/relative"],
      ["uuid", "d43c45b0-f420-4de9-8745-6e3840ab39fd", "d43c45b0"],
      ["hostname", "api.example.com", "-bad.example.com"],
      ["regex", "^a+$", "(?!x)"],
      ["json-pointer", "/a/b~1c", "a/b"],
    ] as const
  ) {
    assert.equal(valid(good, { format }), true, `${format} ${good}`);
    assert.equal(valid(bad, { format }), false, `${format} ${bad}`);
  }
  assert.equal(valid("anything", { format: "no-such-format" }), true);
  assert.equal(valid(5, { format: "email" }), true);
});

Deno.test("json.match_schema: references within the schema, to the meta-schemas, never to the network", () => {
  const tree = {
    definitions: {
      node: {
        type: "object",
        properties: { kids: { type: "array", items: { $ref: "#/definitions/node" } } },
      },
    },
    $ref: "#/definitions/node",
  };
  assert.equal(valid({ kids: [{ kids: [] }] }, tree), true);
  assert.equal(valid({ kids: [{ kids: 1 }] }, tree), false);
  assert.equal(valid({ type: "string" }, { $ref: "http://json-schema.org/draft-07/schema#" }), true);
  assert.equal(valid({ type: 5 }, { $ref: "http://json-schema.org/draft-07/schema#" }), false);
  const ids = {
    $id: "http://example.com/root.json",
    definitions: { a: { $id: "a.json", type: "integer" } },
    $ref: "a.json",
  };
  assert.equal(valid(1, ids), true);
  assert.equal(valid("1", ids), false);
  fails(1, { $ref: "https://schemas.example.com/x.json" }, /does not load schemas from the network/);
  fails(1, { $ref: "other.json" }, /Reference other.json must be canonical/);
  fails(1, { definitions: {}, $ref: "#/definitions/missing" }, /Object has no key 'missing'/);
});

Deno.test("property: random schemas and documents give a verdict or a schema error, never a crash", () => {
  const json = fc.jsonValue({ maxDepth: 3 });
  const keyword = fc.constantFrom(
    "type",
    "properties",
    "items",
    "required",
    "enum",
    "const",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "multipleOf",
    "pattern",
    "format",
    "anyOf",
    "oneOf",
    "allOf",
    "not",
    "$ref",
    "additionalProperties",
    "dependencies",
    "if",
    "then",
    "minLength",
    "uniqueItems",
    "contains",
  );
  const schema = fc.dictionary(keyword, json, { maxKeys: 4 });
  fc.assert(
    fc.property(schema, json, (s, doc) => {
      for (const f of [() => match(doc, s), () => verify(s)]) {
        try {
          f();
        } catch (e) {
          if (!(e instanceof BuiltinError)) throw e;
        }
      }
    }),
    { numRuns: 500 },
  );
});

Deno.test("json.match_schema in a policy: the verdict and the errors reach the decision", async () => {
  const bundle = await regoBundle(`package gateway
import rego.v1
schema := {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
decision := {"ok": ok, "errors": [e.field | some e in json.match_schema(input.body, schema)[1]]}
ok := json.match_schema(input.body, schema)[0]`);
  const run = (body: unknown) =>
    (bundle.instance.policy!.evaluate({ body }, "gateway/decision") as { result: Record<string, unknown> }[])[
      0
    ].result;
  assert.deepEqual(run({ id: "a" }), { ok: true, errors: [] });
  assert.deepEqual(run({ id: 1 }), { ok: false, errors: ["id"] });
});
