import { deepStrictEqual, equal, match } from "node:assert/strict";
import { ruleKind } from "../ast.ts";
import type { Rule } from "../ast.ts";
import { stripLocations } from "./ast_compare.ts";
import { arr, b, call, dotted, expr, n, s, v } from "./ast_shorthand.ts";
import { parseModule, type ParseOptions } from "./index.ts";

const V0: ParseOptions = { regoVersion: 0 };
const V0F: ParseOptions = { regoVersion: 0, allFutureKeywords: true };

function rules(src: string, opts?: ParseOptions): Rule[] {
  const r = parseModule(`package test\n${src}`, "t.rego", opts);
  deepStrictEqual(r.diagnostics, [], src);
  return r.module!.rules;
}

function head(src: string, opts?: ParseOptions): unknown {
  const rs = rules(src, opts);
  equal(rs.length, 1, src);
  return stripLocations(rs[0].head);
}

function errors(src: string, opts?: ParseOptions): string[] {
  return parseModule(`package test\n${src}`, "t.rego", opts).diagnostics.map((d) =>
    `${d.location.row}:${d.location.col} ${d.message}`
  );
}

Deno.test("rules: complete", () => {
  deepStrictEqual(head("p := 1"), { ref: [s("p")], value: n("1"), assign: true });
  deepStrictEqual(head("p = 1"), { ref: [s("p")], value: n("1"), assign: false });
  deepStrictEqual(head("p if input.x > 1"), { ref: [s("p")], value: b(true), assign: false });
  deepStrictEqual(head("p := v if { v := 2 }"), { ref: [s("p")], value: v("v"), assign: true });
  deepStrictEqual(head("p { true }", V0), { ref: [s("p")], value: b(true), assign: false });
  const [r] = rules("p if input.x > 1");
  deepStrictEqual(stripLocations(r.body), [expr(call("gt", dotted("input.x"), n("1")))]);
  equal(ruleKind(r.head), "complete");
  deepStrictEqual(rules("p := 1")[0].body, []);
});

Deno.test("rules: default", () => {
  const [r] = rules("default allow := false");
  equal(r.default, true);
  deepStrictEqual(stripLocations(r.head), { ref: [s("allow")], value: b(false), assign: true });
  deepStrictEqual(stripLocations(rules("default p = {1: [2]}")[0].head.value), {
    type: "object",
    items: [[n("1"), arr(n("2"))]],
  });
  deepStrictEqual(errors("default p := input.x"), ["2:1 illegal default rule (value cannot contain ref)"]);
  deepStrictEqual(errors("default p := [x]"), ["2:1 illegal default rule (value cannot contain var)"]);
  deepStrictEqual(errors("default p"), ["2:1 illegal default rule (must have a value)"]);
  equal(rules("default f(_) := 1")[0].head.args?.length, 1);
});

Deno.test("rules: else chains", () => {
  // A branch without a body comes last (OPA: "unexpected else keyword" otherwise).
  const [r] = rules("p := 1 if false else := 2 if { true } else if input.x else = 3");
  deepStrictEqual(stripLocations(r.elses), [
    { value: n("2"), body: [expr(b(true))] },
    { value: b(true), body: [expr(dotted("input.x"))] },
    { value: n("3"), body: [] },
  ]);
  const [r0] = rules("p = 1 { false } else = 2 { true } else { true }", V0);
  equal(r0.elses.length, 2);
  deepStrictEqual(stripLocations(r0.elses[1].value), b(true));
  match(errors("p contains x if { x := 1 } else := 2")[0], /`else` cannot be used on multi-value/);
});

Deno.test("rules: partial sets", () => {
  const h = { ref: [s("p")], key: v("x"), assign: false };
  deepStrictEqual(head("p contains x if { x := 1 }"), h);
  deepStrictEqual(head("p[x] { x := 1 }", V0), h);
  deepStrictEqual(head("p[x] { x := 1 }", V0F), h);
  deepStrictEqual(head('p contains "a"'), { ref: [s("p")], key: s("a"), assign: false });
  deepStrictEqual(head("a.b contains x if { x := 1 }"), {
    ref: [s("a"), s("b")],
    key: v("x"),
    assign: false,
  });
  equal(ruleKind(rules("p contains 1")[0].head), "partialSet");
});

Deno.test("rules: partial objects and ref heads", () => {
  deepStrictEqual(head("p[k] := v if { k := 1; v := 2 }"), {
    ref: [s("p"), v("k")],
    value: v("v"),
    assign: true,
  });
  deepStrictEqual(head("p[x] = y { x := 1; y := 2 }", V0), {
    ref: [s("p"), v("x")],
    value: v("y"),
    assign: false,
  });
  deepStrictEqual(head("a.b[c] := 1 if c := 2"), {
    ref: [s("a"), s("b"), v("c")],
    value: n("1"),
    assign: true,
  });
  deepStrictEqual(head("a.b.c := 1"), { ref: [s("a"), s("b"), s("c")], value: n("1"), assign: true });
  deepStrictEqual(head('p["q"].r := 1'), { ref: [s("p"), s("q"), s("r")], value: n("1"), assign: true });
  deepStrictEqual(head("policy.default.level := 3"), {
    ref: [s("policy"), s("default"), s("level")],
    value: n("3"),
    assign: true,
  });
  // v1: `p[x] if` is a single-value object rule with value true, not a partial set
  const h = head("p[x] if { x := 1 }");
  deepStrictEqual(h, { ref: [s("p"), v("x")], value: b(true), assign: false });
  equal(ruleKind(rules("p[x] if { x := 1 }")[0].head), "partialObject");
  equal(ruleKind(rules("a.b.c := 1")[0].head), "complete");
});

Deno.test("rules: functions", () => {
  deepStrictEqual(head("f(x) := y if { y := x }"), {
    ref: [s("f")],
    args: [v("x")],
    value: v("y"),
    assign: true,
  });
  deepStrictEqual(head("f(x) if x > 1"), { ref: [s("f")], args: [v("x")], value: b(true), assign: false });
  deepStrictEqual(head("f([a, b]) := a"), {
    ref: [s("f")],
    args: [arr(v("a"), v("b"))],
    value: v("a"),
    assign: true,
  });
  deepStrictEqual(head('f("x") := 1'), { ref: [s("f")], args: [s("x")], value: n("1"), assign: true });
  deepStrictEqual(head("a.b.f(x) := 1"), {
    ref: [s("a"), s("b"), s("f")],
    args: [v("x")],
    value: n("1"),
    assign: true,
  });
  deepStrictEqual(head("sum (a, b) := c if c := a + b"), {
    ref: [s("sum")],
    args: [v("a"), v("b")],
    value: v("c"),
    assign: true,
  });
  equal(ruleKind(rules("f(x) := 1")[0].head), "function");
});

Deno.test("rules: `if` then `{` is one expression unless a set or a failure (as OPA)", () => {
  const [r] = rules("x if { 1: 2 | some p in [1, 2] }");
  equal(r.body.length, 1);
  equal((r.body[0] as { term: { type: string } }).term.type, "objectcompr");
  const [r2] = rules("x if { true }");
  deepStrictEqual(stripLocations(r2.body), [expr(b(true))]);
});

Deno.test("rules: v0 chained bodies are several rules with the same head", () => {
  const rs = rules("p[x] { x := 1 } { x := 2 }", V0);
  equal(rs.length, 2);
  deepStrictEqual(stripLocations(rs[1].head), stripLocations(rs[0].head));
  deepStrictEqual(stripLocations(rs[1].body), [expr(call("assign", v("x"), n("2")))]);
  equal(rs[1].loc.col, 17);
  // wildcards in a chained head are fresh
  const fs = rules("f(_) { true } { false }", V0);
  deepStrictEqual(stripLocations(fs.map((r) => r.head.args)), [[v("$_0")], [v("$_1")]]);
});

Deno.test("rules: v1 requires `if` and `contains`", () => {
  deepStrictEqual(errors("p { true }"), ["2:3 `if` keyword is required before rule body"]);
  deepStrictEqual(errors("p[x] { x := 1 }"), ["2:6 `if` keyword is required before rule body"]);
  deepStrictEqual(errors("p[x]"), ["2:1 `contains` keyword is required for partial set rules"]);
  deepStrictEqual(errors("p := 1 if { true } else := 2 { true }"), [
    "2:30 `if` keyword is required before rule body",
  ]);
  // A bare ref head is `= true` in v0; v1 wants a value or a body (OPA's checkRegoV1Rule).
  deepStrictEqual(errors("p.a.b"), ["2:1 rule must have value assignment and/or body declaration"]);
  deepStrictEqual(errors("import rego.v1\np.a.b", V0), [
    "3:1 rule must have value assignment and/or body declaration",
  ]);
  deepStrictEqual(head("p.a.b", V0), { ref: [s("p"), s("a"), s("b")], value: b(true), assign: false });
  deepStrictEqual(head("p.a.b if true"), { ref: [s("p"), s("a"), s("b")], value: b(true), assign: false });
  deepStrictEqual(head("p.a.b := true"), { ref: [s("p"), s("a"), s("b")], value: b(true), assign: true });
  // and import rego.v1 makes a v0 module v1
  deepStrictEqual(errors("import rego.v1\np { true }", V0), [
    "3:3 `if` keyword is required before rule body",
  ]);
});

Deno.test("rules: keywords are not rule names in v1, but are in v0 without future keywords", () => {
  deepStrictEqual(errors("if := 1"), ["2:1 expected a rule name but found keyword `if`"]);
  deepStrictEqual(errors("contains := 1"), ["2:1 expected a rule name but found keyword `contains`"]);
  deepStrictEqual(errors("x := in"), ["2:6 expected a term but found keyword `in`"]);
  deepStrictEqual(head("if = 1", V0), { ref: [s("if")], value: n("1"), assign: false });
  deepStrictEqual(head("p { contains = 1 }", V0), { ref: [s("p")], value: b(true), assign: false });
});

Deno.test("rules: a bare name is not a rule", () => {
  deepStrictEqual(errors("p"), [
    "2:2 expected `:=`, `=`, `if` or `{` after the rule name `p` but found end of file",
  ]);
});

Deno.test("parse: else follows a body only, as in OPA", () => {
  for (const text of ["package a\np := 1 else := 2", "package a\np := 1 if { false } else := 2 else := 3"]) {
    const r = parseModule(text, "a.rego");
    equal(r.diagnostics.length, 1, text);
    match(r.diagnostics[0].message, /unexpected else keyword/);
  }
  deepStrictEqual(
    parseModule("package a\np := 1 if { false } else := 2 if { false } else := 3", "a.rego").diagnostics,
    [],
  );
});
