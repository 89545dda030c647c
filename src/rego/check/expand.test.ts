/**
 * Negated expressions expanded as OPA expands them: refs passed to calls and nested calls are
 * evaluated before the negation. Expectations are OPA's answers (the OPA oracle, v0.47).
 */
import assert from "node:assert/strict";
import { compileRego } from "../testing/evaluate.ts";
import { checkOk, ruleText } from "./test_support.ts";

Deno.test("expand: a negated call's ref arguments and nested calls are evaluated before the not", () => {
  const p = checkOk(`package a
p if { not startswith(input.s, upper(input.t)) }`);
  assert.equal(
    ruleText(p, "p"),
    "p if {\n  $dyn_1 = upper(input.t)\n  $dyn_2 = input.s\n  not startswith($dyn_2, $dyn_1)\n}",
  );
});

Deno.test("expand: a unification's sides and a bare ref stay inside the not", () => {
  const p = checkOk(`package a
p if { not input.n == 1; not input.m; not data.a.o[input.k] }
o := {}`);
  assert.equal(
    ruleText(p, "p"),
    "p if {\n  not input.n == 1\n  not input.m\n  $dyn_1 = input.k\n  not data.a.o[$dyn_1]\n}",
  );
});

const MODULE = `package test
n1 if { not input.n - 0.5 }
n3 if { not input.s < is_number(input.xs[0]) }
n5 if { not count(input.xs) }
n6 if { not input.n }
f(x) := true
n7 if { not f(input.n) }
n8 if { not input.n == 1 }
n14 if { not 1 in input.xs }
n15 if { not startswith(input.s, "a") }
obj := {}
n16 if { not obj[input.key] }
n17 if { not [input.a] == [1] }
n18 if { not input }
n20 if { not input.n == input.m }
n22 if { not f(input.n) with input.n as 1 }
g(x) := {"x": false}
n24 if { not g(1).x }
n26 := [x | some x in [1, 2]; not startswith(input.s, "a")]
n27 if { every x in [1] { x == 1; not startswith(input.s, "a") } }
`;

const WANT: [unknown, Record<string, unknown>][] = [
  [{}, {
    n1: "undefined",
    n3: "undefined",
    n5: "undefined",
    n6: true,
    n7: "undefined",
    n8: true,
    n14: "undefined",
    n15: "undefined",
    n16: "undefined",
    n17: "undefined",
    n18: "undefined",
    n20: true,
    n22: "undefined",
    n24: true,
    n26: [],
    n27: "undefined",
  }],
  [{ s: "b", xs: [1], n: 5 }, {
    n1: "undefined",
    n3: true,
    n5: "undefined",
    n6: "undefined",
    n7: "undefined",
    n8: true,
    n14: "undefined",
    n15: true,
    n16: "undefined",
    n17: "undefined",
    n18: "undefined",
    n20: true,
    n22: "undefined",
    n24: true,
    n26: [1, 2],
    n27: true,
  }],
];

Deno.test("expand: negations over undefined arguments decide as OPA does", async () => {
  const rules = Object.keys(WANT[0][1]);
  const policy = await compileRego([MODULE], rules.map((r) => `test/${r}`));
  for (const [input, want] of WANT) {
    const got = Object.fromEntries(rules.map((r) => {
      const a = policy.answer(`test/${r}`, input);
      return [r, a === "undefined" ? a : "result" in a ? a.result : a];
    }));
    assert.deepEqual(got, want, `input ${JSON.stringify(input)}`);
  }
});
