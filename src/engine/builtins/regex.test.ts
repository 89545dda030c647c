import assert from "node:assert/strict";
import { translateRe2 } from "./re2.ts";
import { assertFails, call } from "./test_support.ts";

Deno.test("regex.match is unanchored and uses RE2 syntax", () => {
  assert.equal(call("regex.match", "^[a-z]+\\d$", "abc1"), true);
  assert.equal(call("regex.match", "b", "abc"), true);
  assert.equal(call("regex.match", "(?i)HELLO", "say hello"), true);
  assert.equal(call("regex.match", "a(?i)b|c", "aB"), true);
  assert.equal(call("regex.match", "a(?i)b|c", "C"), true); // flags reach across | in the group
  assert.equal(call("regex.match", "(?P<year>\\d{4})-\\d{2}", "2024-01"), true);
  assert.equal(call("regex.match", "\\Aab\\z", "ab"), true);
  assert.equal(call("regex.match", "(?m)\\Aab\\z", "x\nab"), false);
  assert.equal(call("regex.match", "(?m)^ab$", "x\nab"), true);
  assert.equal(call("regex.match", "[[:alpha:]]+[[:digit:]]", "abc1"), true);
  assert.equal(call("regex.match", "\\pL\\p{Greek}", "aμ"), true);
  assert.equal(call("regex.match", "\\Qa.b\\E", "a.b"), true);
  assert.equal(call("regex.match", "\\Qa.b\\E", "axb"), false);
  assert.equal(call("regex.match", "a{,2}", "a{,2}"), true); // {,n} is literal in RE2
  assert.equal(call("regex.match", "\\x{41}\\101", "AA"), true);
  assertFails("regex.match", [1, "a"], "regex.match: operand 1 must be string but got number");
});

Deno.test("RE2 vs JS differences: dot, \\s and lookarounds", () => {
  assert.equal(call("regex.match", "^a.b$", "a\rb"), true); // JS . would refuse \r
  assert.equal(call("regex.match", "^a.b$", "a\nb"), false);
  assert.equal(call("regex.match", "(?s)^a.b$", "a\nb"), true);
  assert.equal(call("regex.match", "^\\s$", "\u00a0"), false); // RE2 \s is ASCII only
  assert.equal(call("regex.match", "^\\s$", "\v"), false);
  assertFails(
    "regex.match",
    ["a(?=b)", "ab"],
    /^regex\.match: error parsing regexp: invalid or unsupported Perl syntax/,
  );
  assertFails("regex.match", ["(a)\\1", "aa"], /invalid escape sequence/);
  assertFails("regex.match", ["[a", "a"], /missing closing \]/);
  assertFails("regex.match", ["a**", "a"], /invalid nested repetition operator/);
});

Deno.test("regex.is_valid never fails", () => {
  assert.equal(call("regex.is_valid", ".*"), true);
  assert.equal(call("regex.is_valid", "[a-"), false);
  assert.equal(call("regex.is_valid", "(?<=a)b"), false);
  assert.equal(call("regex.is_valid", 1), false);
});

Deno.test("regex.split, find_n and find_all_string_submatch_n follow Go", () => {
  assert.deepEqual(call("regex.split", "a", "banana"), ["b", "n", "n", ""]);
  assert.deepEqual(call("regex.split", "x*", "axbc"), ["a", "b", "c"]);
  assert.deepEqual(call("regex.split", ",", ""), [""]);
  assert.deepEqual(call("regex.find_n", "a.", "paranormal", -1), ["ar", "an", "al"]);
  assert.deepEqual(call("regex.find_n", "a.", "paranormal", 2), ["ar", "an"]);
  assert.deepEqual(call("regex.find_n", "a*", "baaac", -1), ["", "aaa", ""]);
  assert.deepEqual(
    call("regex.find_all_string_submatch_n", "a(x*)b", "-axxb-ab-", -1),
    [["axxb", "xx"], ["ab", ""]],
  );
  assert.deepEqual(call("regex.find_all_string_submatch_n", "(a)|(b)", "b", -1), [["b", "", "b"]]);
});

Deno.test("regex.replace expands $n, ${name} and $$", () => {
  assert.equal(call("regex.replace", "-ab-axxb-", "a(x*)b", "T"), "-T-T-");
  assert.equal(call("regex.replace", "-ab-axxb-", "a(x*)b", "$1"), "--xx-");
  assert.equal(call("regex.replace", "-ab-axxb-", "a(x*)b", "$1W"), "---"); // $1W names a missing group
  assert.equal(call("regex.replace", "-ab-axxb-", "a(x*)b", "${1}W"), "-W-xxW-");
  assert.equal(call("regex.replace", "2024-01", "(?P<y>\\d+)-(?P<m>\\d+)", "$m/$y"), "01/2024");
  assert.equal(call("regex.replace", "a", "a", "$$"), "$");
});

Deno.test("regex.template_match", () => {
  assert.equal(call("regex.template_match", "urn:foo:{.*}", "urn:foo:bar:baz", "{", "}"), true);
  assert.equal(
    call("regex.template_match", "urn:foo.bar.com:{.*}", "urn:foo.bar.com:bar:baz", "{", "}"),
    true,
  );
  assert.equal(call("regex.template_match", "urn:foo.bar.com:{.*}", "urn:fooXbar.com:x", "{", "}"), false);
  assert.equal(call("regex.template_match", "urn:{[0-9]+}:x", "urn:12:x", "{", "}"), true);
  assertFails("regex.template_match", ["urn:{.*", "x", "{", "}"], /unbalanced braces/);
});

Deno.test("translateRe2 output", () => {
  assert.deepEqual(translateRe2("(?P<n>a)."), { ok: true, source: "(?<n>a)[^\\n]" });
  assert.deepEqual(translateRe2("\\s\\S"), { ok: true, source: "[\\t\\n\\f\\r ][^\\t\\n\\f\\r ]" });
  assert.deepEqual(translateRe2("(?U)a*b*?"), { ok: true, source: "a*?b*" });
  assert.equal(translateRe2("[\\S]").ok, false);
  assert.equal(translateRe2("[[:^alpha:]]").ok, false);
});
