import assert from "node:assert/strict";
import { checkErrors, checkOk } from "./test_support.ts";

Deno.test("recursion: a rule depending on itself", () => {
  assert.deepEqual(
    checkErrors(`package x
p if { p }`),
    ["2:1: rego_recursion_error: rule data.x.p is recursive: data.x.p -> data.x.p"],
  );
});

Deno.test("recursion: a cycle through two rules is reported for each", () => {
  assert.deepEqual(
    checkErrors(`package x
p if { q }
q if { input.a; p }`),
    [
      "2:1: rego_recursion_error: rule data.x.p is recursive: data.x.p -> data.x.q -> data.x.p",
      "3:1: rego_recursion_error: rule data.x.q is recursive: data.x.q -> data.x.p -> data.x.q",
    ],
  );
});

Deno.test("recursion: through functions, comprehensions, packages and imports", () => {
  assert.deepEqual(
    checkErrors(`package x
f(a) := b if { b := [y | y := f(a)] }`),
    [
      "2:1: rego_recursion_error: rule data.x.f is recursive: data.x.f -> data.x.f",
    ],
  );
  assert.deepEqual(
    checkErrors(`package x
import data.x as me
p if { me.q }
q := count(data.x)`),
    [
      "3:1: rego_recursion_error: rule data.x.p is recursive: data.x.p -> data.x.q -> data.x.p",
      "4:1: rego_recursion_error: rule data.x.q is recursive: data.x.q -> data.x.q",
    ],
  );
});

Deno.test("recursion: a chain without a cycle is fine", () => {
  checkOk(
    `package x
p if { q; r }
q if { r }
r if { input.a; data.y.s }`,
    `package y
s := 1`,
  );
});

Deno.test("recursion: a number indexing data is a string key, not every rule", () => {
  checkOk(`package test
a := [data[1], data.test[2]]`);
});
