import assert from "node:assert/strict";
import { matches } from "./compare.ts";
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
