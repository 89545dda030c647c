/**
 * `with` replacing functions and built-ins, as OPA's own withkeyword cases describe: a built-in
 * or a user function replaced by a value, by a user function or by another built-in; the
 * replacement applies to everything evaluated under the expression (rules, functions,
 * comprehensions), but not inside the body of a replacement function, which sees the originals
 * (a mock may call what it replaces) and only the `with` modifiers written inside it.
 * Expectations are OPA's answers (checked with the OPA oracle, v0.47). This harness has no host
 * built-ins, so a rule calling one fails with the SDK's "not implemented" naming the built-in as the
 * module imports it (`#sets`: its values cross the host boundary through the set codec).
 */
import assert from "node:assert/strict";
import { compileErrors, compileRego } from "../testing/evaluate.ts";

const MODULE = `package test
f0 := 1
w1 := y if { y = time.now_ns() with time.now_ns as f0 }
f1(_) := 1
w2 := y if { y = count([1, 2, 3]) with count as f1 }
q3 if { count([1, 2, 3]) == 1 }
w3 if { q3 with count as f1 }
q4 if { time.now_ns() == 1 }
w4 if { q4 with time.now_ns as f0 }
w5 if { q4 with time.now_ns as f0; not q4 }
mock_count("one") := 1
mock_count(x) := count(x) if { x != "one" }
numbers := {"one", "two", "tree"}
w6 := s if { s := {count(n) | some n in numbers} with count as mock_count }
mock_concat("one", _) := ["one"]
mock_concat("one", x) := x
numbers2 := ["one", "one"]
w7 := s if { s := {concat(n, [n]) | some n in numbers2} with concat as mock_concat }
count_four(4) := 4
count_four(x) := count(x)
q8 := s if { s := {concat(n, [n]) | some n in numbers} with concat as mock_concat; r8 }
r8 if { count(input.four) == 4 }
w8 := y if { y := q8 with concat as mock_concat with count as count_four with input.four as 4 }
g9(x) := count(x)
q9 := y if { y = count([1, 2, 3]) with count as f1 }
w9 := y if { y = q9 with count as g9 }
f10(x) := object.union_n(x) if {x: i | x := ["a", "a"][i]}
g10(x) := count(x)
w10 if { q10 with count as f10 }
q10 if { r10 with object.union_n as g10 }
r10 if { object.union_n([{}]) }
f11(x) := object.union_n(x)
g11(x) := 123 if { count(x); s11 with array.reverse as h11 }
h11(_) := ["replaced"]
w11 if q11 with object.union_n as f11
q11 if r11 with count as g11
r11 if { x := [{"foo": 4}, {"baz": 5}]; count(x) == 123; object.union_n(x) == {"foo": 4, "baz": 5} }
s11 if { x := [{}]; array.reverse(x) == ["replaced"] }
w12 := y if { y = time.now_ns() with time.now_ns as 12300 }
w13 if { time.now_ns() with time.now_ns as false }
w14 if { count([]) == 1 with count as 1 }
w15 if { count([], 1) with count as 1 }
w16 if { count(input) == 1 with count as 1 }
w17 := x if { x = count([{}, {"foo": 3}]) with count as object.union_n }
w18 := x if { x = object.union_n([{}, {"foo": 3}]) with object.union_n as count }
w19 if { count([1, 2, 3]) == 1 with count as [1 | true][0] }
w20 if { q3 with count as [1 | true][0] }
ff(_) := 2
gg(_) := 1
w21 := y if { y = ff(true) with ff as 1 }
w22 := y if { y = ff(true) with ff as gg }
w23 if { ff(true, 1) with ff as gg }
w24 := y if { y = ff([1]) with ff as count }
w25 if { ff([1], 1) with ff as count }
fa(x) := 2
ga(x) := fa(x)
w26 := y if y := fa(1) with fa as ga
fi(_) := 1 if { input.x = "x" }
w27 := y if y := fi(1) with fi as 2
w28 if { fi([1, 2, 3]) == 1 with fi as [1 | true][0] }
w29 := y if { y := [x | some x in [1, 2]; count([x]) > 0] with count as f1 }
w30 := y if { y := q31 with data.test.base as 7 }
base := 1
q31 := base + count([1])
w31 := y if { y := q31 with count as f1 with data.test.base as 10 }
w33 := y if { not q3 with count as f1; y := 1 }
w34 := y if { not q3; y := 2 }
`;

/** Per input, each rule's value ("undefined" when it has none). */
const TABLE: { input: unknown; want: Record<string, unknown> }[] = [
  {
    input: { "x": "x", "four": [1, 2, 3, 4] },
    want: {
      "f0": 1,
      "w1": 1,
      "w2": 1,
      "q3": "undefined",
      "w3": true,
      "q4": { "error": "not implemented: built-in function 0: time.now_ns" },
      "w4": true,
      "w5": { "error": "not implemented: built-in function 0: time.now_ns" },
      "numbers": ["one", "tree", "two"],
      "w6": [1, 3, 4],
      "numbers2": ["one", "one"],
      "w7": [["one"]],
      "q8": [["one"]],
      "r8": true,
      "w8": [["one"]],
      "q9": 1,
      "w9": 1,
      "w10": true,
      "q10": true,
      "r10": { "error": "not implemented: built-in function 1: object.union_n#sets" },
      "w11": { "error": "not implemented: built-in function 1: object.union_n#sets" },
      "q11": { "error": "not implemented: built-in function 1: object.union_n#sets" },
      "r11": "undefined",
      "s11": "undefined",
      "w12": 12300,
      "w13": "undefined",
      "w14": true,
      "w15": true,
      "w16": true,
      "w17": { "error": "not implemented: built-in function 1: object.union_n#sets" },
      "w18": 2,
      "w19": true,
      "w20": true,
      "w21": 1,
      "w22": 1,
      "w23": true,
      "w24": 1,
      "w25": true,
      "w26": 2,
      "w27": 2,
      "w28": true,
      "w29": [1, 2],
      "w30": 8,
      "base": 1,
      "q31": 2,
      "w31": 11,
      "w33": "undefined",
      "w34": 2,
    },
  },
  {
    input: { "x": "y", "four": [1] },
    want: {
      "f0": 1,
      "w1": 1,
      "w2": 1,
      "q3": "undefined",
      "w3": true,
      "q4": { "error": "not implemented: built-in function 0: time.now_ns" },
      "w4": true,
      "w5": { "error": "not implemented: built-in function 0: time.now_ns" },
      "numbers": ["one", "tree", "two"],
      "w6": [1, 3, 4],
      "numbers2": ["one", "one"],
      "w7": [["one"]],
      "q8": "undefined",
      "r8": "undefined",
      "w8": [["one"]],
      "q9": 1,
      "w9": 1,
      "w10": true,
      "q10": true,
      "r10": { "error": "not implemented: built-in function 1: object.union_n#sets" },
      "w11": { "error": "not implemented: built-in function 1: object.union_n#sets" },
      "q11": { "error": "not implemented: built-in function 1: object.union_n#sets" },
      "r11": "undefined",
      "s11": "undefined",
      "w12": 12300,
      "w13": "undefined",
      "w14": true,
      "w15": true,
      "w16": true,
      "w17": { "error": "not implemented: built-in function 1: object.union_n#sets" },
      "w18": 2,
      "w19": true,
      "w20": true,
      "w21": 1,
      "w22": 1,
      "w23": true,
      "w24": 1,
      "w25": true,
      "w26": 2,
      "w27": 2,
      "w28": true,
      "w29": [1, 2],
      "w30": 8,
      "base": 1,
      "q31": 2,
      "w31": 11,
      "w33": "undefined",
      "w34": 2,
    },
  },
];

Deno.test("with: functions and built-ins replaced as OPA replaces them", async () => {
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

Deno.test("with: a mock that calls the built-in it replaces calls the built-in", async () => {
  const policy = await compileRego([
    "package t\nmock_count(x) := count(x) + 1\np := y if { y := count([1, 2]) with count as mock_count }",
  ], ["t/p"]);
  assert.deepEqual(policy.answer("t/p"), { result: 3 });
});

Deno.test("with: a replacement must take as many arguments as what it replaces", () => {
  const errors = compileErrors([
    "package t\ng(x, y) := 2\np if { count([]) with count as g }",
  ], ["t/p"]);
  assert.equal(errors.length, 1);
  assert.match(errors[0], /rego_type_error: count: arity mismatch\n\thave: \(any, any\)\n\twant: \(any\)/);
});
