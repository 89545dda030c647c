/**
 * OPA's rule index decides before a body: each body below reaches the conflict of `c0` (or of `f`)
 * only if its indexed equality holds. Each expectation is OPA's answer (the OPA oracle, v0.47):
 * undefined where the index skips the body, the conflict where nothing indexed fails first.
 */
import assert from "node:assert/strict";
import { compileRego } from "../testing/evaluate.ts";

const MODULE = `package test
c0 := 1 if { true }
c0 := 2 if { true }
f(x) := 1
f(x) := 2
dyn_array if { v1 := [data.test.c0, input.obj.a] }
dyn_set if { v1 := {1.5, data.test.c0, input.obj.a} }
dyn_call_arg if { v1 := [f(1), input.obj.a] }
dyn_ref_key if { v2 := data.test.c0; input.obj[input.obj.a] }
dyn_in_not if { v2 := data.test.c0; not count(input.obj.a) > 0 }
assigned if { v2 := data.test.c0; v1 := input.obj.a }
scalar if { v2 := data.test.c0; input.obj.a == 1 }
array_pattern if { v2 := data.test.c0; input.obj.a == [1, 2] }
every_domain if { v2 := data.test.c0; every x in input.obj.a { x > 1 } }
some_in_composite if { v2 := data.test.c0; some x in [input.obj.a] }
head_value := input.obj.a if { v2 := data.test.c0 }
bare_ref if { v2 := data.test.c0; input.obj.a }
iterated if { v2 := data.test.c0; input.obj.a[_] }
with_modifier if { v2 := data.test.c0; x := input.obj.a with input.obj as 1 }
nested_array if { v2 := data.test.c0; input.obj.a == [1, [2]] }
some_in_ref if { v2 := data.test.c0; some x in input.obj.a }
order_calls := [x | x := 1; [y | y := 1; f(y)] < format_int(input.n, 2)]
`;

const CONFLICT = /var assignment conflict|functions must not produce multiple outputs/;

Deno.test("rule index: a body whose indexed equality fails is not evaluated (input.obj.a undefined)", async () => {
  const skipped = [
    "dyn_array",
    "dyn_set",
    "dyn_call_arg",
    "dyn_ref_key",
    "dyn_in_not",
    "assigned",
    "scalar",
    "array_pattern",
    "every_domain",
    "some_in_composite",
    "head_value",
  ];
  const reached = ["bare_ref", "iterated", "with_modifier", "nested_array", "some_in_ref"];
  const entrypoints = [...skipped, ...reached].map((r) => `test/${r}`);
  const policy = await compileRego([MODULE], entrypoints);
  for (const r of skipped) assert.equal(policy.answer(`test/${r}`, { obj: {} }), "undefined", r);
  for (const r of reached) {
    const a = policy.answer(`test/${r}`, { obj: {} });
    assert.ok(typeof a === "object" && "error" in a && CONFLICT.test(a.error), `${r}: ${JSON.stringify(a)}`);
  }
});

Deno.test("rule index: a scalar entry compares the value; a defined entry only needs the ref", async () => {
  const policy = await compileRego([MODULE], ["test/scalar", "test/assigned"]);
  assert.equal(policy.answer("test/scalar", { obj: { a: 2 } }), "undefined");
  const a = policy.answer("test/scalar", { obj: { a: 1 } });
  assert.ok(typeof a === "object" && "error" in a && CONFLICT.test(a.error));
  const b = policy.answer("test/assigned", { obj: { a: false } });
  assert.ok(typeof b === "object" && "error" in b && CONFLICT.test(b.error));
});

Deno.test("order: a nested call is evaluated before the comprehension beside it", async () => {
  const policy = await compileRego([MODULE], ["test/order_calls"]);
  assert.deepEqual(policy.answer("test/order_calls", {}), { result: [] });
});
