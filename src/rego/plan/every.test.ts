/**
 * `every`, and negation over iteration: a body that iterates must be undefined for an element
 * only when no binding of it succeeds. Each expectation is OPA's answer (checked with the OPA
 * oracle, v0.47).
 */
import assert from "node:assert/strict";
import { compileRego } from "../testing/evaluate.ts";

const MODULE = `package test
p1 if { every c in input.need { input.have[_] == c } }
p2 if { every c in input.need { some h in input.have; h == c } }
f(x) if { every c in x { input.have[_] == c } }
p3 if f(input.need)
p4 if { every c in input.need { every d in input.have { d != c } } }
p5 if { every c in input.need { every d in input.have { input.have[_] == d; d != c } } }
p6 := [c | some c in input.need; every d in input.have { some e in input.have; e == d; d != c }]
p7 if { every c in input.need { input.have[_] == c } with input.have as ["admin", "x"] }
q1 if { input.have[_] == "admin" }
p8 if { not q1 }
p10 if { every c in input.need { not input.have[c] } }
p11 if { every k, v in input.obj { input.have[_] == v; k != "z" } }
p12 if { every c in set() { c } }
p14 if { every c in input.need { some y in input.have; y == c; every z in input.need { z != y; z == c } } }
r1 if { input.have[_] == input.v }
p15 if { every x in input.need { r1 with input.v as x } }
p16 := {c: ok | some c in input.need; ok := [1 | every d in input.have { d == c }]}
p17 if { every c in input.need { [x | x := input.have[_]; x == c][0] } }
g(x) := 1 if { every c in input.need { input.have[_] == c } } else := 2
p18 := g(1)
p19 if { not p1 }
`;

/** Per input, each rule's value ("undefined" when it has none). */
const TABLE: { input: unknown; want: Record<string, unknown> }[] = [
  {
    input: { "need": ["admin"], "have": ["user"], "obj": { "a": "user" } },
    want: {
      "p1": "undefined",
      "p2": "undefined",
      "p3": "undefined",
      "p4": true,
      "p5": true,
      "p6": ["admin"],
      "p7": true,
      "p8": true,
      "p10": true,
      "p11": true,
      "p12": true,
      "p14": "undefined",
      "p15": "undefined",
      "p16": { "admin": [] },
      "p17": "undefined",
      "p18": 2,
      "p19": true,
    },
  },
  {
    input: { "need": ["admin"], "have": ["user", "admin"], "obj": { "a": "user", "z": "admin" } },
    want: {
      "p1": true,
      "p2": true,
      "p3": true,
      "p4": "undefined",
      "p5": "undefined",
      "p6": [],
      "p7": true,
      "p8": "undefined",
      "p10": true,
      "p11": "undefined",
      "p12": true,
      "p14": "undefined",
      "p15": true,
      "p16": { "admin": [] },
      "p17": true,
      "p18": 1,
      "p19": "undefined",
    },
  },
  {
    input: { "need": ["admin", "user"], "have": ["admin"], "obj": { "a": "admin" } },
    want: {
      "p1": "undefined",
      "p2": "undefined",
      "p3": "undefined",
      "p4": "undefined",
      "p5": "undefined",
      "p6": ["user"],
      "p7": "undefined",
      "p8": "undefined",
      "p10": true,
      "p11": true,
      "p12": true,
      "p14": "undefined",
      "p15": "undefined",
      "p16": { "admin": [1], "user": [] },
      "p17": "undefined",
      "p18": 2,
      "p19": true,
    },
  },
  {
    input: { "need": [], "have": [], "obj": {} },
    want: {
      "p1": true,
      "p2": true,
      "p3": true,
      "p4": true,
      "p5": true,
      "p6": [],
      "p7": true,
      "p8": true,
      "p10": true,
      "p11": true,
      "p12": true,
      "p14": true,
      "p15": true,
      "p16": {},
      "p17": true,
      "p18": 1,
      "p19": "undefined",
    },
  },
  {
    input: { "need": ["a", "b"], "have": ["b", "a", "c"], "obj": { "a": "a", "b": "c" } },
    want: {
      "p1": true,
      "p2": true,
      "p3": true,
      "p4": "undefined",
      "p5": "undefined",
      "p6": [],
      "p7": "undefined",
      "p8": true,
      "p10": true,
      "p11": true,
      "p12": true,
      "p14": "undefined",
      "p15": true,
      "p16": { "a": [], "b": [] },
      "p17": true,
      "p18": 1,
      "p19": "undefined",
    },
  },
];

Deno.test("every and not over iterating bodies decide as OPA does", async () => {
  const rules = Object.keys(TABLE[0].want);
  const policy = await compileRego([MODULE], rules.map((r) => `test/${r}`));
  for (const { input, want } of TABLE) {
    const got = Object.fromEntries(rules.map((r) => {
      const a = policy.answer(`test/${r}`, input);
      return [r, a === "undefined" ? a : "result" in a ? a.result : a];
    }));
    assert.deepEqual(got, want, `input ${JSON.stringify(input)}`);
  }
});

Deno.test("every: the issue's example is undefined when a needed role is missing", async () => {
  const policy = await compileRego([
    "package authz\nallowed if { every c in input.need { input.have[_] == c } }",
  ], ["authz/allowed"]);
  assert.equal(policy.answer("authz/allowed", { need: ["admin"], have: ["user"] }), "undefined");
  assert.deepEqual(policy.answer("authz/allowed", { need: ["admin"], have: ["user", "admin"] }), {
    result: true,
  });
});

// OPA v0.47 answers true here; OPA requires a collection since open-policy-agent/opa#6763 (May 2024).
Deno.test("every over a domain that is not a collection is undefined", async () => {
  const policy = await compileRego([
    "package t\ndefault p := 1\np := 2 if { every v in input.x { v > 1 } }",
  ], ["t/p"]);
  for (const x of [42, "foobar", true, null]) assert.deepEqual(policy.answer("t/p", { x }), { result: 1 });
  assert.deepEqual(policy.answer("t/p", { x: [2, 3] }), { result: 2 });
});
