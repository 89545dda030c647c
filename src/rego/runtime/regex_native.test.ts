/**
 * The runtime's RE2 engine against Go's regexp semantics: answers confirmed with OPA (v0.47 through
 * ../shared/opa-oracle, Go's regexp), error messages as Go's regexp/syntax writes them, limits,
 * linear time on patterns that make backtracking engines explode, and bounded memory.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { Runtime, RuntimeAbort } from "./harness.ts";
import { renderRegexTables } from "./regex_tables_gen.ts";

const rt = new Runtime();
const base = rt.x.opa_heap_ptr_get();

/** Calls a native built-in in a fresh evaluation; errors come back as { error } (strict mode). */
function call(fn: string, ...args: unknown[]): unknown {
  rt.x.opa_heap_ptr_set(base);
  rt.x.rt_set_strict(1);
  try {
    return rt.call(fn, ...args);
  } catch (e) {
    if (e instanceof RuntimeAbort) return { error: e.message };
    throw e;
  }
}

const submatches = (pattern: string, text: string) =>
  call("bi_regex_find_all_string_submatch_n", pattern, text, -1);

// Answers of OPA (Go's regexp), where a backtracking engine (JavaScript's) answers otherwise.
const OPA_ANSWERS: [string, string, unknown][] = [
  ["(?:(a)|b)*", "ab", [["ab", "a"]]], // captures keep their last value across iterations
  ["(?:(a)|(b))+", "ab", [["ab", "a", "b"]]],
  ["((a)|b)*", "ab", [["ab", "b", "a"]]],
  ["(?:|a)*", "aa", [[""], [""], [""]]], // a nullable star prefers the empty iteration
  ["(?:|a)+", "aa", [[""], [""], [""]]],
  ["(a|)*", "aa", [["aa", "a"]]],
  ["(a*)+", "b", [["", ""], ["", ""]]],
  ["(?m)^x$", "x\r\nx", [["x"]]], // only \n ends a line
  ["\\Qab\\E*", "abbb", [["abbb"]]], // a repetition applies to the last literal
  ["(?i)\\bk", "ſk", [["k"]]], // \b is ASCII whatever the flags
  ["(?i)\\W", "aſ_K-", [["-"]]], // (?i)\W excludes what folds to \w
  ["(?i)\\P{Ll}", "aAΩω1", [["1"]]], // negation after case folding
  ["(?i)\\p{^Ll}", "aAΩω1", [["1"]]],
  ["(?i)\\p{Lu}", "aA1", [["a"], ["A"]]],
  ["\\p{C}", "\u0378", []], // Go's C has no unassigned code points
  ["^*a", "a", [["a"]]],
  ["a{01}", "a{01}", [["a{01}"]]], // a leading zero makes `{` a literal
  ["\\z|\\w", "😀", [[""]]],
  ["\\B", "a😀", [[""]]],
  ["(?i)(?-i:a)[a]", "aA", [["aA"]]],
  ["(?i)(?s)\\p{Latin}a", "aAΩ", [["aA"]]],
  ["(?i)straße", "STRASSE strasse Straße STRAẞE", [["Straße"], ["STRAẞE"]]],
  ["(?i)k", "kKK", [["k"], ["K"], ["K"]]],
  ["(?U)(a+)(a*)", "aaa", [["a", "a", ""], ["a", "a", ""], ["a", "a", ""]]],
  ["(?P<first>\\w+)-(?<second>\\w+)", "ab-cd", [["ab-cd", "ab", "cd"]]],
  ["(?P<x>a)(?P<x>b)", "ab", [["ab", "a", "b"]]], // duplicate names are allowed
  ["(a){0}b", "ab", [["b", ""]]],
];

Deno.test("regex: OPA's answers where backtracking engines differ", () => {
  for (const [pattern, text, want] of OPA_ANSWERS) {
    deepEqual(submatches(pattern, text), want, `${pattern} on ${JSON.stringify(text)}`);
  }
  deepEqual(call("bi_regex_is_valid", "(?)"), true);
  deepEqual(call("bi_regex_split", "a*", "baaac"), ["b", "c"]);
  deepEqual(call("bi_regex_split", "", ""), []);
  deepEqual(call("bi_regex_split", "x", ""), [""]);
  deepEqual(call("bi_regex_find_n", "a", "aaa", 0), []);
  deepEqual(call("bi_regex_find_all_string_submatch_n", "a", "aaa", 2), [["a"], ["a"]]);
});

// Messages as Go's regexp/syntax writes them: "error parsing regexp: <code>: `<expr>`".
const GO_ERRORS: [string, string][] = [
  ["(", "missing closing ): `(`"],
  ["a)", "unexpected ): `a)`"],
  ["[a", "missing closing ]: `[a`"],
  ["a**", "invalid nested repetition operator: `**`"],
  ["a*?+", "invalid nested repetition operator: `*?+`"],
  ["?{1,2}?", "missing argument to repetition operator: `?`"],
  ["(+?)", "missing argument to repetition operator: `+?`"],
  ["a{2,1}", "invalid repeat count: `{2,1}`"],
  ["a{1001}", "invalid repeat count: `{1001}`"],
  ["(a{100}){100}", "invalid repeat count: `{100}`"],
  ["\\", "trailing backslash at end of expression: ``"],
  ["\\8", "invalid escape sequence: `\\8`"],
  ["\\1", "invalid escape sequence: `\\1`"],
  ["\\C", "invalid escape sequence: `\\C`"],
  ["\\x(61", "invalid escape sequence: `\\x(6`"],
  ["\\x{110000}", "invalid escape sequence: `\\x{110000`"],
  ["[a-\\pL]", "invalid escape sequence: `\\p`"],
  ["[z-a]", "invalid character class range: `z-a`"],
  ["[[:foo:]]", "invalid character class range: `[:foo:]`"],
  ["\\p{Foo}", "invalid character class range: `\\p{Foo}`"],
  ["\\p{L", "invalid character class range: `\\p{L`"],
  ["\\pX", "invalid character class range: `\\pX`"],
  ["(?z)", "invalid or unsupported Perl syntax: `(?z`"],
  ["(?i-)", "invalid or unsupported Perl syntax: `(?i-)`"],
  ["(?P=n)", "invalid or unsupported Perl syntax: `(?P`"],
  ["(?P<n", "invalid named capture: `(?P<n`"],
  ["(?<a-b>x)", "invalid named capture: `(?<a-b>`"],
  ["x{2}{3}", "invalid nested repetition operator: `{2}{3}`"],
  [
    "(".repeat(1001) + ")".repeat(1001),
    "expression nests too deeply: `" + "(".repeat(1001) + ")".repeat(1001) + "`",
  ],
];

Deno.test("regex: invalid patterns are errors with Go's messages", () => {
  for (const [pattern, message] of GO_ERRORS) {
    deepEqual(call("bi_regex_match", pattern, "x"), {
      error: `regex.match: error parsing regexp: ${message}`,
    });
    equal(call("bi_regex_is_valid", pattern), false, pattern);
  }
  // non-strict: the call is undefined
  rt.x.opa_heap_ptr_set(base);
  rt.x.rt_set_strict(0);
  equal(rt.call("bi_regex_match", "(", "x"), undefined);
});

Deno.test("regex: patterns too large for one evaluation are rejected, not run", () => {
  // 100 × 1000 instructions: Go would allow it (up to 3.3 million), the runtime caps at 100,000
  const large = "(?:\\pL{1000})".repeat(101);
  deepEqual(call("bi_regex_match", large, "x"), {
    error: `regex.match: error parsing regexp: expression too large: \`${large}\``,
  });
  equal(call("bi_regex_is_valid", "(?:\\pL{1000})".repeat(99)), true);
  // many groups in a large program: the threads' capture memory is bounded too
  equal(call("bi_regex_is_valid", "(a)".repeat(2000) + "[a-z]{1000}".repeat(30)), false);
});

Deno.test("regex: time linear in the text on patterns that explode backtracking engines", () => {
  const n = 20000;
  const as = "a".repeat(n);
  equal(call("bi_regex_match", "^(a*)*b$", as), false);
  equal(call("bi_regex_match", "^(a|a)*b$", as), false);
  equal(call("bi_regex_match", "^(a|aa)+$", as + "b"), false);
  equal(call("bi_regex_match", `^(a?){30}a{30}$`, "a".repeat(30)), true);
  deepEqual(call("bi_regex_find_all_string_submatch_n", "(a+)+b", as, -1), []);
});

Deno.test("regex: an uncached pattern gives its memory back", () => {
  rt.x.opa_heap_ptr_set(base);
  rt.x.rt_set_strict(1);
  const text = rt.str("abc");
  // fill the per-evaluation cache, then compile patterns beyond it
  for (let i = 0; i < 70; i++) rt.x.bi_regex_match(rt.str(`a{${i + 1}}`), text);
  const pattern = rt.str("(a|b)+c");
  const before = rt.x.opa_heap_ptr_get();
  for (let i = 0; i < 100; i++) ok(rt.x.rt_is_true(rt.x.bi_regex_match(pattern, text)));
  equal(rt.x.opa_heap_ptr_get(), before);
});

Deno.test("regex: the cache does not outlive an evaluation", () => {
  rt.x.opa_heap_ptr_set(base);
  ok(rt.x.rt_is_true(rt.x.bi_regex_match(rt.str("^b+$"), rt.str("bbb"))));
  // a new evaluation reuses the memory: fill it with junk, then the same pattern text again
  rt.x.opa_heap_ptr_set(base);
  new Uint8Array(rt.memory.buffer).fill(0xab, base, base + 65536);
  ok(rt.x.rt_is_false(rt.x.bi_regex_match(rt.str("^b+$"), rt.str("bab"))));
  ok(rt.x.rt_is_true(rt.x.bi_regex_match(rt.str("^b+$"), rt.str("bb"))));
});

Deno.test("assembly/re_tables.ts is fresh (regenerate with regex_tables_gen.ts)", async () => {
  const current = await Deno.readTextFile(new URL("./assembly/re_tables.ts", import.meta.url));
  equal(current, renderRegexTables(), "run `deno run --allow-write src/rego/runtime/regex_tables_gen.ts`");
});
