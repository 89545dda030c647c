import assert from "node:assert/strict";
import { keyText, matches, regoCompare } from "./compare.ts";
import { triage, updatedKnownFailures } from "./known_failures.ts";
import type { CaseResult } from "./cases.ts";

Deno.test("compare: deep equality, numbers by value, order matters unless sort_bindings", () => {
  assert.ok(matches({ a: [1, 2.0], b: null }, { a: [1, 2], b: null }, false));
  assert.ok(!matches({ a: [2, 1] }, { a: [1, 2] }, false));
  assert.ok(matches({ a: [2, 1] }, { a: [1, 2] }, true));
  assert.ok(!matches({ a: 1, extra: 2 }, { a: 1 }, false));
  assert.ok(!matches("1", 1, false));
  assert.ok(!matches(undefined, null, false));
});

Deno.test("compare: set! is order-insensitive, object! allows non-string keys", () => {
  assert.ok(matches([3, 1], { "set!": [1, 3] }, false));
  assert.ok(!matches([1], { "set!": [1, 3] }, false));
  assert.ok(
    matches({ "1": "a", b: 2 }, { "object!": [{ key: 1, value: "a" }, { key: "b", value: 2 }] }, false),
  );
});

const result = (note: string, status: CaseResult["status"], reason?: string): CaseResult => ({
  file: "f.yaml",
  note,
  expect: "result",
  status,
  reason,
});

Deno.test("known failures: triage and update keep reasons and mark new entries", () => {
  const known = [{ file: "f.yaml", note: "a", reason: "needs x" }, {
    file: "f.yaml",
    note: "b",
    reason: "needs y",
  }];
  const results = [
    result("a", "fail", "wrong result"),
    result("b", "pass"),
    result("c", "fail", "eval: eval_conflict_error"),
  ];
  const { unexpected, fixed } = triage(results, known);
  assert.deepEqual(unexpected.map((r) => r.note), ["c"]);
  assert.deepEqual(fixed.map((k) => k.note), ["b"]);
  assert.deepEqual(updatedKnownFailures(known, results), [
    { file: "f.yaml", note: "a", reason: "needs x" },
    { file: "f.yaml", note: "c", reason: "new: eval: eval_conflict_error" },
  ]);
});

Deno.test("compare: a composite object! key is compared as its JSON text", () => {
  assert.ok(
    matches(
      { a: 5, "[1]": 8 },
      { "object!": [{ key: "a", value: 5 }, { key: { "set!": [1] }, value: 8 }] },
      false,
    ),
  );
});

Deno.test("compare: set keys are written with their members in Rego's order", () => {
  assert.equal(keyText({ "set!": [4, "abc", null] }), '[null,4,"abc"]');
  assert.equal(keyText({ "set!": [{ "set!": [2, 1] }, [3], { b: 1, a: 2 }] }), '[[3],{"a":2,"b":1},[1,2]]');
  assert.equal(keyText({ "object!": [{ key: 2, value: "x" }, { key: 1, value: "y" }] }), '{"1":"y","2":"x"}');
  assert.ok(regoCompare("é", "z") > 0);
  assert.ok(regoCompare("\u{1F600}", "\uFFFF") > 0); // by code point, not UTF-16 unit
  assert.ok(regoCompare({ "set!": [] }, { a: 1 }) > 0);
  assert.ok(regoCompare([1, 2], [1]) > 0);
  assert.ok(
    matches(
      { '[null,4,"abc"]': [[null, 4, "abc"]] },
      { "object!": [{ key: { "set!": [4, "abc", null] }, value: [{ "set!": [4, "abc", null] }] }] },
      false,
    ),
  );
});
