import assert from "node:assert/strict";
import { closingBracket, parseCaseYaml, reindentFlowCollections } from "./yaml_repair.ts";

const UNDER_INDENTED = `cases:
  - note: n
    want_result:
      x:
        set!: [
        "a, ]",
        'b''s',   # a comment with ]
        "c",
        ]
      y: 1
`;

Deno.test("yaml: an under-indented flow sequence is read as the suite's reader reads it", () => {
  assert.notEqual(reindentFlowCollections(UNDER_INDENTED), UNDER_INDENTED); // it needed the repair
  const { value, errors } = parseCaseYaml(UNDER_INDENTED);
  assert.deepEqual(errors, []);
  assert.deepEqual(value, {
    cases: [{ note: "n", want_result: { x: { "set!": ["a, ]", "b's", "c"] }, y: 1 } }],
  });
});

Deno.test("yaml: well-formed text is left alone; remaining errors are reported", () => {
  const good = "a: [1,\n  2]\nb: {c: 1}\n";
  assert.equal(reindentFlowCollections(good), good);
  assert.deepEqual(parseCaseYaml(good), { value: { a: [1, 2], b: { c: 1 } }, errors: [] });
  const bad = parseCaseYaml("a: [1, 2\nb: 3\n");
  assert.ok(bad.errors.length > 0);
  assert.match(bad.errors[0], /^line \d+: /);
});

Deno.test("yaml: the closing bracket skips quoted text, nested brackets and comments", () => {
  const text = `[ "]", '[', {a: [1]}, # ]\n ]`;
  assert.equal(closingBracket(text, 0), text.length - 1);
  assert.equal(closingBracket("[ [1]", 0), -1);
});
