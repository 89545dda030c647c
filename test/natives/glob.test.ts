/**
 * The native glob.match / glob.quote_meta give the host's answers (src/engine/builtins/glob.ts) on
 * generated globs, delimiters and texts.
 *
 * The native side reads globs as OPA's gobwas/glob v0.2.3 lexer and parser do, where the host has
 * its own reading: `[a-]`, `[\\-]` and `[a-c-e]` are errors, `[ab-c]` is the list a, b, -, c, a `}`
 * outside braces is a literal, an unclosed `{a,b` is accepted, a trailing `\\` is dropped, and the
 * error messages are gobwas' (see the goldens below, checked with OPA). The generator stays out of
 * those. A set of delimiters is an operand error natively, as in OPA (the host sees an array). And
 * the host throws a JavaScript SyntaxError (not a built-in error) for any glob with a `-` outside a
 * class (`api-*`): its translation escapes it as `\\-`, which a `u` RegExp rejects; those are skipped.
 */
import { deepEqual } from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { host, Parity } from "./parity.ts";

const ITEMS = ["a", "b", "x", "é", ".", "/", "-", ",", "*", "**", "?", "\\*", "\\{", "\\\\", "]", "😀"];
const CLASSES = ["[ab]", "[!a]", "[a-c]", "[!.]", "[é-ë]", "[\\]a]", "[.]", "[!ab]", "[!a-c]", "[😀]"];

function glob(depth: number): fc.Arbitrary<string> {
  const atoms = [fc.constantFrom(...ITEMS), fc.constantFrom(...CLASSES)];
  if (depth > 0) {
    atoms.push(
      fc.array(glob(depth - 1), { minLength: 0, maxLength: 3 }).map((alts) => `{${alts.join(",")}}`),
    );
  }
  return fc.array(fc.oneof(...atoms), { maxLength: 5 }).map((xs) => xs.join(""));
}

const delimitersArb = fc.constantFrom<unknown>(null, [], ["."], ["/"], [".", "/"], ["é"], ["a"]);
const textArb = fc.array(fc.constantFrom("a", "b", "c", "x", ".", "/", "-", "é", ",", "*", "😀", "\n"), {
  maxLength: 10,
}).map((cs) => cs.join(""));

const parity = new Parity();

function same(name: string, args: unknown[]): void {
  const h = host(name, ...args);
  if ("crash" in h) return; // see the header
  deepEqual(parity.native(name, ...args), h, `${name}(${JSON.stringify(args)})`);
}

Deno.test("glob.match agrees with the host on generated globs", () => {
  fc.assert(
    fc.property(glob(2), delimitersArb, textArb, (pattern, delimiters, text) => {
      same("glob.match", [pattern, delimiters, text]);
      same("glob.quote_meta", [pattern]);
    }),
    { numRuns: 2000 },
  );
});

// gobwas' verdicts and messages, checked with OPA (../shared/opa-oracle) where OPA answers.
const GOBWAS: [string, unknown, string, { value: boolean } | { error: string }][] = [
  ["[a-]", null, "a", { error: "glob.match: unexpected end of input" }],
  ["[\\-]", null, "-", { error: "glob.match: unexpected end of input" }],
  ["[a-c-e]", null, "d", { error: "glob.match: expected close range character" }],
  ["[a--]", null, "-", { error: "glob.match: hi character '-' should be greater than lo 'a'" }],
  ["[z-a]", null, "b", { error: "glob.match: hi character 'a' should be greater than lo 'z'" }],
  ["[a-\\]]", null, "b", { error: "glob.match: hi character '\\' should be greater than lo 'a'" }],
  ["[]", null, "a", { error: "glob.match: could not parse range" }],
  ["[!]", null, "a", { error: "glob.match: could not parse range" }],
  ["[]a]", null, "a", { error: "glob.match: could not parse range" }],
  ["[", null, "a", { error: "glob.match: unexpected end of input" }],
  ["[a", null, "a", { error: "glob.match: unexpected end of input" }],
  ["[-a]", null, "-", { value: true }],
  ["[!-/]", null, "a", { value: true }],
  ["[ab-]", null, "-", { value: true }],
  ["[ab-c]", null, "b", { value: true }],
  ["[ab-c]", null, "-", { value: true }],
  ["[a\\-b]", null, "-", { value: true }],
  ["[\\]a]", null, "]", { value: true }],
  ["a}", null, "a}", { value: true }],
  ["{a,b", null, "a", { value: true }],
  ["{a,b", null, "b", { value: true }],
  ["\\", null, "", { value: true }],
  ["a\\", null, "a", { value: true }],
  ["{}", null, "", { value: true }],
  ["{a,}", null, "", { value: true }],
  ["{,a}", null, "a", { value: true }],
  ["a{b,{c,d}}", null, "ad", { value: true }],
  ["[!a]", ["."], ".", { value: true }],
  ["[!.]", ["."], ".", { value: false }],
  ["?", ["."], ".", { value: false }],
  ["*.b", ["."], "a.b", { value: true }],
  ["*.b", ["."], "a.a.b", { value: false }],
  ["**.b", ["."], "a.a.b", { value: true }],
  ["a-b", null, "a-b", { value: true }],
  ["a\u0000b", null, "ab", { value: true }], // gobwas reads NUL as the end of input: it ends a text,
  ["*\u0000b", null, "xb", { value: true }], // or, between items, the whole glob
  ["a\ufffdb", null, "a", { error: "glob.match: could not read rune" }],
];

// Where OPA's gobwas v0.2.3 has matcher defects, the glob's meaning is kept: a fixed-length run
// containing a multi-byte character or an empty alternative never matches in OPA (its Row matcher
// slices bytes as runes): `?é` on "aé" is false there, and `a{}` panics inside OPA v0.47.
const MEANING: [string, string, boolean][] = [
  ["?é", "aé", true],
  ["[ab]é", "aé", true],
  ["a{}b", "ab", true],
  ["a{}", "a", true],
];

Deno.test("glob.match: gobwas' syntax and messages", () => {
  for (const [pattern, text, want] of MEANING) {
    deepEqual(
      parity.native("glob.match", pattern, null, text),
      { value: want },
      JSON.stringify([pattern, text]),
    );
  }
  for (const [pattern, delimiters, text, want] of GOBWAS) {
    deepEqual(parity.native("glob.match", pattern, delimiters, text), want, JSON.stringify([pattern, text]));
  }
});

Deno.test("glob.match: operand errors", () => {
  for (
    const args of [
      [1, null, "a"],
      ["a", "x", "a"],
      ["a", [1], "a"],
      ["a", ["ab"], "a"],
      ["a", [""], "a"],
      ["a", null, 1],
      ["a", 1, 1],
    ]
  ) same("glob.match", args);
  same("glob.quote_meta", [1]);
  // a set of delimiters: OPA wants an array (the host sees sets as arrays)
  deepEqual(parity.native("glob.match", "a", { rego: '{"."}', json: ["."] }, "a"), {
    error: "glob.match: operand 2 must be one of {array, null} but got set",
  });
});

Deno.test("glob.match: a glob seen again in one evaluation (cache) and delimiters that differ", () => {
  deepEqual(parity.native("glob.match", "a.*", ["."], "a.b"), { value: true });
  deepEqual(parity.nativeAgain("glob.match", "a.*", ["."], "a.b.c"), { value: false });
  deepEqual(parity.nativeAgain("glob.match", "a.*", ["/"], "a.b.c"), { value: true });
  deepEqual(parity.nativeAgain("glob.match", "a.*", null, "a.b.c"), { value: true });
  deepEqual(parity.nativeAgain("glob.match", "a.*", [], "a.b.c"), { value: false });
});

Deno.test("glob.match: a `-` outside a class is a literal (the host throws)", () => {
  deepEqual(parity.native("glob.match", "api-*", ["."], "api-v1"), { value: true });
  deepEqual(parity.native("glob.match", "api-*", ["."], "api-v1.x"), { value: false });
  deepEqual(parity.native("glob.match", "a-b", null, "a-b"), { value: true });
  deepEqual("crash" in host("glob.match", "api-*", ["."], "api-v1"), true);
});
