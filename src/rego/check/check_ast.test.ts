/** The checks on AST literals (no parser involved): the shapes the planner receives. */
import assert from "node:assert/strict";
import type { Expr, RefTerm, TermExpr } from "../ast.ts";
import { check } from "./index.ts";
import {
  assign,
  call,
  dotted,
  eq,
  every,
  expr,
  importOf,
  module,
  not,
  num,
  ref,
  rule,
  someDecl,
  someIn,
  str,
  v,
} from "./test_support.ts";

function callOf(e: Expr) {
  const t = (e as TermExpr).term;
  assert.equal(t.type, "call");
  return t as Extract<typeof t, { type: "call" }>;
}

Deno.test("ast: rule names and imports are qualified, := becomes eq, some is dropped", () => {
  const q = rule("q", { value: num(1) });
  const p = rule("p", {
    body: [someDecl("i"), assign(v("x"), ref(v("lib"), str("xs"), v("i"))), expr(call("gt", v("x"), v("q")))],
  });
  const lib = module("lib", [rule("xs", { value: num(1) })]);
  const r = check([module("a.b", [q, p], [importOf("data.lib")]), lib]);
  assert.deepEqual(r.diagnostics, []);
  const body = r.program!.modules[0].rules[1].body;
  assert.equal(body.length, 2);
  const first = callOf(body[0]);
  assert.deepEqual(first.operator, ["eq"]);
  const libRef = first.args[1] as RefTerm;
  assert.deepEqual(libRef.head, { type: "var", name: "data", loc: libRef.head.loc });
  assert.deepEqual(libRef.path.map((t) => (t.type === "string" ? t.value : t.type)), ["lib", "xs", "var"]);
  const qRef = callOf(body[1]).args[1] as RefTerm;
  assert.deepEqual(qRef.path.map((t) => (t.type === "string" ? t.value : "?")), ["a", "b", "q"]);
});

Deno.test("ast: the input modules are left untouched", () => {
  const m = module("a", [rule("p", { body: [assign(v("x"), num(1))] })]);
  const before = structuredClone(m);
  check([m]);
  assert.deepEqual(m, before);
});

Deno.test("ast: reordering puts the binding expression first", () => {
  const use = expr(call("gt", v("x"), num(1)));
  const bind = eq(v("x"), dotted("input.n"));
  const r = check([module("a", [rule("p", { body: [use, bind] })])]);
  const body = r.program!.modules[0].rules[0].body;
  assert.deepEqual(body.map((e) => callOf(e).operator[0]), ["eq", "gt"]);
});

Deno.test("ast: an unsafe var is reported at its own location", () => {
  const x = v("x");
  const r = check([module("a", [rule("q", { key: num(1) }), rule("p", { body: [not(ref(v("q"), x))] })])]);
  assert.equal(r.program, undefined);
  assert.deepEqual(r.diagnostics, [{
    code: "rego_unsafe_var_error",
    message: "var x is unsafe",
    location: x.loc,
  }]);
});

Deno.test("ast: some-in and every keep their unique vars", () => {
  const body = [
    someIn(v("x"), dotted("input.xs")),
    every(v("x"), dotted("input.ys"), [expr(call("gt", v("x"), num(0)))]),
  ];
  const r = check([module("a", [rule("p", { body })])]);
  assert.deepEqual(r.diagnostics, []);
  const [si, ev] = r.program!.modules[0].rules[0].body;
  assert.equal(si.kind, "somein");
  assert.equal(ev.kind, "every");
  if (si.kind !== "somein" || ev.kind !== "every") return;
  assert.equal((si.value as { name: string }).name, "x");
  assert.equal(ev.value.name, "$x_1");
  assert.equal((callOf(ev.body[0]).args[0] as { name: string }).name, "$x_1");
});

Deno.test("ast: every diagnostic of a failing stage is returned, sorted, with a location", () => {
  const a = call("nope", num(1));
  const b = call("count", num(1), num(2), num(3));
  const r = check([module("a", [rule("p", { body: [expr(a), expr(b)] })])]);
  assert.deepEqual(r.diagnostics.map((d) => [d.message.split("\n")[0], d.location]), [
    ["undefined function nope", a.loc],
    ["count: too many arguments", b.loc],
  ]);
});
