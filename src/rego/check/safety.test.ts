import assert from "node:assert/strict";
import { checkErrors, checkOk, ruleText } from "./test_support.ts";
import { compileRego } from "../testing/evaluate.ts";

Deno.test("safety: an expression moves after the one that binds its input", () => {
  const p = checkOk(`package x
p if { y := x + 1; x = 2 }`);
  assert.equal(ruleText(p, "p"), "p if {\n  x = 2\n  y = x + 1\n}");
});

Deno.test("safety: unification binds in either direction and chains through several moves", () => {
  const p = checkOk(`package x
p if { z > 3; z = y * 2; y = x + 1; x = input.n }`);
  assert.equal(
    ruleText(p, "p"),
    "p if {\n  x = input.n\n  y = x + 1\n  z = y * 2\n  z > 3\n}",
  );
});

Deno.test("safety: iteration over a bound ref binds its path vars; order is kept when already safe", () => {
  const p = checkOk(`package x
p if { input.a[i] = x; x > 1; i != 0 }`);
  assert.equal(ruleText(p, "p"), "p if {\n  input.a[i] = x\n  x > 1\n  i != 0\n}");
});

Deno.test("safety: comparison before the iteration that binds its operand is moved", () => {
  const p = checkOk(`package x
p if { x > 1; input.a[_] = x }`);
  assert.equal(ruleText(p, "p"), "p if {\n  input.a[_] = x\n  x > 1\n}");
});

Deno.test("safety: not p[x] with x unbound is unsafe, at the var's location", () => {
  const errs = checkErrors(`package x
q contains 1
p if { not q[x] }`);
  assert.deepEqual(errs, ["3:14: rego_unsafe_var_error: var x is unsafe"]);
});

Deno.test("safety: a negated expression moves after the binding of its vars", () => {
  const p = checkOk(`package x
q contains 1
p if { not q[x]; x = input.x }`);
  assert.equal(ruleText(p, "p"), "p if {\n  x = input.x\n  not data.x.q[x]\n}");
});

Deno.test("safety: call arguments and comparison operands must be bound", () => {
  assert.deepEqual(
    checkErrors(`package x
p if { startswith(s, "a") }`),
    ["2:19: rego_unsafe_var_error: var s is unsafe"],
  );
  assert.deepEqual(
    checkErrors(`package x
p if { a < 3 }`),
    ["2:8: rego_unsafe_var_error: var a is unsafe"],
  );
});

// OPA's order: each pass takes every ready expression in turn, so `b > a` (ready after the
// first pattern) still comes after the later expressions that were ready in the same pass.
Deno.test("safety: array and object patterns bind their vars", () => {
  const p = checkOk(`package x
p if { b > a; [a, b] = input.pair; {"k": c} = input.o; c }`);
  assert.equal(
    ruleText(p, "p"),
    'p if {\n  [a, b] = input.pair\n  {"k": c} = input.o\n  c\n  b > a\n}',
  );
});

Deno.test("safety: object keys in a pattern are not bound by unification", () => {
  assert.deepEqual(
    checkErrors(`package x
p if { {k: 1} = input.o }`),
    ["2:9: rego_unsafe_var_error: var k is unsafe"],
  );
});

Deno.test("safety: head vars must be bound by the body", () => {
  assert.deepEqual(
    checkErrors(`package x
p contains y if { input.x }`),
    ["2:12: rego_unsafe_var_error: var y is unsafe"],
  );
  assert.deepEqual(
    checkErrors(`package x
p[k] := 1 if { input.x }`),
    ["2:3: rego_unsafe_var_error: var k is unsafe"],
  );
});

Deno.test("safety: function arguments are bound on entry, including patterns", () => {
  const p = checkOk(`package x
f([a, b]) := c if { c := a + b }`);
  assert.equal(ruleText(p, "f"), "f([a, b]) := c if {\n  c = a + b\n}");
});

Deno.test("safety: some-in binds key and value patterns after the collection is bound", () => {
  const p = checkOk(`package x
p if { some k, v in xs; v > k; xs = input.list; some [a, b] in input.pairs; a = b }`);
  assert.equal(
    ruleText(p, "p"),
    "p if {\n  xs = input.list\n  some [a, b] in input.pairs\n  a = b\n  some k, v in xs\n  v > k\n}",
  );
});

Deno.test("safety: x in xs (membership, not some) needs x bound", () => {
  assert.deepEqual(
    checkErrors(`package x
p if { x in input.xs }`),
    ["2:8: rego_unsafe_var_error: var x is unsafe"],
  );
});

Deno.test("safety: a comprehension captures outer vars, which must be bound first", () => {
  const p = checkOk(`package x
p if { ys := [y | some y in input.ys; y > m]; m = 10; count(ys) > 0 }`);
  assert.equal(
    ruleText(p, "p"),
    "p if {\n  m = 10\n  ys = [y | some y in input.ys; y > m]\n  count(ys) > 0\n}",
  );
});

Deno.test("safety: a var declared with := after a comprehension is not the comprehension's (as in OPA)", () => {
  assert.deepEqual(
    checkErrors(`package x
p if { ys := [y | some y in input.ys; y > m]; m := 10; count(ys) > m }`),
    [
      "2:43: rego_unsafe_var_error: var m is unsafe",
    ],
  );
});

Deno.test("safety: a comprehension's own body is reordered and its head must be bound", () => {
  const p = checkOk(`package x
p := [y | y > 1; y = input.a[_]]`);
  assert.equal(ruleText(p, "p"), "p := [y | y = input.a[_]; y > 1]");
  assert.deepEqual(
    checkErrors(`package x
p := [z | input.a[_] = y]`),
    ["2:7: rego_unsafe_var_error: var z is unsafe"],
  );
});

Deno.test("safety: vars used only inside a comprehension are its locals", () => {
  const p = checkOk(`package x
p if { n := count([x | x = input.a[_]]); x := 1; n > x }`);
  assert.equal(
    ruleText(p, "p"),
    "p if {\n  n = count([x | x = input.a[_]])\n  $x_1 = 1\n  n > $x_1\n}",
  );
});

Deno.test("safety: every body sees its key and value, and outer vars once bound", () => {
  const p = checkOk(`package x
p if { every k, v in input.o { v > lim; k != "" }; lim = 3 }`);
  assert.equal(
    ruleText(p, "p"),
    'p if {\n  lim = 3\n  every k, v in input.o {\n    v > lim\n    k != ""\n  }\n}',
  );
  assert.deepEqual(
    checkErrors(`package x
p if { every v in input.xs { v > w } }`),
    ["2:34: rego_unsafe_var_error: var w is unsafe"],
  );
});

Deno.test("safety: every body is reordered", () => {
  const p = checkOk(`package x
p if { every v in input.xs { y > 1; y = v * 2 } }`);
  assert.equal(ruleText(p, "p"), "p if {\n  every v in input.xs {\n    y = v * 2\n    y > 1\n  }\n}");
});

Deno.test("safety: with values must be bound", () => {
  assert.deepEqual(
    checkErrors(`package x
q := input.a
p if { q with input.a as w }`),
    ["3:26: rego_unsafe_var_error: var w is unsafe"],
  );
});

Deno.test("safety: else bodies are checked and reordered on their own", () => {
  const p = checkOk(`package x
p := 1 if { input.x } else := y if { y > 1; y = input.y }`);
  assert.equal(ruleText(p, "p"), "p := 1 if {\n  input.x\n} else := y if {\n  y = input.y\n  y > 1\n}");
  assert.deepEqual(
    checkErrors(`package x
p := 1 if { input.x } else := z if { input.y }`),
    ["2:31: rego_unsafe_var_error: var z is unsafe"],
  );
});

Deno.test("safety: renamed locals are reported under their source name", () => {
  const errs = checkErrors(`package x
p if { x := 1; ys := [x | x := y]; count(ys) > x }`);
  assert.deepEqual(errs, [
    "2:27: rego_unsafe_var_error: var x is unsafe",
    "2:32: rego_unsafe_var_error: var y is unsafe",
  ]);
});

Deno.test("safety: a head that iterates a ref moves into the body, as OPA rewrites it", () => {
  const p = checkOk(`package x
p := {xs[_]: 1 | xs := ["a", "b"]}
q contains input.a[_] if { true }`);
  assert.equal(ruleText(p, "p"), 'p := {$ref_1: 1 | xs = ["a", "b"]; $ref_1 = xs[_]}');
  assert.equal(ruleText(p, "q"), "q contains $ref_1 if {\n  true\n  $ref_1 = input.a[_]\n}");
});

Deno.test("safety: a pattern key of a ref binds its vars (each key is unified with it)", async () => {
  const text = `package test
r[[1, 2]] := true
r[[1, 3]] := true
r[[2, 4]] := true
p := [x | data.test.r[[1, x]]]`;
  checkOk(text);
  const policy = await compileRego([text], ["test/p"]);
  assert.deepEqual(policy.answer("test/p"), { result: [2, 3] });
});
