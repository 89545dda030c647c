import { deepStrictEqual, equal, match } from "node:assert/strict";
import { stripLocations } from "./ast_compare.ts";
import { arr, call, dotted, expr, n, ref, s, v } from "./ast_shorthand.ts";
import { parseQuery } from "./index.ts";

function body(text: string): unknown[] {
  const r = parseQuery(text, "q.rego");
  deepStrictEqual(r.diagnostics, [], text);
  return stripLocations(r.body) as unknown[];
}

function errors(text: string): string[] {
  return parseQuery(text, "q.rego").diagnostics.map((d) =>
    `${d.location.row}:${d.location.col} ${d.message}`
  );
}

Deno.test("body: expressions separated by `;` and line breaks", () => {
  deepStrictEqual(body("x = data.a.p; y := 2\nz"), [
    expr(call("eq", v("x"), dotted("data.a.p"))),
    expr(call("assign", v("y"), n("2"))),
    expr(v("z")),
  ]);
});

Deno.test("body: unification of arrays and objects", () => {
  deepStrictEqual(body('[a, {"k": b}] = [1, {"k": 2}]'), [
    expr(call(
      "eq",
      arr(v("a"), { type: "object", items: [[s("k"), v("b")]] }),
      arr(n("1"), {
        type: "object",
        items: [[s("k"), n("2")]],
      }),
    )),
  ]);
});

Deno.test("body: not", () => {
  deepStrictEqual(body("not input.admin"), [expr(dotted("input.admin"), true)]);
  deepStrictEqual(body("not f(x)"), [expr(call("f", v("x")), true)]);
  match(errors("not some x")[0], /`some` cannot be negated/);
});

Deno.test("body: some declarations", () => {
  deepStrictEqual(body("some x, y"), [{ kind: "some", vars: [v("x"), v("y")] }]);
  deepStrictEqual(body("some x\nx = 1"), [
    { kind: "some", vars: [v("x")] },
    expr(call("eq", v("x"), n("1"))),
  ]);
});

Deno.test("body: some … in, key and value may be patterns", () => {
  deepStrictEqual(body("some x in xs"), [
    { kind: "somein", value: v("x"), collection: v("xs"), negated: false, with: [] },
  ]);
  deepStrictEqual(body('some k, "l" in ["h", "l"]'), [
    { kind: "somein", key: v("k"), value: s("l"), collection: arr(s("h"), s("l")), negated: false, with: [] },
  ]);
  deepStrictEqual(body("some [a, b] in input.pairs"), [
    {
      kind: "somein",
      value: arr(v("a"), v("b")),
      collection: dotted("input.pairs"),
      negated: false,
      with: [],
    },
  ]);
  match(errors("some f(x)")[0], /expected `x in xs` or `k, v in xs` after `some`/);
});

Deno.test("body: every", () => {
  deepStrictEqual(body("every x in xs { x > 0 }"), [
    { kind: "every", value: v("x"), domain: v("xs"), body: [expr(call("gt", v("x"), n("0")))], with: [] },
  ]);
  deepStrictEqual(body("every k, v in o {\n  k != v\n  v\n}"), [
    {
      kind: "every",
      key: v("k"),
      value: v("v"),
      domain: v("o"),
      body: [expr(call("neq", v("k"), v("v"))), expr(v("v"))],
      with: [],
    },
  ]);
  match(errors("every [a] in xs { a }")[0], /value of `every` must be a variable/);
  match(errors("every x in xs")[0], /expected `\{` \(the body of `every`\) but found end of file/);
});

Deno.test("body: membership outside some", () => {
  deepStrictEqual(body("x in xs"), [expr(call("internal.member_2", v("x"), v("xs")))]);
  deepStrictEqual(body("k, v in xs"), [expr(call("internal.member_3", v("k"), v("v"), v("xs")))]);
  deepStrictEqual(body("not 1 in xs"), [expr(call("internal.member_2", n("1"), v("xs")), true)]);
});

Deno.test("body: with modifiers", () => {
  deepStrictEqual(body("allow with input.x as v with data.y as {1} with f as g"), [
    expr(v("allow"), false, [
      { target: dotted("input.x"), value: v("v") },
      { target: dotted("data.y"), value: { type: "set", items: [n("1")] } },
      { target: ref(v("f")), value: v("g") },
    ]),
  ]);
  deepStrictEqual(body("p with input as 1"), [
    expr(v("p"), false, [{ target: ref(v("input")), value: n("1") }]),
  ]);
  match(errors("p with input.x")[0], /expected `as` after the target of `with` but found end of file/);
});

Deno.test("body: errors recover at the next expression", () => {
  deepStrictEqual(errors("x := ]\ny := 1\nz := )"), [
    "1:6 expected a term but found `]`",
    "3:6 expected a term but found `)`",
  ]);
  deepStrictEqual(errors("x y"), [
    "1:3 expected `;`, a line break or end of file after an expression but found identifier `y`",
  ]);
  deepStrictEqual(errors(""), ["1:1 found empty query: expected an expression"]);
});

Deno.test("body: locations of expressions and terms", () => {
  const r = parseQuery("  x := 1\n\ty", "q.rego");
  const [e1, e2] = r.body!;
  deepStrictEqual(e1.loc, { file: "q.rego", row: 1, col: 3 });
  deepStrictEqual(e2.loc, { file: "q.rego", row: 2, col: 2 });
  if (e1.kind !== "term" || e1.term.type !== "call") throw new Error("shape");
  deepStrictEqual(e1.term.args[1].loc, { file: "q.rego", row: 1, col: 8 });
  equal(e1.term.loc.col, 3);
});
