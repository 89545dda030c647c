import assert from "node:assert/strict";
import { assertFails, call } from "./test_support.ts";

Deno.test("concat joins arrays and sets; checks operand types", () => {
  assert.equal(call("concat", ", ", ["Hello", "world"]), "Hello, world");
  assert.equal(call("concat", "", []), "");
  assertFails("concat", [1, []], "concat: operand 1 must be string but got number");
  assertFails("concat", ["", null], "concat: operand 2 must be one of {set, array} but got null");
  assertFails(
    "concat",
    ["", [1]],
    "concat: operand 2 must be array of strings but got array containing number",
  );
});

Deno.test("contains / startswith / endswith", () => {
  assert.equal(call("contains", "Hello, world", ", "), true);
  assert.equal(call("contains", "", ""), true);
  assert.equal(call("contains", "", ","), false);
  assert.equal(call("startswith", "abc", "ab"), true);
  assert.equal(call("endswith", "Hello world", ""), true);
  assert.equal(call("endswith", "", "ld"), false);
  assertFails("endswith", ["", null], "endswith: operand 2 must be string but got null");
});

Deno.test("indexof counts code points and rejects an empty needle", () => {
  assert.equal(call("indexof", "Hello world", "llo"), 2);
  assert.equal(call("indexof", "Hello world", "hel"), -1);
  assert.equal(call("indexof", "μx", "x"), 1);
  assert.equal(call("indexof", "skön var våren", "vår"), 9);
  assert.equal(call("indexof", "μ", "μμ"), -1);
  assertFails("indexof", ["", ""], "indexof: empty search character");
  assert.deepEqual(call("indexof_n", "dogs and cats", "s"), [3, 12]);
  assert.deepEqual(call("indexof_n", "abc", "x"), []);
});

Deno.test("lower and upper use simple per-code-point mappings (as Go)", () => {
  assert.equal(call("lower", "AbCd109_"), "abcd109_");
  assert.equal(call("lower", "Σ"), "σ");
  // Go maps each rune alone: no final-sigma rule.
  assert.equal(call("lower", "ὈΔΥΣΣΕΎΣ"), "ὀδυσσεύσ");
  assert.equal(call("lower", "LONG\u2C6FSTRING"), "long\u0250string");
  assert.equal(call("upper", "straße"), "STRAßE");
  assertFails("lower", [[]], "lower: operand 1 must be string but got array");
});

Deno.test("split, replace, strings.replace_n, substring", () => {
  assert.deepEqual(call("split", "a,b,c", ","), ["a", "b", "c"]);
  assert.deepEqual(call("split", "test", ""), ["t", "e", "s", "t"]);
  assert.deepEqual(call("split", "", ""), []);
  assert.deepEqual(call("split", "", ","), [""]);
  assert.equal(call("replace", "a.b.c", ".", "/"), "a/b/c");
  assert.equal(call("replace", "ab", "", "-"), "-a-b-");
  assert.equal(call("strings.replace_n", { "<": "&lt;", ">": "&gt;" }, "<a>"), "&lt;a&gt;");
  assertFails(
    "strings.replace_n",
    [{ a: 1 }, "a"],
    "strings.replace_n: operand 1 non-string value found in pattern object",
  );
  assert.equal(call("substring", "abcdef", 1, 3), "bcd");
  assert.equal(call("substring", "abcdef", 2, -1), "cdef");
  assert.equal(call("substring", "aμcd", 1, 2), "μc");
  assert.equal(call("substring", "abc", 10, 1), "");
  assertFails("substring", ["abc", -1, 1], "substring: negative offset");
  assertFails(
    "substring",
    ["abc", 1.5, 1],
    "substring: operand 2 must be integer number but got floating-point number",
  );
});

Deno.test("trim family follows Go's cutset and whitespace rules", () => {
  assert.equal(call("trim", "  xhellox ", " x"), "hello");
  assert.equal(call("trim_left", "xxhix", "x"), "hix");
  assert.equal(call("trim_right", "xxhix", "x"), "xxhi");
  assert.equal(call("trim_prefix", "prefix-body", "prefix-"), "body");
  assert.equal(call("trim_suffix", "body.txt", ".txt"), "body");
  assert.equal(call("trim_space", "\t hello \n"), "hello");
  // U+FEFF is not white space for Go.
  assert.equal(call("trim_space", "\uFEFFa"), "\uFEFFa");
});

Deno.test("format_int truncates toward zero and checks the base", () => {
  assert.equal(call("format_int", 10, 2), "1010");
  assert.equal(call("format_int", 10.7, 8), "12");
  assert.equal(call("format_int", -10.999, 10), "-10");
  assert.equal(call("format_int", 255, 16), "ff");
  assertFails("format_int", [10, 4], "format_int: operand 2 must be one of {2, 8, 10, 16}");
  assertFails("format_int", ["10", 2], "format_int: operand 1 must be number but got string");
});

Deno.test("strings.reverse, strings.count, any_prefix/suffix_match", () => {
  assert.equal(call("strings.reverse", "aμb"), "bμa");
  assert.equal(call("strings.count", "cheese", "e"), 3);
  assert.equal(call("strings.count", "five", ""), 5);
  assert.equal(call("strings.any_prefix_match", ["a/b", "c/d"], "c/"), true);
  assert.equal(call("strings.any_prefix_match", "a/b", ["x", "y"]), false);
  assert.equal(call("strings.any_suffix_match", "file.json", [".yaml", ".json"]), true);
  assertFails(
    "strings.any_suffix_match",
    [1, "x"],
    "strings.any_suffix_match: operand 1 must be one of {string, set, array} but got number",
  );
});

Deno.test("strings.replace_n: Go's NewReplacer, empty pattern included (answers from OPA v0.47)", () => {
  assert.equal(call("strings.replace_n", { "": "x" }, "abc"), "xaxbxcx");
  assert.equal(call("strings.replace_n", { "": "x", b: "B" }, "abc"), "xaxBxcx");
  assert.equal(call("strings.replace_n", { a: "1", ab: "2" }, "abc"), "1bc");
  assert.equal(call("strings.replace_n", { "": "x" }, ""), "x");
  assert.equal(call("strings.replace_n", { b: "", "": "-" }, "abc"), "-a--c-");
  assert.equal(call("strings.replace_n", { "": "-" }, "a😀"), "-a-😀-");
});

Deno.test("strings.split_n: the first n parts, or the last -n (OPA's test cases)", () => {
  const cases: [string, string, number, string[]][] = [
    ["a.b.c.d", ".", 2, ["a", "b"]],
    ["a.b.c.d", ".", 4, ["a", "b", "c", "d"]],
    ["a.b.c.d", ".", 10, ["a", "b", "c", "d"]],
    ["a.b.c.d", ".", 0, []],
    ["a.b.c.d", ".", -2, ["c", "d"]],
    ["a.b.c.d", ".", -10, ["a", "b", "c", "d"]],
    ["abc", ".", -2, ["abc"]],
    ["", ".", 2, [""]],
    ["abc", "", 2, ["a", "b"]],
    ["abc", "", -2, ["b", "c"]],
  ];
  for (const [s, d, n, want] of cases) {
    assert.deepEqual(call("strings.split_n", s, d, n), want, `${s} ${d} ${n}`);
  }
  assertFails(
    "strings.split_n",
    ["a.b.c", ".", 1.5],
    "strings.split_n: operand 3 must be integer number but got floating-point number",
  );
});
