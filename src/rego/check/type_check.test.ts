import * as assert from "node:assert/strict";
import { lookupBuiltin } from "../builtins/catalog.ts";
import { builtinSignature, typedBuiltins } from "./builtin_types.ts";
import { checkErrors, checkOk } from "./test_support.ts";

/** The first line of each diagnostic: `row:col: code: message`. */
function firstLines(...texts: string[]): string[] {
  return checkErrors(...texts).map((d) => d.split("\n")[0]);
}

Deno.test("types: unifying arrays of different lengths is a match error", () => {
  assert.deepEqual(checkErrors(`package t\np if {\n  [x, "a"] = [1, 2]\n}`), [
    "3:3: rego_type_error: match error\n\tleft  : array<any, string>\n\tright : array<number, number>",
  ]);
  // (with literals of different lengths nothing is bound: the safety stage reports it, as OPA's)
  assert.deepEqual(firstLines(`package t\np if {\n  [x] = [1, 2]\n}`), [
    "3:4: rego_unsafe_var_error: var x is unsafe",
  ]);
  // := is unification too, and a local keeps the type of what it was bound to
  assert.deepEqual(firstLines(`package t\np if {\n  x := [1, 2, 3]\n  [a, b] := x\n}`), [
    "4:3: rego_type_error: match error",
  ]);
  checkOk(`package t\np if {\n  [x, y] = [1, 2]\n  x == y\n}`);
});

Deno.test("types: scalars and objects that can never be equal", () => {
  assert.deepEqual(firstLines(`package t\np if 1 = "a"`), ["2:6: rego_type_error: match error"]);
  assert.deepEqual(firstLines(`package t\np if {"a": 1} = {"b": input.x}`), [
    "2:6: rego_type_error: match error",
  ]);
  assert.deepEqual(firstLines(`package t\np if {\n  n := count([1])\n  n = "a"\n}`), [
    "4:3: rego_type_error: match error",
  ]);
  // An expression a == b is a unification to the type checker (OPA's RewriteEquals; the OPA
  // oracle reports this match error); unknown values (input, data, rules) match anything
  assert.deepEqual(firstLines(`package t\np if 1 == "a"`), ["2:6: rego_type_error: match error"]);
  checkOk(`package t\np if {\n  input.x = [a, b]\n  data.t.q = 1\n  q = "s"\n}\nq := 1`);
  checkOk(`package t\np if {\n  k := input.k\n  {"a": x} = {"a": 1, k: 2}\n  x > 0\n}`);
});

Deno.test("types: `some v in xs` needs an element of xs that can match v", () => {
  assert.deepEqual(firstLines(`package t\np if {\n  some [x, y] in [[1, 2, 3]]\n}`), [
    "3:3: rego_type_error: match error",
  ]);
  assert.deepEqual(firstLines(`package t\np if {\n  some [1] in {[1, 2]}\n}`), [
    "3:3: rego_type_error: match error",
  ]);
  // one element that fits is enough; a key/value form checks the value
  checkOk(`package t\np if {\n  some [1] in [[1, 2], [1]]\n}`);
  checkOk(`package t\np if {\n  some i, [x, y] in [[1, 2]]\n  i + x + y > 0\n}`);
  checkOk(`package t\np if {\n  some [x, y] in input.pairs\n  x == y\n}`);
  // the element type binds the pattern's variables
  assert.deepEqual(firstLines(`package t\np if {\n  some x in ["a"]\n  x = 1\n}`), [
    "4:3: rego_type_error: match error",
  ]);
});

Deno.test("types: built-in arguments of the wrong type are invalid", () => {
  assert.deepEqual(checkErrors(`package t\np := count(1)`), [
    "2:6: rego_type_error: count: invalid argument(s)\n\thave: (number)\n\twant: " +
    "(any<string, array[any], object[any: any], set[any]>)",
  ]);
  assert.deepEqual(firstLines(`package t\np := "a" + 1`), [
    "2:6: rego_type_error: plus: invalid argument(s)",
  ]);
  assert.deepEqual(firstLines(`package t\np := sum(["a"])`), [
    "2:6: rego_type_error: sum: invalid argument(s)",
  ]);
  assert.deepEqual(firstLines(`package t\np := concat(",", ["a", 1])`), [
    "2:6: rego_type_error: concat: invalid argument(s)",
  ]);
  // a nested call's result type counts; a local's type too
  assert.deepEqual(firstLines(`package t\np := upper(count("ab"))`), [
    "2:6: rego_type_error: upper: invalid argument(s)",
  ]);
  assert.deepEqual(firstLines(`package t\np if {\n  x := 5\n  count(x) > 0\n}`), [
    "4:3: rego_type_error: count: invalid argument(s)",
  ]);
  // in comprehensions and else branches; not in every bodies, where OPA (the OPA oracle, v0.47)
  // reports none
  assert.deepEqual(firstLines(`package t\np := [x | x := lower(1)]`), [
    "2:16: rego_type_error: lower: invalid argument(s)",
  ]);
  checkOk(`package t\np if {\n  every x in input.xs {\n    x == upper(1)\n  }\n}`);
  assert.deepEqual(firstLines(`package t\np := 1 if false\nelse := abs("x")`), [
    "3:9: rego_type_error: abs: invalid argument(s)",
  ]);
});

Deno.test("types: what OPA declares as any is not checked", () => {
  checkOk(`package t\np := semver.is_valid(1)`); // OPA: semver.is_valid(any)
  checkOk(`package t\np := {1} - {2}`); // minus takes numbers or sets
  checkOk(`package t\np := count(input.x) + sum([1, 2.5])`);
  checkOk(`package t\np := is_string(1)`);
  checkOk(`package t\nf(x) := upper(x)\np := f(1)`); // user functions: unchecked
});

Deno.test("types: every typed built-in is in the catalog with the same arity", () => {
  for (const name of typedBuiltins()) {
    assert.equal(lookupBuiltin(name)?.args, builtinSignature(name)?.args.length, name);
  }
});

Deno.test("types: an expression a == b is checked as a unification, as OPA does after RewriteEquals", () => {
  assert.deepEqual(checkErrors(`package a\np if { "x" == true }`), [
    "2:8: rego_type_error: match error\n\tleft  : string\n\tright : boolean",
  ]);
  assert.deepEqual(checkErrors(`package a\np if { not [1, 2] == 1 }`).length, 1);
  // Inside a call it stays a comparison of any two values.
  checkOk(`package a\np := x if { x := ("x" == true) }`);
});
