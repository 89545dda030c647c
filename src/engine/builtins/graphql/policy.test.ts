/** The graphql built-ins and strings.render_template called from a compiled policy. */
import assert from "node:assert/strict";
import { adaptBuiltins } from "../../builtin_adapter.ts";
import { instantiatePolicy } from "../../load.ts";
import { compile } from "../../../rego/mod.ts";
import { HOST_BUILTINS } from "../index.ts";

const POLICY = `package gql
import rego.v1

schema := \`
  type Employee { id: String! salary: Int! }
  type Query { employeeByID(id: String!): Employee }
\`

default allow := false

allow if {
  [valid, query, _] := graphql.parse_and_verify(input.query, schema)
  valid
  not asks_salary(query)
}

asks_salary(query) if {
  some op in query.Operations
  some field in op.SelectionSet
  some sub in field.SelectionSet
  sub.Name == "salary"
}

message := strings.render_template("{{if .ok}}allowed{{else}}denied{{end}} for {{.user}}", {"ok": allow, "user": input.user})
`;

// The OPA oracle (v0.47) answers the same for allow on these five queries.
Deno.test("graphql and render_template in a compiled policy decide as OPA would", async () => {
  const r = compile([{ path: "gql.rego", text: POLICY }], { entrypoints: ["gql/allow", "gql/message"] });
  assert.deepEqual(r.diagnostics, []);
  const policy = await instantiatePolicy(r.wasm!, {}, adaptBuiltins(HOST_BUILTINS, false));
  const decide = (query: string) => {
    const input = { query, user: "ann" };
    const allow = policy.evaluate(input, "gql/allow") as { result: unknown }[];
    const message = policy.evaluate(input, "gql/message") as { result: unknown }[];
    return [allow[0].result, message[0].result];
  };
  assert.deepEqual(decide(`{ employeeByID(id: "a") { id } }`), [true, "allowed for ann"]);
  assert.deepEqual(decide(`{ employeeByID(id: "a") { id salary } }`), [false, "denied for ann"]);
  assert.deepEqual(decide(`{ employeeByID(id: "a") { nope } }`), [false, "denied for ann"]);
  assert.deepEqual(decide(`{ employeeByID(id: "a") { id `), [false, "denied for ann"]);
  assert.deepEqual(decide("{ a ".repeat(500)), [false, "denied for ann"]);
});
