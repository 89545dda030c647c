import { deepStrictEqual, equal, match } from "node:assert/strict";
import { stripLocations } from "./ast_compare.ts";
import { arr, b, call, dotted, n, nul, obj, ref, s, set, v } from "./ast_shorthand.ts";
import { parseQuery } from "./index.ts";

/** The term of a one-expression query, without locations. */
function term(text: string): unknown {
  const { body, diagnostics } = parseQuery(text, "q.rego");
  deepStrictEqual(diagnostics, [], text);
  equal(body!.length, 1, text);
  const e = body![0];
  if (e.kind !== "term") throw new Error(`not a term expression: ${text}`);
  return stripLocations(e.term);
}

function errorOf(text: string): string {
  const { diagnostics } = parseQuery(text, "q.rego");
  if (diagnostics.length === 0) throw new Error(`expected an error: ${text}`);
  const d = diagnostics[0];
  return `${d.location.row}:${d.location.col} ${d.message}`;
}

Deno.test("terms: scalars", () => {
  deepStrictEqual(term("null"), nul());
  deepStrictEqual(term("true"), b(true));
  deepStrictEqual(term("false"), b(false));
  deepStrictEqual(term("1.50"), n("1.50"));
  deepStrictEqual(term("-1"), n("-1"));
  deepStrictEqual(term("-1.5e3"), n("-1.5e3"));
  deepStrictEqual(term('"a\\tb"'), s("a\tb"));
  deepStrictEqual(term("`a\\tb`"), s("a\\tb"));
});

Deno.test("terms: unary minus applies only to number literals, as in OPA", () => {
  deepStrictEqual(term("- 1"), n("-1"));
  deepStrictEqual(term("-\n  # comment\n  2.5"), n("-2.5"));
  match(errorOf("-x"), /^1:2 unexpected identifier `x` after unary `-`: expected a number literal/);
  match(errorOf("-x.y"), /^1:2 unexpected identifier `x`/);
  match(errorOf("- -1"), /^1:3 unexpected `-` after unary `-`/);
  match(errorOf("--1"), /^1:2 unexpected `-` after unary `-`/);
  match(errorOf("-(1)"), /^1:2 unexpected `\(` after unary `-`/);
  match(errorOf("1 + -input.x"), /^1:6 unexpected identifier `input`/);
  // Binary minus is unaffected.
  deepStrictEqual(term("a - -1"), call("minus", v("a"), n("-1")));
  deepStrictEqual(term("0 - x"), call("minus", n("0"), v("x")));
});

Deno.test("terms: wildcards get unique names in source order", () => {
  deepStrictEqual(term("[_, x[_], _]"), arr(v("$_0"), ref(v("x"), v("$_1")), v("$_2")));
});

Deno.test("terms: refs", () => {
  deepStrictEqual(term("input.a.b[_]"), ref(v("input"), s("a"), s("b"), v("$_0")));
  deepStrictEqual(term('a["k"][0][x]'), ref(v("a"), s("k"), n("0"), v("x")));
  deepStrictEqual(term("[1, 2][i]"), ref(arr(n("1"), n("2")), v("i")));
  deepStrictEqual(term("f(x).y"), ref(call("f", v("x")), s("y")));
  deepStrictEqual(term("{1}[x]"), ref(set(n("1")), v("x")));
  deepStrictEqual(term("input"), ref(v("input")));
  deepStrictEqual(term("data"), ref(v("data")));
  deepStrictEqual(term("x"), v("x"));
  // keywords are names after a dot, and a keyword directly followed by `.` starts a ref
  deepStrictEqual(term("input.package.if.in.default"), dotted("input.package.if.in.default"));
  deepStrictEqual(term("import.x"), dotted("import.x"));
  deepStrictEqual(term("a[x + 1]"), ref(v("a"), call("plus", v("x"), n("1"))));
});

Deno.test("terms: whitespace ends a ref", () => {
  const { body, diagnostics } = parseQuery("x = a\n[b] = c", "q");
  deepStrictEqual(diagnostics, []);
  equal(body!.length, 2);
  match(errorOf("a [0]"), /expected `;`, a line break or end of file after an expression but found `\[`/);
  match(errorOf("a. b"), /expected a name after `.`/);
});

Deno.test("terms: calls", () => {
  deepStrictEqual(term("count(xs)"), call("count", v("xs")));
  deepStrictEqual(
    term('strings.replace_n({"a": "b"}, s)'),
    call("strings.replace_n", obj([s("a"), s("b")]), v("s")),
  );
  deepStrictEqual(term("data.lib.f(x, 1,)"), call("data.lib.f", v("x"), n("1")));
  deepStrictEqual(term("f()"), call("f"));
  deepStrictEqual(term('contains("abc", "b")'), call("contains", s("abc"), s("b")));
  match(errorOf("a[0](x)"), /function name may contain only names/);
  match(errorOf('"s"(x)'), /expected a function name/);
});

Deno.test("terms: arrays, objects, sets", () => {
  deepStrictEqual(term("[]"), arr());
  deepStrictEqual(term("{}"), obj());
  deepStrictEqual(term("set()"), set());
  deepStrictEqual(term("[1, [2],]"), arr(n("1"), arr(n("2"))));
  deepStrictEqual(
    term('{1: "a", [1]: 2, "k": {}}'),
    obj([n("1"), s("a")], [arr(n("1")), n("2")], [s("k"), obj()]),
  );
  deepStrictEqual(term("{1, 2}"), set(n("1"), n("2")));
  deepStrictEqual(term("{x + 1, y}"), set(call("plus", v("x"), n("1")), v("y")));
  deepStrictEqual(term("{a + 1: b * 2}"), obj([call("plus", v("a"), n("1")), call("mul", v("b"), n("2"))]));
  deepStrictEqual(term("[\n  1,\n  2\n]"), arr(n("1"), n("2")));
});

Deno.test("terms: comprehensions, bodies spanning lines", () => {
  deepStrictEqual(term("[x | x := xs[_]]"), {
    type: "arraycompr",
    term: v("x"),
    body: [{ kind: "term", negated: false, term: call("assign", v("x"), ref(v("xs"), v("$_0"))), with: [] }],
  });
  const setc = term("{x |\n  some x in xs\n  x > 1\n}") as { type: string; body: unknown[] };
  equal(setc.type, "setcompr");
  equal(setc.body.length, 2);
  deepStrictEqual(term("{k: v | k := 1; v := 2}"), {
    type: "objectcompr",
    key: v("k"),
    value: v("v"),
    body: [
      { kind: "term", negated: false, term: call("assign", v("k"), n("1")), with: [] },
      { kind: "term", negated: false, term: call("assign", v("v"), n("2")), with: [] },
    ],
  });
  // as OPA: a failing comprehension body that stops at `,` is an array with `|`
  deepStrictEqual(term("[x | y, 5]"), arr(call("or", v("x"), v("y")), n("5")));
});

Deno.test("operators: precedence, lowest first: := =, in, comparisons, |, &, + -, * / %", () => {
  deepStrictEqual(
    term("x := a + b * c"),
    call("assign", v("x"), call("plus", v("a"), call("mul", v("b"), v("c")))),
  );
  deepStrictEqual(term("a * b + c"), call("plus", call("mul", v("a"), v("b")), v("c")));
  deepStrictEqual(term("a - b - c"), call("minus", call("minus", v("a"), v("b")), v("c")));
  deepStrictEqual(term("a / b % c"), call("rem", call("div", v("a"), v("b")), v("c")));
  deepStrictEqual(term("a | b & c"), call("or", v("a"), call("and", v("b"), v("c"))));
  deepStrictEqual(term("a & b + c"), call("and", v("a"), call("plus", v("b"), v("c"))));
  deepStrictEqual(term("a == b | c"), call("equal", v("a"), call("or", v("b"), v("c"))));
  deepStrictEqual(term("a < b == c"), call("equal", call("lt", v("a"), v("b")), v("c")));
  deepStrictEqual(term("x in xs == y"), call("internal.member_2", v("x"), call("equal", v("xs"), v("y"))));
  deepStrictEqual(term("y = x in xs"), call("eq", v("y"), call("internal.member_2", v("x"), v("xs"))));
  deepStrictEqual(term("k, v in xs"), call("internal.member_3", v("k"), v("v"), v("xs")));
  deepStrictEqual(term("f(k, v in xs)"), call("f", v("k"), call("internal.member_2", v("v"), v("xs"))));
  deepStrictEqual(term("(a + b) * c"), call("mul", call("plus", v("a"), v("b")), v("c")));
  deepStrictEqual(term("a != b"), call("neq", v("a"), v("b")));
  deepStrictEqual(term("a <= b"), call("lte", v("a"), v("b")));
  deepStrictEqual(term("a >= b"), call("gte", v("a"), v("b")));
  deepStrictEqual(term("a > b"), call("gt", v("a"), v("b")));
  deepStrictEqual(term("a - -1"), call("minus", v("a"), n("-1")));
  // an operator may start the next line (as OPA)
  deepStrictEqual(term("a\n+ b"), call("plus", v("a"), v("b")));
});

Deno.test("operators: `in` is an identifier in v0 without future keywords", () => {
  const { diagnostics } = parseQuery("x in xs", "q", { regoVersion: 0 });
  match(diagnostics[0].message, /found identifier `in`/);
  const ok = parseQuery("x in xs", "q", { regoVersion: 0, allFutureKeywords: true });
  deepStrictEqual(ok.diagnostics, []);
});

Deno.test("terms: errors say what was expected and found", () => {
  equal(errorOf("[1, 2"), "1:6 expected `]` but found end of file (opened at 1:1)");
  equal(errorOf("[1 2]"), "1:4 expected `,` or `]` but found number `2` (opened at 1:1)");
  equal(errorOf("f(1"), "1:4 expected `)` but found end of file (opened at 1:2)");
  equal(errorOf("x := ]"), "1:6 expected a term but found `]`");
  equal(errorOf("x := if"), "1:6 expected a term but found keyword `if`");
  equal(errorOf("(1 + 2"), "1:7 expected `)` to close the `(` at 1:1 but found end of file");
  equal(errorOf('"abc".x'), "1:1 a string cannot be indexed: a ref must start with a name or a collection");
});

Deno.test("objects: a key written twice keeps the later value, as OPA's parser", () => {
  deepStrictEqual(term('{0: a, "x": 1, 0.0: 2}'), obj([n("0"), n("2")], [s("x"), n("1")]));
  // An integer key matches only an integer; a decimal matches any key of its value (the OPA oracle).
  deepStrictEqual(term("{1.0: 1, 1: 2}"), obj([n("1.0"), n("1")], [n("1"), n("2")]));
  deepStrictEqual(term("{1: 1, 1.0: 2, 10e-1: 3}"), obj([n("1"), n("3")]));
});
