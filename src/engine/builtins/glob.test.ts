import assert from "node:assert/strict";
import { assertFails, call } from "./test_support.ts";

const match = (p: string, d: unknown, s: string) => call("glob.match", p, d, s);

Deno.test("glob.match: OPA's documented examples", () => {
  assert.equal(match("*.github.com", [], "api.github.com"), true);
  assert.equal(match("*.github.com", [], "api.cdn.github.com"), false);
  assert.equal(match("*hub.com", null, "api.cdn.github.com"), true);
  assert.equal(match("*:github:com", [":"], "api:github:com"), true);
  assert.equal(match("api.**.com", [], "api.github.com"), true);
  assert.equal(match("api.**.com", [], "api.cdn.github.com"), true);
  assert.equal(match("?at", [], "cat"), true);
  assert.equal(match("?at", [], "at"), false);
  assert.equal(match("[abc]at", [], "bat"), true);
  assert.equal(match("[abc]at", [], "lat"), false);
  assert.equal(match("[!abc]at", [], "cat"), false);
  assert.equal(match("[!a-c]at", [], "lat"), true);
  assert.equal(match("{cat,bat,[fr]at}", [], "rat"), true);
  assert.equal(match("{cat,bat,[fr]at}", [], "at"), false);
  assert.equal(match("api://*/appId", null, "api://foo.com/appId"), true);
});

Deno.test("glob.match: delimiters, escapes, anchoring", () => {
  assert.equal(match("*", ["/"], "a/b"), false);
  assert.equal(match("**", ["/"], "a/b"), true);
  assert.equal(match("a/*/c", ["/"], "a/b/c"), true);
  assert.equal(match("?", ["/"], "/"), false);
  assert.equal(match("\\*.txt", [], "*.txt"), true);
  assert.equal(match("\\*.txt", [], "a.txt"), false);
  assert.equal(match("a+b(c)", [], "a+b(c)"), true);
  assert.equal(match("abc", [], "xabcx"), false);
  assert.equal(match("", [], ""), true);
  assertFails("glob.match", ["[abc", [], "a"], "glob.match: unexpected end of input in range");
  assertFails(
    "glob.match",
    ["*", "x", "a"],
    "glob.match: operand 2 must be one of {array, null} but got string",
  );
  assertFails("glob.match", ["*", ["ab"], "a"], /array of runes/);
});

Deno.test("glob.quote_meta escapes gobwas specials", () => {
  assert.equal(call("glob.quote_meta", "*.github.com"), "\\*.github.com");
  assert.equal(call("glob.quote_meta", "[a]{b}?\\"), "\\[a\\]\\{b\\}\\?\\\\");
  assert.equal(match(call("glob.quote_meta", "a*[b]") as string, [], "a*[b]"), true);
});
