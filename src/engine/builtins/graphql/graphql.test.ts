import assert from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { BuiltinError } from "../errors.ts";
import { assertFails, call } from "../test_support.ts";
import { MAX_NESTING } from "./limits.ts";
import { QUERIES, SCHEMAS } from "./testdata/corpus.ts";
import answers from "./testdata/oracle_answers.json" with { type: "json" };
import validity from "./testdata/oracle_validity.json" with { type: "json" };

/** Keys today's gqlparser writes that OPA v0.47's did not (the oracle's version). */
const NEWER_KEYS = new Set([
  "ExpectedTypeHasDefault",
  "Comment",
  "BeforeDescriptionComment",
  "AfterDescriptionComment",
  "EndOfDefinitionComment",
]);
function asV047(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(asV047);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v).filter(([k]) => !NEWER_KEYS.has(k)).map(([k, x]) => [k, asV047(x)]),
    );
  }
  return v;
}

function orUndefined(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    assert.ok(e instanceof BuiltinError, String(e));
    return undefined;
  }
}

Deno.test("graphql: the answers of OPA (v0.47 oracle) on the corpus, undefined where OPA errs", () => {
  const disagreements: string[] = [];
  for (
    const row of answers as { fn: string; query?: string; schema?: string; answer: { result?: unknown } }[]
  ) {
    const q = QUERIES[row.query ?? ""], s = SCHEMAS[row.schema ?? ""];
    const mine = orUndefined(() => {
      switch (row.fn) {
        case "is_valid_ast":
          return call("graphql.is_valid", call("graphql.parse_query", q), call("graphql.parse_schema", s));
        case "schema_is_valid":
        case "parse_schema":
          return call(`graphql.${row.fn}`, s);
        case "parse_query":
          return call(`graphql.${row.fn}`, q);
        default:
          return call(`graphql.${row.fn}`, q, s);
      }
    });
    try {
      assert.deepEqual(asV047(mine), row.answer.result);
    } catch {
      disagreements.push(
        `${row.fn}(${row.query ?? ""}, ${row.schema ?? ""}): ${JSON.stringify(mine)?.slice(0, 200)}`,
      );
    }
  }
  assert.deepEqual(disagreements, []);
  assert.ok(answers.length > 300);
});

Deno.test("graphql: schema and query validity edge cases as OPA (v0.47 oracle) answers them", () => {
  const wrong = (validity as { fn: string; query?: string; schema: string; answer: boolean }[]).filter((c) =>
    (c.fn === "is_valid"
      ? call("graphql.is_valid", c.query, c.schema)
      : call("graphql.schema_is_valid", c.schema)) !==
      c.answer
  );
  assert.deepEqual(wrong, []);
  assert.ok(validity.length > 50);
});

const EMPLOYEE = SCHEMAS.employee;

Deno.test("graphql.parse_query: today's gqlparser shape (ExpectedTypeHasDefault, Used, Alias, comments)", () => {
  assert.deepEqual(call("graphql.parse_query", `{ field(complex: { a: { b: [ $var ] } }) }`), {
    Operations: [{
      Name: "",
      Operation: "query",
      SelectionSet: [{
        Alias: "field",
        Name: "field",
        Arguments: [{
          Name: "complex",
          Value: {
            Kind: 9,
            Raw: "",
            ExpectedTypeHasDefault: false,
            Children: [{
              Name: "a",
              Value: {
                Kind: 9,
                Raw: "",
                ExpectedTypeHasDefault: false,
                Children: [{
                  Name: "b",
                  Value: {
                    Kind: 8,
                    Raw: "",
                    ExpectedTypeHasDefault: false,
                    Children: [{ Name: "", Value: { Kind: 0, Raw: "var", ExpectedTypeHasDefault: false } }],
                  },
                }],
              },
            }],
          },
        }],
      }],
    }],
  });
  assert.deepEqual(call("graphql.parse_query", `fragment a($v: Boolean = false) on t { f(v: $v) }`), {
    Fragments: [{
      Name: "a",
      TypeCondition: "t",
      VariableDefinition: [{
        Variable: "v",
        Type: { NamedType: "Boolean", NonNull: false },
        DefaultValue: { Kind: 5, Raw: "false", ExpectedTypeHasDefault: false },
        Used: false,
      }],
      SelectionSet: [{
        Alias: "f",
        Name: "f",
        Arguments: [{ Name: "v", Value: { Kind: 0, Raw: "v", ExpectedTypeHasDefault: false } }],
      }],
    }],
  });
  // gqlparser attaches the comments before a node's first token to it.
  const ast = call(
    "graphql.parse_query",
    "# op\nquery Q {\n  # field\n  a(x: # not kept\n 1) ... on T { b } }",
  ) as any;
  assert.deepEqual(ast.Operations[0].Comment, { List: [{ Value: "# op" }] });
  assert.deepEqual(ast.Operations[0].SelectionSet[0].Comment, { List: [{ Value: "# field" }] });
  assert.deepEqual(ast.Operations[0].SelectionSet[0].Arguments[0].Value, {
    Kind: 1,
    Raw: "1",
    ExpectedTypeHasDefault: false,
  });
  assert.equal(ast.Operations[0].SelectionSet[1].TypeCondition, "T");
  assert.deepEqual(call("graphql.parse_query", ""), {});
  assert.deepEqual(call("graphql.parse_query", "# only a comment"), {});
});

Deno.test("graphql.parse_schema: definitions, extensions, schema, comments", () => {
  assert.deepEqual(
    call(
      "graphql.parse_schema",
      `"d" type Hello implements & A & B { world(flag: Boolean = true): [String!] }`,
    ),
    {
      Definitions: [{
        BuiltIn: false,
        Description: "d",
        Kind: "OBJECT",
        Name: "Hello",
        Interfaces: ["A", "B"],
        Fields: [{
          Description: "",
          Name: "world",
          Arguments: [{
            Description: "",
            Name: "flag",
            DefaultValue: { Kind: 5, Raw: "true", ExpectedTypeHasDefault: false },
            Type: { NamedType: "Boolean", NonNull: false },
          }],
          Type: { NamedType: "", Elem: { NamedType: "String", NonNull: true }, NonNull: false },
        }],
      }],
    },
  );
  assert.deepEqual(call("graphql.parse_schema", `extend schema @d`), {
    SchemaExtension: [{ Description: "", Directives: [{ Location: "", Name: "d" }] }],
  });
  assert.deepEqual(call("graphql.parse_schema", '# a\n"x" # b\nenum E { # c\n V # d\n} # end'), {
    Definitions: [{
      BuiltIn: false,
      Description: "x",
      Kind: "ENUM",
      Name: "E",
      EnumValues: [{ Description: "", Name: "V", AfterDescriptionComment: { List: [{ Value: "# c" }] } }],
      BeforeDescriptionComment: { List: [{ Value: "# a" }] },
      AfterDescriptionComment: { List: [{ Value: "# b" }] },
      EndOfDefinitionComment: { List: [{ Value: "# d" }] },
    }],
    Comment: { List: [{ Value: "# end" }] },
  });
});

Deno.test("graphql: parse errors in OPA's wording (OPA's test cases)", () => {
  const where = " in GraphQL string at location";
  assertFails("graphql.parse_query", ["{"], `graphql.parse_query: Expected Name, found <EOF>${where} 1:2`);
  assertFails(
    "graphql.parse_query",
    ["\n  { ...MissingOn }\n  fragment MissingOn Type\n"],
    `graphql.parse_query: Expected "on", found Name "Type"${where} 3:22`,
  );
  assertFails(
    "graphql.parse_query",
    ["{ field: {} }"],
    `graphql.parse_query: Expected Name, found {${where} 1:10`,
  );
  assertFails(
    "graphql.parse_query",
    ["notanoperation Foo { field }"],
    `graphql.parse_query: Unexpected Name "notanoperation"${where} 1:1`,
  );
  assertFails("graphql.parse_query", ["..."], `graphql.parse_query: Unexpected ...${where} 1:1`);
  assertFails(
    "graphql.parse_query",
    ["query Foo($x: Complex = { a: { b: [ $var ] } }) { field }"],
    `graphql.parse_query: Unexpected $${where} 1:37`,
  );
  assertFails(
    "graphql.parse_query",
    ["fragment on on on { on }"],
    `graphql.parse_query: Unexpected Name "on"${where} 1:10`,
  );
  assertFails(
    "graphql.parse_query",
    ["{ ...on }"],
    `graphql.parse_query: Expected Name, found }${where} 1:9`,
  );
  assertFails(
    "graphql.parse_schema",
    ["type Hello {}"],
    `graphql.parse_schema: expected at least one definition, found }${where} 1:13`,
  );
  assertFails(
    "graphql.parse_schema",
    ["extend type Hello"],
    `graphql.parse_schema: Unexpected <EOF>${where} 1:18`,
  );
  assertFails(
    "graphql.parse_schema",
    ['\n   "Description"\n   extend type Hello {\n     world: String\n   }\n'],
    `graphql.parse_schema: Unexpected String "Description"${where} 2:4`,
  );
  assertFails(
    "graphql.parse_schema",
    ['\n   extend "Description" type Hello {\n     world: String\n   }\n'],
    `graphql.parse_schema: Unexpected String "Description"${where} 2:11`,
  );
  assertFails(
    "graphql.parse_schema",
    ["extend schema"],
    `graphql.parse_schema: Unexpected <EOF>${where} 1:14`,
  );
  assertFails("graphql.parse_query", [1], "graphql.parse_query: operand 1 must be string but got number");
  assertFails(
    "graphql.parse",
    [1, EMPLOYEE],
    "graphql.parse: operand 0 must be one of {string, object} but got number",
  );
});

Deno.test("graphql.parse: validation and schema errors are errors; parse_and_verify answers [false, {}, {}]", () => {
  const schema = `
  extend type Query {
      myAction(myEnum: Locale!): SomeResult!
  }
  type SomeResult { id: String }
  enum Locale { EN LT DE }`;
  const query = `
  query SomeOperation {
    # Note: Not providing mandatory parameter: (myEnum: Locale!)
    myAction {
      id
    }
  }`;
  assertFails(
    "graphql.parse",
    [query, schema],
    'graphql.parse: Field "myAction" argument "myEnum" of type "Locale!" is required, but it was not provided in GraphQL string at location 4:5',
  );
  assert.deepEqual(call("graphql.parse_and_verify", query, schema), [false, {}, {}]);
  assert.equal(call("graphql.is_valid", query, schema), false);
  assertFails(
    "graphql.parse",
    ["{ a }", "type Query { a: Int } type Query { b: Int }"],
    "graphql.parse: Error in gqlparser SchemaDocument to Schema conversion: input:1:23: Cannot redeclare type Query.",
  );
  const [ok, q, s] = call("graphql.parse_and_verify", "{ employees { id } }", EMPLOYEE) as unknown[];
  assert.equal(ok, true);
  assert.deepEqual(q, call("graphql.parse_query", "{ employees { id } }"));
  assert.deepEqual(s, call("graphql.parse_schema", EMPLOYEE));
  assert.deepEqual(call("graphql.parse_and_verify", "", EMPLOYEE), [true, {}, s]);
  assert.deepEqual(call("graphql.parse_and_verify", 5, EMPLOYEE), [false, {}, {}]);
  assert.equal(call("graphql.is_valid", null, EMPLOYEE), false);
  assert.equal(call("graphql.schema_is_valid", 7), false);
});

Deno.test("graphql: where today's OPA differs from v0.47, today's answer", () => {
  // @oneOf is in today's prelude (v0.47: "Undefined directive oneOf") and is enforced.
  assert.equal(call("graphql.schema_is_valid", SCHEMAS.oneof), true);
  assert.equal(call("graphql.is_valid", QUERIES.oneofOk, SCHEMAS.oneof), true);
  assert.equal(call("graphql.is_valid", QUERIES.oneofBad, SCHEMAS.oneof), false);
  // gqlparser v2.5.34-36 reject repeated enum values, union members and non-repeatable
  // directives, a schema extension's unknown directive and a missing directive argument, and
  // validate introspection depth; v0.47's gqlparser did not. (Input-object cycles are rejected
  // only by gqlparser's unreleased main branch: not here, as in every OPA release.)
  for (
    const s of [
      "type Query { a: Int @deprecated @deprecated }",
      "enum E { A A } type Query { a: E }",
      "union U = A | A type A { a: Int } type Query { u: U }",
      "schema { query: Query } extend schema @nope type Query { a: Int }",
      "scalar D @specifiedBy type Query { a: D }",
      "directive @d(a: Int) on FIELD_DEFINITION type Query { a: Int @d(b: 1) }",
    ]
  ) assert.equal(call("graphql.schema_is_valid", s), false, s);
  assert.equal(call("graphql.schema_is_valid", SCHEMAS.inputCycle), true);
  const deepIntrospection =
    "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
  assert.equal(call("graphql.is_valid", deepIntrospection, "type Query { a: Int }"), false);
  // A nullable variable where the argument has a default (ExpectedTypeHasDefault), and @defer.
  assert.equal(
    call("graphql.is_valid", "query($v: Int) { a(x: $v) }", "type Query { a(x: Int! = 1): Int }"),
    true,
  );
  assert.equal(call("graphql.is_valid", "{ ... @defer { a } }", "type Query { a: Int }"), true);
  // An AST value decodes every selection as a field (gqlparser's UnmarshalSelectionSet), so a
  // fragment in it fails validation; v0.47 panicked.
  const qa = call("graphql.parse_query", QUERIES.inline), sa = call("graphql.parse_schema", SCHEMAS.shop);
  assert.equal(call("graphql.is_valid", qa, sa), false);
  assert.equal(call("graphql.is_valid", call("graphql.parse_query", QUERIES.mutation), sa), true);
});

Deno.test("graphql: gqlparser's literal rules (int64 integers, float64 floats), not graphql-js's", () => {
  assert.equal(call("graphql.is_valid", QUERIES.bigInt, EMPLOYEE), true);
  assert.equal(call("graphql.is_valid", QUERIES.hugeInt, EMPLOYEE), false);
  assert.equal(call("graphql.is_valid", "{ f(x: 1e999) }", "type Query { f(x: Float): Int }"), false);
  assertFails(
    "graphql.parse",
    [QUERIES.floatForInt, EMPLOYEE],
    'graphql.parse: Expected value of type "Int", found 1.5 in GraphQL string at location 1:20',
  );
  assertFails(
    "graphql.parse",
    ["mutation { a }", "type Query { a: Int }"],
    'graphql.parse: Schema does not support operation type "mutation"\n in GraphQL string at location 1:1',
  );
});

Deno.test("graphql: an AST value is decoded as Go's encoding/json decodes it", () => {
  const q = call("graphql.parse_query", QUERIES.simple) as any;
  // Standard structs match keys case-insensitively; wrong JSON types are errors.
  const lower = JSON.parse(JSON.stringify(q).replaceAll('"Raw"', '"raw"'));
  assert.equal(call("graphql.is_valid", lower, EMPLOYEE), true);
  assert.equal(call("graphql.is_valid", { Operations: [{ Operation: 5 }] }, EMPLOYEE), false);
  assertFails(
    "graphql.parse",
    [{ Operations: "x" }, EMPLOYEE],
    /graphql.parse: json: cannot unmarshal string/,
  );
  assert.equal(call("graphql.is_valid", {}, EMPLOYEE), true);
  assert.equal(call("graphql.schema_is_valid", {}), true);
  assert.equal(call("graphql.schema_is_valid", call("graphql.parse_schema", EMPLOYEE)), true);
  // gqlparser does not check the spelling of names in an AST value; graphql-js (used only to
  // validate queries) does, so such a schema is valid but no query validates against it.
  const oddName = {
    Definitions: [{ Kind: "OBJECT", Name: "Query", Fields: [{ Name: "a b", Type: { NamedType: "Int" } }] }],
  };
  assert.equal(call("graphql.schema_is_valid", oddName), true);
  assert.equal(call("graphql.is_valid", "{ a }", oddName), false);
});

Deno.test("graphql: hostile documents are bounded errors, not stalls", () => {
  const deep = "{ a ".repeat(MAX_NESTING + 1) + "}".repeat(MAX_NESTING + 1);
  for (
    const name of ["graphql.parse_query", "graphql.is_valid", "graphql.parse", "graphql.parse_and_verify"]
  ) {
    assertFails(name, [deep, EMPLOYEE], `${name}: document nests deeper than ${MAX_NESTING} levels`);
  }
  assertFails("graphql.schema_is_valid", ["[".repeat(200_000)], /nests deeper/);
  assertFails("graphql.parse_query", ["{ " + "a ".repeat(15_001) + "}"], /query has more than 15000 tokens/);
  assert.equal(call("graphql.schema_is_valid", "type Query { " + "a: Int ".repeat(20_000) + "}"), false);
  assertFails(
    "graphql.parse_schema",
    ["type Query { " + "a: Int ".repeat(70_000) + "}"],
    /schema has more than 200000 tokens/,
  );
  const wide = { Operations: [{ SelectionSet: Array.from({ length: 40_000 }, () => ({ Name: "a" })) }] };
  assertFails("graphql.is_valid", [wide, EMPLOYEE], /AST has more than 30000 nodes/);
  assertFails("graphql.parse_query", ["#".repeat((1 << 20) + 1)], /longer than/);
  let ast: unknown = {};
  for (let i = 0; i < 2000; i++) ast = { Operations: [{ SelectionSet: [ast] }] };
  assertFails("graphql.is_valid", [ast, EMPLOYEE], /AST nests deeper/);
  // Just inside the nesting bound still parses.
  const ok = "{ a ".repeat(MAX_NESTING - 1) + "}".repeat(MAX_NESTING - 1);
  assert.equal(typeof call("graphql.parse_query", ok), "object");
});

Deno.test("graphql: arbitrary strings and values give a result or a BuiltinError, never another throw", () => {
  const text = fc.string({
    unit: fc.constantFrom(...'{}()[]:$@!=|&.,#"\\ \n\tabqueryfragmentontypeschemaextend1e-'),
  });
  const gql = fc.oneof(text, fc.constantFrom(...Object.values(QUERIES), ...Object.values(SCHEMAS)));
  const value = fc.oneof(gql, fc.jsonValue({ maxDepth: 4 }));
  fc.assert(
    fc.property(value, value, (q, s) => {
      for (
        const [name, args] of [
          ["graphql.parse_query", [q]],
          ["graphql.parse_schema", [s]],
          ["graphql.parse", [q, s]],
          ["graphql.parse_and_verify", [q, s]],
          ["graphql.is_valid", [q, s]],
          ["graphql.schema_is_valid", [s]],
        ] as const
      ) {
        try {
          const r = call(name, ...args);
          assert.ok(r !== undefined);
          JSON.stringify(r);
        } catch (e) {
          if (!(e instanceof BuiltinError)) throw e;
        }
      }
    }),
    { numRuns: 400 },
  );
});
