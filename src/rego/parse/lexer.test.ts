import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { tokenize } from "./lexer.ts";

const kinds = (text: string) => tokenize(text, "f").tokens.map((t) => `${t.kind}:${t.text}`);

Deno.test("lexer: operators, longest match first", () => {
  deepStrictEqual(kinds("a:=b==c!=d<=e>=f:g"), [
    "ident:a",
    "punct::=",
    "ident:b",
    "punct:==",
    "ident:c",
    "punct:!=",
    "ident:d",
    "punct:<=",
    "ident:e",
    "punct:>=",
    "ident:f",
    "punct::",
    "ident:g",
    "eof:",
  ]);
});

Deno.test("lexer: locations are 1-based rows and code-point columns", () => {
  const { tokens } = tokenize('x := "é😀"\n  y # comment\n\tz', "f.rego");
  const at = tokens.map((t) => [t.text, t.row, t.col]);
  deepStrictEqual(at, [["x", 1, 1], [":=", 1, 3], ['"é😀"', 1, 6], ["y", 2, 3], ["z", 3, 2], ["", 3, 3]]);
});

Deno.test("lexer: whitespace and line-break flags", () => {
  const { tokens } = tokenize("a.b [c]\nd", "f");
  deepStrictEqual(tokens.map((t) => [t.text, t.ws, t.nl]), [
    ["a", false, true],
    [".", false, false],
    ["b", false, false],
    ["[", true, false],
    ["c", false, false],
    ["]", false, false],
    ["d", true, true],
    ["", false, false],
  ]);
});

Deno.test("lexer: string escapes decode to code points, surrogate pairs included", () => {
  const { tokens, diagnostics } = tokenize(String.raw`"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00"`, "f");
  deepStrictEqual(diagnostics, []);
  equal(tokens[0].value, 'a"b\\c/d\b\f\n\r\t\u00e9😀');
  equal([...tokens[0].value!].length, 14); // one code point for the pair
});

Deno.test("lexer: raw strings keep backslashes and may span lines", () => {
  const { tokens } = tokenize("`a\\n\nb` x", "f");
  equal(tokens[0].kind, "string");
  equal(tokens[0].value, "a\\n\nb");
  deepStrictEqual([tokens[1].text, tokens[1].row, tokens[1].col], ["x", 2, 4]);
});

Deno.test("lexer: numbers follow the JSON grammar and keep their text", () => {
  deepStrictEqual(kinds("0 12 1.5 1e3 2E-7 0.10"), [
    "number:0",
    "number:12",
    "number:1.5",
    "number:1e3",
    "number:2E-7",
    "number:0.10",
    "eof:",
  ]);
  // `-` is an operator token; the parser makes `-1` a literal.
  deepStrictEqual(kinds("-1"), ["punct:-", "number:1", "eof:"]);
  // `1.` followed by a name is a number then a ref step.
  deepStrictEqual(kinds("1.x"), ["number:1", "punct:.", "ident:x", "eof:"]);
});

Deno.test("lexer: errors", () => {
  const msgs = (text: string) =>
    tokenize(text, "f").diagnostics.map((d) => `${d.location.row}:${d.location.col} ${d.message}`);
  deepStrictEqual(msgs('x := "abc\ny'), ["1:6 unterminated string"]);
  deepStrictEqual(msgs(String.raw`"a\qb"`), ["1:3 invalid escape `\\q`"]);
  deepStrictEqual(msgs(String.raw`"\u12"`), ["1:2 invalid escape `\\u`: expected 4 hexadecimal digits"]);
  deepStrictEqual(msgs("`abc"), ["1:1 unterminated raw string"]);
  deepStrictEqual(msgs("01"), ["1:1 invalid number `01`"]);
  deepStrictEqual(msgs("12ab"), ["1:1 invalid number `12ab`"]);
  deepStrictEqual(msgs("a ! b"), ['1:3 unexpected character "!"']);
  ok(tokenize('"abc', "f").tokens.some((t) => t.kind === "error"));
});
