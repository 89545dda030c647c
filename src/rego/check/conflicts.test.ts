import assert from "node:assert/strict";
import { checkErrors, checkOk } from "./test_support.ts";
import { compileRego } from "../testing/evaluate.ts";

Deno.test("conflicts: rules of different kinds at one path", () => {
  assert.deepEqual(
    checkErrors(`package a
p := 1
p contains 2`),
    ["2:1: rego_type_error: conflicting rules data.a.p found"],
  );
  assert.deepEqual(
    checkErrors(`package a
f(x) := 1
f := 2`),
    ["2:1: rego_type_error: conflicting rules data.a.f found"],
  );
});

Deno.test("conflicts: functions of different arities", () => {
  assert.deepEqual(
    checkErrors(`package a
f(x) := 1
f(x, y) := 2`),
    ["2:1: rego_type_error: conflicting rules data.a.f found"],
  );
});

Deno.test("conflicts: more than one default rule", () => {
  assert.deepEqual(
    checkErrors(`package a
default p := 1
default p := 2
p := 3 if input.x`),
    ["3:1: rego_type_error: multiple default rules data.a.p found"],
  );
});

Deno.test("conflicts: a complete rule and a ref-head rule below it", () => {
  assert.deepEqual(
    checkErrors(`package a
p := 1
p.q := 2`),
    ["2:1: rego_type_error: rule data.a.p conflicts with [data.a.p.q]"],
  );
});

Deno.test("conflicts: several definitions of one kind, and ref-head siblings, are fine", () => {
  const program = checkOk(`package a
default p := 0
p := 1 if input.x
p := 2 if input.y
r.s := 1
r.t[k] := 2 if { some k in input.ks }
q contains 1
q contains 2`);
  const p = program.rules.get("data.a.p")!;
  assert.equal(p.kind, "complete");
  assert.equal(p.rules.length, 2);
  assert.equal(p.defaults.length, 1);
  assert.equal(program.rules.get("data.a.r.t")!.kind, "partialObject");
  assert.equal(program.rules.get("data.a.q")!.rules.length, 2);
});

Deno.test("conflicts: a package inside a complete rule", () => {
  assert.deepEqual(
    checkErrors(
      `package a
p := 1`,
      `package a.p
q := 2`,
    ),
    [
      "2:1: rego_type_error: rule data.a.p conflicts with [data.a.p.q]", // m0.rego
      "1:1: rego_type_error: package data.a.p conflicts with rule data.a.p defined at m0.rego:2:1", // m1.rego
    ],
  );
});

Deno.test("conflicts: defaults for different ground keys of one rule are fine", () => {
  checkOk(`# v0
package a
default complex[true] = "t"
default complex[false] = "f"`);
  assert.deepEqual(
    checkErrors(`# v0
package a
default complex[true] = "t"
default complex[true] = "f"`),
    ["4:1: rego_type_error: multiple default rules data.a.complex found"],
  );
});

Deno.test("conflicts: multi-value rules with computed keys below one another are one object", async () => {
  const text = `package test
obj.sub[x][x] contains x if some x in [1, 2]
obj[x][x] contains x if some x in ["a"]`;
  checkOk(text);
  // Today's OPA accepts it (OPA v0.47 does not have general ref heads yet).
  const policy = await compileRego([text], ["test/obj"]);
  assert.deepEqual(policy.answer("test/obj"), {
    result: { a: { a: ["a"] }, sub: { "1": { "1": [1] }, "2": { "2": [2] } } },
  });
});
