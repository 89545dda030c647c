import assert from "node:assert/strict";
import { RegoSet } from "./rego_set.ts";
import { assertFails, call } from "./test_support.ts";

Deno.test("array.concat / slice / reverse", () => {
  assert.deepEqual(call("array.concat", [1, 2], [3]), [1, 2, 3]);
  assert.deepEqual(call("array.slice", [1, 2, 3], 0, 2), [1, 2]);
  assert.deepEqual(call("array.slice", [1, 2, 3], -5, 5), [1, 2, 3]);
  assert.deepEqual(call("array.slice", [1, 2, 3], 5, 5), []);
  assert.deepEqual(call("array.slice", [1, 2, 3], 2, 1), []);
  assert.deepEqual(call("array.reverse", [1, 2, 3]), [3, 2, 1]);
  assertFails("array.slice", [1, 2, 3], "array.slice: operand 1 must be array but got number");
  assertFails("array.slice", [[2], "1", 2], "array.slice: operand 2 must be number but got string");
  assertFails(
    "array.slice",
    [[5], 1.1, 2],
    "array.slice: operand 2 must be integer number but got floating-point number",
  );
  assertFails(
    "array.slice",
    [[5], 1, 2.1],
    "array.slice: operand 3 must be integer number but got floating-point number",
  );
});

Deno.test("intersection and union of sets", () => {
  assert.deepEqual(call("intersection", [[1, 2, 3], [2, 3, 4], [3, 2]]), [2, 3]);
  assert.deepEqual(call("intersection", []), []);
  assert.deepEqual(call("union", [[3, 1], [2, 1], []]), [1, 2, 3]);
  assertFails("union", [[1]], "union: operand 1 must be set of sets");
});

Deno.test("aggregates", () => {
  assert.equal(call("count", "aμ"), 2);
  assert.equal(call("count", [1, 2]), 2);
  assert.equal(call("count", { a: 1 }), 1);
  assertFails("count", [1], "count: operand 1 must be one of {array, object, set, string} but got number");
  assert.equal(call("sum", [1, 2.5]), 3.5);
  assert.equal(call("product", [-1, 3, 2]), -6);
  assert.equal(call("product", []), 1);
  assertFails("sum", [["a"]], "sum: operand 1 must be array of numbers but got array containing string");
  assert.equal(call("max", [1, "a", null]), "a");
  assert.equal(call("min", [1, "a", null]), null);
  assert.equal(call("max", []), undefined);
  assert.deepEqual(call("sort", [3, "a", [1], null, { b: 1 }, false, 1]), [null, false, 1, 3, "a", [1], {
    b: 1,
  }]);
  assertFails("sort", [{}], "sort: operand 1 must be one of {array, set} but got object");
  assert.equal(call("all", [true, true]), true);
  assert.equal(call("any", [false, 1]), false);
});

Deno.test("numbers.range, range_step and rand.intn", () => {
  assert.deepEqual(call("numbers.range", 1, 5), [1, 2, 3, 4, 5]);
  assert.deepEqual(call("numbers.range", -1, -5), [-1, -2, -3, -4, -5]);
  assert.deepEqual(call("numbers.range", 8, 8), [8]);
  assertFails(
    "numbers.range",
    [1.01, 5],
    "numbers.range: operand 1 must be integer number but got floating-point number",
  );
  assert.deepEqual(call("numbers.range_step", 0, 10, 3), [0, 3, 6, 9]);
  assert.deepEqual(call("numbers.range_step", 10, 0, 5), [10, 5, 0]);
  assertFails(
    "numbers.range_step",
    [0, 10, 0],
    "numbers.range_step: step must be a positive number above zero",
  );
  const x = call("rand.intn", "x", 50000) as number;
  assert.ok(Number.isInteger(x) && x >= 0 && x < 50000);
  assert.equal(call("rand.intn", "x", 50000), x);
  assert.equal(call("rand.intn", "b", 0), 0);
  assertFails("rand.intn", [1, 2], "rand.intn: operand 1 must be string but got number");
  assertFails(
    "rand.intn",
    ["a", 10.3],
    "rand.intn: operand 2 must be integer number but got floating-point number",
  );
});

Deno.test("arithmetic and bits helpers", () => {
  assert.equal(call("abs", -3), 3);
  assert.equal(call("round", 2.5), 3);
  assert.equal(call("round", -2.5), -3);
  assert.equal(call("ceil", 1.1), 2);
  assert.equal(call("floor", -1.1), -2);
  assert.equal(call("bits.and", 12, 10), 8);
  assert.equal(call("bits.or", 12, 10), 14);
  assert.equal(call("bits.xor", 12, 10), 6);
  assert.equal(call("bits.negate", 5), -6);
  assert.equal(call("bits.lsh", 1, 10), 1024);
  assert.equal(call("bits.rsh", -8, 1), -4);
});

Deno.test("to_number and type built-ins", () => {
  assert.equal(call("to_number", null), 0);
  assert.equal(call("to_number", true), 1);
  assert.equal(call("to_number", "-1.5e2"), -150);
  assertFails("to_number", ["12abc"], 'to_number: strconv.ParseFloat: parsing "12abc": invalid syntax');
  assertFails(
    "to_number",
    [[]],
    "to_number: operand 1 must be one of {null, boolean, number, string} but got array",
  );
  assert.equal(call("type_name", { a: 1 }), "object");
  assert.equal(call("type_name", null), "null");
  assert.equal(call("is_number", 1), true);
  assert.equal(call("is_string", 1), false);
  assert.equal(call("is_object", []), false);
  assert.equal(call("is_array", []), true);
});

Deno.test("graph.reachable and graph.reachable_paths", () => {
  const graph = { a: ["b"], b: ["c"], c: ["a"], d: [], e: ["f"] };
  assert.deepEqual(call("graph.reachable", graph, ["a"]), ["a", "b", "c"]);
  assert.deepEqual(call("graph.reachable", graph, ["d", "x"]), ["d"]);
  assert.deepEqual(call("graph.reachable_paths", { a: ["b", "c"], b: ["d"], c: [], d: [] }, ["a"]), [
    ["a", "b", "d"],
    ["a", "c"],
  ]);
});

Deno.test("opa.runtime exposes no environment; trace is true", () => {
  const rt = call("opa.runtime") as Record<string, unknown>;
  assert.deepEqual(rt.env, {});
  assert.equal(call("trace", "note"), true);
});

Deno.test("array.flatten: one level (OPA's test cases)", () => {
  assert.deepEqual(call("array.flatten", []), []);
  assert.deepEqual(call("array.flatten", [[[1], [2, 3, []]], [[4, 5]]]), [[1], [2, 3, []], [4, 5]]);
  assert.deepEqual(call("array.flatten", [[1, 2], "s", [3, { a: "b" }], 4.5, [6, [7, 8]]]), [
    1,
    2,
    "s",
    3,
    { a: "b" },
    4.5,
    6,
    [7, 8],
  ]);
  assertFails("array.flatten", [42], "array.flatten: operand 1 must be array but got number");
});

Deno.test("set_diff and the cast_* built-ins (Rego v0)", () => {
  assert.deepEqual(call("set_diff", [3, 1, 2], [2]), [1, 3]);
  assert.deepEqual(call("cast_set", [2, 1, 1]), new RegoSet([1, 2]));
  assert.deepEqual(call("cast_array", [2, 1]), [2, 1]);
  assert.equal(call("cast_null", null), null);
  assertFails("cast_null", [1], "cast_null: operand 1 must be null but got number");
  assertFails("cast_array", ["x"], "cast_array: operand 1 must be one of {array, set} but got string");
  assertFails("cast_object", [[]], "cast_object: operand 1 must be object but got array");
});
