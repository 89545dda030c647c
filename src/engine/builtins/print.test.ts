import assert from "node:assert/strict";
import { setPrintHook } from "./index.ts";
import { printLines } from "./print.ts";
import { assertFails, call } from "./test_support.ts";

Deno.test("internal.print: one line per combination; strings bare, other values as Rego text", () => {
  assert.deepEqual(printLines([["Hello"], [["Hello"]], [[{ "1": 2 }, [1, 2]]]]), [
    'Hello ["Hello"] [{"1": 2}, [1, 2]]',
  ]);
  assert.deepEqual(printLines([[], [null, 1.5]]), ["<undefined> null", "<undefined> 1.5"]);
  assert.deepEqual(printLines([["a", "b"], [1, 2]]), ["a 1", "a 2", "b 1", "b 2"]);
  assert.deepEqual(printLines([]), [""]);
  assertFails("internal.print", ["x"], "internal.print: operand 1 must be array but got string");
  assertFails("internal.print", [[1]], "internal.print: illegal argument type: each operand must be a set");
});

Deno.test("internal.print: lines go to the hook, and nowhere without one", () => {
  const seen: string[] = [];
  setPrintHook((line) => seen.push(line));
  try {
    assert.equal(call("internal.print", [["done"]]), true);
  } finally {
    setPrintHook(undefined);
  }
  assert.equal(call("internal.print", [["dropped"]]), true);
  assert.deepEqual(seen, ["done"]);
});

Deno.test("internal.template_string: parts concatenated; undefined parts marked; one output only", () => {
  assert.equal(call("internal.template_string", [["a "], [1], [], [" b"]]), "a 1<undefined> b");
  assert.equal(call("internal.template_string", [[["x", { y: null }]]]), '["x", {"y": null}]');
  assertFails(
    "internal.template_string",
    [[["a", "b"]]],
    "internal.template_string: template-strings must not produce multiple outputs",
  );
  assertFails("internal.template_string", [[["x"], "a"]], /illegal argument type/);
});
