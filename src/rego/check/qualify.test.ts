import assert from "node:assert/strict";
import { check } from "./index.ts";
import { checkErrors, checkOk, importOf, module, rule, ruleText } from "./test_support.ts";

Deno.test("qualify: rule names of the package become data refs", () => {
  const p = checkOk(`package a.b
q contains 1
r := {"k": 2}
p if { q[x]; r.k == x }`);
  assert.equal(ruleText(p, "p"), "p if {\n  data.a.b.q[x]\n  data.a.b.r.k == x\n}");
});

Deno.test("qualify: rules of the same package in another module are found too", () => {
  const p = checkOk(
    `package a
p if { q }`,
    `package a
q := true`,
  );
  assert.equal(ruleText(p, "p"), "p if {\n  data.a.q\n}");
});

Deno.test("qualify: imported names expand to their paths", () => {
  const p = checkOk(
    `package a
import data.lib
import data.lib.limits as lim
import input.user as u
p if { lib.f(u.name); lim.max > 1; u }`,
    `package lib
f(x) := x
limits := {"max": 2}`,
  );
  assert.equal(
    ruleText(p, "p"),
    "p if {\n  data.lib.f(input.user.name)\n  data.lib.limits.max > 1\n  input.user\n}",
  );
});

Deno.test("qualify: an alias means its own module's import, also when modules reuse it", () => {
  // (conformance import/tests.yaml "overload error does not leak callee module imports")
  const p = checkOk(
    `package rules
import data.lib
import data.liby as ali
main := [v, w] if {
  v := lib.f(1)
  w := ali.h(1)
}`,
    `package lib
import data.libx as ali
f(x) := y if y := ali.h(x)`,
    `package libx
h(_) := "WRONG"`,
    `package liby
h(_) := "RIGHT"`,
  );
  assert.equal(ruleText(p, "main"), "main := [v, w] if {\n  v = data.lib.f(1)\n  w = data.liby.h(1)\n}");
  const lib = p.modules[1];
  assert.equal(ruleText({ ...p, modules: [lib] }, "f"), "f(x) := y if {\n  y = data.libx.h(x)\n}");
});

Deno.test("qualify: an import wins over a rule of the same name, as in OPA (getGlobals)", () => {
  // (conformance import/tests.yaml "import alias shadowed by rule" expects the rule: regorus's choice)
  const p = checkOk(
    `package rules
import data.lib as lib_alias
lib_alias := {"value": "from rule"}
shadow if lib_alias.value == "from rule"`,
    `package lib
value := "from data"`,
  );
  assert.equal(ruleText(p, "shadow"), 'shadow if {\n  data.lib.value == "from rule"\n}');
});

Deno.test("qualify: calls to functions of the package get their full path; built-ins stay", () => {
  const p = checkOk(`package a
f(x) := x + 1
p if { f(1) == 2; strings.replace_n({"a": "b"}, "a") == "b"; count([]) == 0 }`);
  assert.equal(
    ruleText(p, "p"),
    'p if {\n  data.a.f(1) == 2\n  strings.replace_n({"a": "b"}, "a") == "b"\n  count([]) == 0\n}',
  );
});

Deno.test("qualify: future.keywords and rego.v1 imports are ignored", () => {
  const p = checkOk(`# v0
package a
import future.keywords.in
import future.keywords
import rego.v1
p if { 1 in [1] }`);
  assert.equal(p.modules.length, 1);
});

Deno.test("qualify: locals declared in the body shadow rule names and imports", () => {
  const p = checkOk(`package a
import input.u
q := 1
p if { some q in input.xs; u := 2; q > u }`);
  assert.equal(ruleText(p, "p"), "p if {\n  some q in input.xs\n  u = 2\n  q > u\n}");
});

Deno.test("qualify: with targets become full refs; built-in names stay", () => {
  const p = checkOk(`package a
import data.lib
f(x) := 1
mock(x) := 2
q := f(1)
p if { q with input.a as 1 with f as mock with lib.v as 3 with count as mock }`);
  assert.equal(
    ruleText(p, "p"),
    "p if {\n  data.a.q with input.a as 1 with data.a.f as data.a.mock with data.lib.v as 3 with count as data.a.mock\n}",
  );
});

Deno.test("imports: unknown roots are errors, at the import (AST input: the parser rejects them too)", () => {
  const bad = importOf("foo.bar");
  const r = check([module("a", [rule("p")], [bad])]);
  assert.deepEqual(r.diagnostics, [{
    code: "rego_compile_error",
    message: "invalid import foo.bar: path must begin with input or data",
    location: bad.loc,
  }]);
});

Deno.test("imports: duplicate names are errors in v1 modules, not in v0", () => {
  assert.deepEqual(
    checkErrors(`package a
import data.x.lib
import data.y.lib
p := 1`),
    ["3:1: rego_compile_error: import must not shadow import data.x.lib"],
  );
  checkOk(`# v0
package a
import data.x.lib
import data.y.lib
p := 1`);
});

Deno.test("qualify: rules and args must not shadow input or data", () => {
  assert.deepEqual(
    checkErrors(`package a
f(input) := 1`),
    ["2:3: rego_compile_error: args must not shadow input (use a different variable name)"],
  );
});

Deno.test("qualify: an import wins over a package rule of the same first name", () => {
  const p = checkOk(
    `package rules
import data.lib
lib.double(x) := 100 * x
main := lib.double(3)`,
    `package lib
double(x) := 2 * x`,
  );
  assert.equal(ruleText(p, "main"), "main := data.lib.double(3)");
});

Deno.test("qualify: a with value naming a function that replaces a function is marked as a replacement", () => {
  const p = checkOk(
    `package a
import data.lib
mock(x) := 2
k := 1
p if { count([]) with count as mock with concat as lib.join with object.union_n as count with abs as k with input.x as 1 }`,
    `package lib
join(a, b) := "j"`,
  );
  const rule = p.modules[0].rules.find((r) =>
    r.head.ref[0].type === "string" && r.head.ref[0].value === "p"
  )!;
  const e = rule.body[0] as Extract<typeof rule.body[0], { kind: "term" }>;
  assert.deepEqual(e.with.map((w) => w.replacement), [
    ["data", "a", "mock"],
    ["data", "lib", "join"],
    ["count"],
    undefined, // a rule's value, not a function
    undefined, // input is a document
  ]);
});

Deno.test("functions: a replacement with another number of arguments is an arity mismatch", () => {
  assert.deepEqual(
    checkErrors(`package a
g(x, y) := 2
p if { count([]) with count as g }
q if { count([]) with count as concat }`),
    [
      "3:18: rego_type_error: count: arity mismatch\n\thave: (any, any)\n\twant: (any)",
      "4:18: rego_type_error: count: arity mismatch\n\thave: (any, any)\n\twant: (any)",
    ],
  );
});
