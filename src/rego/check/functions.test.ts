import assert from "node:assert/strict";
import { checkErrors, checkOk } from "./test_support.ts";

Deno.test("functions: an unknown function is a type error at the call", () => {
  assert.deepEqual(
    checkErrors(`package a
p if { foo(1) }`),
    ["2:8: rego_type_error: undefined function foo"],
  );
  assert.deepEqual(
    checkErrors(
      `package a
import data.lib
p if { lib.nope(1) }`,
      `package lib
f(x) := x`,
    ),
    ["3:8: rego_type_error: undefined function data.lib.nope"],
  );
});

Deno.test("functions: calling a rule that is not a function is an unknown function", () => {
  assert.deepEqual(
    checkErrors(`package a
q := 1
p if { q(1) }`),
    ["3:8: rego_type_error: undefined function data.a.q"],
  );
});

Deno.test("functions: wrong argument counts give the expected signature", () => {
  assert.deepEqual(
    checkErrors(`package a
p if { x := concat(","); x }`),
    [
      "2:13: rego_type_error: concat: too few arguments\n\thave: (any)\n\twant: (any, any)",
    ],
  );
  assert.deepEqual(
    checkErrors(`package a
f(x) := x
p if { [f(1, 2, 3)] }`),
    [
      "3:9: rego_type_error: data.a.f: too many arguments\n\thave: (any, any, any)\n\twant: (any)",
    ],
  );
});

Deno.test("functions: an extra output argument is only allowed at the top of an expression", () => {
  checkOk(`package a
p if { count([1], n); n == 1 }`);
  assert.deepEqual(
    checkErrors(`package a
p if { x := [count([1], 1)]; x }`),
    [
      "2:14: rego_type_error: count: too many arguments\n\thave: (any, any)\n\twant: (any)",
    ],
  );
});

Deno.test("functions: print takes any number of arguments", () => {
  checkOk(`package a
p if { print(); print(1, 2, 3, 4, 5) }`);
});

Deno.test("functions: deprecated built-ins are unknown in v1 modules but fine in v0", () => {
  assert.deepEqual(
    checkErrors(`package a
p if { any([true]) }`),
    ["2:8: rego_type_error: undefined function any"],
  );
  assert.deepEqual(
    checkErrors(`package a
p if { x := cast_string(1); x }`),
    ["2:13: rego_type_error: undefined function cast_string"],
  );
  checkOk(`# v0
package a
p { any([true]); re_match("a", "a"); net.cidr_overlap("10.0.0.0/8", "10.1.2.3") }`);
});
