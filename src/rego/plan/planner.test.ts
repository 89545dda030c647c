/**
 * Planner and emitter, without the front end: hand-built ASTs, planned, emitted, and evaluated
 * through the stock @open-policy-agent/opa-wasm SDK.
 */
import assert from "node:assert/strict";
import { loadPolicy } from "@open-policy-agent/opa-wasm";
import type { Module } from "../ast.ts";
import { emitWasm } from "../emit/wasm.ts";
import {
  arr,
  arrayCompr,
  bool,
  call,
  complete,
  data,
  defaultRule,
  eq,
  every,
  expr,
  func,
  input,
  module,
  n,
  not,
  obj,
  partialObject,
  partialSet,
  ref,
  s,
  v,
  withInput,
} from "../testing/ast_builders.ts";
import { planProgram } from "./planner.ts";

async function load(modules: Module[], entrypoints: string[], strict = false) {
  const { policy, diagnostics } = planProgram(modules, entrypoints);
  assert.deepEqual(diagnostics, []);
  const wasm = emitWasm(policy!, { strict, optimize: false });
  return await loadPolicy(wasm);
}

Deno.test("complete rule with default", async () => {
  const p = await load([module("t", [
    complete("allow", bool(true), [expr(call("equal", input("user"), s("alice")))]),
    defaultRule("allow", bool(false)),
  ])], ["t/allow"]);
  assert.deepEqual(p.evaluate({ user: "alice" }, "t/allow"), [{ result: true }]);
  assert.deepEqual(p.evaluate({ user: "bob" }, "t/allow"), [{ result: false }]);
  assert.deepEqual(p.evaluate(undefined, "t/allow"), [{ result: false }]);
});

Deno.test("undefined rule gives an empty result set", async () => {
  const p = await load([module("t", [complete("p", bool(true), [expr(input("x"))])])], ["t/p"]);
  assert.deepEqual(p.evaluate({}, "t/p"), []);
  assert.deepEqual(p.evaluate({ x: false }, "t/p"), []);
  assert.deepEqual(p.evaluate({ x: 0 }, "t/p"), [{ result: true }]);
});

Deno.test("partial set iterates with a wildcard and deduplicates", async () => {
  const p = await load([
    module("t", [partialSet("names", v("x"), [eq(v("x"), ref(v("input"), s("xs"), v("$_0")))])]),
  ], [
    "t/names",
  ]);
  assert.deepEqual(p.evaluate({ xs: ["b", "a", "b"] }, "t/names"), [{ result: ["a", "b"] }]);
});

Deno.test("partial object and insert conflicts", async () => {
  const m = module("t", [
    partialObject("byName", v("k"), v("val"), [
      eq(v("item"), ref(v("input"), s("items"), v("$_0"))),
      eq(v("k"), ref(v("item"), s("name"))),
      eq(v("val"), ref(v("item"), s("v"))),
    ]),
  ]);
  const p = await load([m], ["t/byName"]);
  assert.deepEqual(p.evaluate({ items: [{ name: "a", v: 1 }, { name: "b", v: 2 }] }, "t/byName"), [
    { result: { a: 1, b: 2 } },
  ]);
  assert.throws(
    () => p.evaluate({ items: [{ name: "a", v: 1 }, { name: "a", v: 2 }] }, "t/byName"),
    (e: unknown) => {
      assert.match(String(e), /test\.rego:1:1: object insert conflict/);
      return true;
    },
  );
});

Deno.test("complete rule conflict aborts with the location", async () => {
  const p = await load([module("t", [
    complete("p", v("x"), [eq(v("x"), ref(v("input"), s("xs"), v("$_0")))]),
  ])], ["t/p"]);
  assert.deepEqual(p.evaluate({ xs: [1, 1] }, "t/p"), [{ result: 1 }]);
  assert.throws(() => p.evaluate({ xs: [1, 2] }, "t/p"), (e: unknown) => {
    assert.match(String(e), /test\.rego:1:1: var assignment conflict/);
    return true;
  });
});

Deno.test("package document merges rules with base data", async () => {
  const p = await load([
    module("t", [complete("a", n("1")), complete("b", bool(true), [expr(input("nope"))])]),
  ], ["t"]);
  p.setData({ t: { base: "x" } });
  assert.deepEqual(p.evaluate({}, "t"), [{ result: { a: 1, base: "x" } }]);
});

Deno.test("functions with patterns, not, every, comprehensions, with", async () => {
  const m = module("t", [
    func("first", [arr(v("a"), v("$_1"))], v("a"), []),
    complete("f", call("data.t.first", input("pair"))),
    complete("none_admin", bool(true), [not(call("equal", input("role"), s("admin")))]),
    complete("all_pos", bool(true), [every("x", input("xs"), [expr(call("gt", v("x"), n("0")))])]),
    complete(
      "doubled",
      arrayCompr(call("mul", v("x"), n("2")), [eq(v("x"), ref(v("input"), s("xs"), v("$_2")))]),
    ),
    complete("mocked", data("t", "f"), []),
    complete("with_input", bool(true), [
      withInput(expr(call("equal", data("t", "f"), s("zz"))), ["pair"], arr(s("zz"), s("y"))),
    ]),
  ]);
  const p = await load([m], ["t/f", "t/none_admin", "t/all_pos", "t/doubled", "t/with_input"]);
  assert.deepEqual(p.evaluate({ pair: ["p", "q"] }, "t/f"), [{ result: "p" }]);
  assert.deepEqual(p.evaluate({ pair: ["p"] }, "t/f"), []);
  assert.deepEqual(p.evaluate({ role: "user" }, "t/none_admin"), [{ result: true }]);
  assert.deepEqual(p.evaluate({ role: "admin" }, "t/none_admin"), []);
  assert.deepEqual(p.evaluate({ xs: [1, 2] }, "t/all_pos"), [{ result: true }]);
  assert.deepEqual(p.evaluate({ xs: [1, -2] }, "t/all_pos"), []);
  assert.deepEqual(p.evaluate({ xs: [] }, "t/all_pos"), [{ result: true }]);
  assert.deepEqual(p.evaluate({ xs: [1, 2] }, "t/doubled"), [{ result: [2, 4] }]);
  assert.deepEqual(p.evaluate({ pair: ["a", "b"] }, "t/with_input"), [{ result: true }]);
});

Deno.test("numbers keep their source text through opa_eval", async () => {
  const p = await load([
    module("t", [complete("xs", arr(n("1.0"), n("12345678901234567890"), obj([s("k"), n("1e3")])))]),
  ], [
    "t/xs",
  ]);
  const exp = (p.wasmInstance as WebAssembly.Instance).exports as Record<string, CallableFunction>;
  const heap = exp.opa_heap_ptr_get() as number;
  const addr = exp.opa_eval(0, 0, p.dataAddr, 0, 0, heap, 0) as number;
  const bytes = new Uint8Array(p.mem.buffer, addr);
  const text = new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0)));
  assert.deepEqual(text, '[{"result":[1.0,12345678901234567890,{"k":1e3}]}]');
});

Deno.test("the module imports and exports exactly OPA's ABI", () => {
  const { policy } = planProgram([module("t", [complete("p", n("1"))])], ["t/p"]);
  const mod = new WebAssembly.Module(emitWasm(policy!, { strict: false, optimize: false }));
  const imports = WebAssembly.Module.imports(mod).map((i) => `${i.module}.${i.name}`);
  const allowed = [
    "env.memory",
    "env.opa_abort",
    "env.opa_println",
    ...[0, 1, 2, 3, 4].map((i) => `env.opa_builtin${i}`),
  ];
  assert.deepEqual(imports.filter((i) => !allowed.includes(i)), []);
  for (const required of ["env.memory", "env.opa_abort", "env.opa_builtin0", "env.opa_builtin4"]) {
    assert.ok(imports.includes(required), `missing import ${required}`);
  }
  const memory = WebAssembly.Module.imports(mod).find((i) => i.name === "memory");
  assert.equal(memory?.kind, "memory");
  const exports = WebAssembly.Module.exports(mod).map((e) => e.name).sort();
  for (
    const name of [
      "opa_wasm_abi_version",
      "opa_wasm_abi_minor_version",
      "memory",
      "eval",
      "builtins",
      "entrypoints",
      "opa_eval_ctx_new",
      "opa_eval_ctx_set_input",
      "opa_eval_ctx_set_data",
      "opa_eval_ctx_set_entrypoint",
      "opa_eval_ctx_get_result",
      "opa_malloc",
      "opa_free",
      "opa_json_parse",
      "opa_json_dump",
      "opa_value_parse",
      "opa_value_dump",
      "opa_heap_ptr_get",
      "opa_heap_ptr_set",
      "opa_eval",
    ]
  ) assert.ok(exports.includes(name), `missing export ${name}`);
  assert.deepEqual(exports.filter((e) => e.startsWith("rt_") || e.startsWith("bi_")), []);
});

Deno.test("rule values are memoised per evaluation, never across with or evaluations", async () => {
  // r12 references r11 twice, r11 references r10 twice, …: 2^12 calls of r0 without memoisation.
  // r0 calls a host built-in that counts its calls.
  const rules = [complete("r0", call("test.count", input("x")))];
  for (let i = 1; i <= 12; i++) {
    rules.push(complete(`r${i}`, call("plus", data("t", `r${i - 1}`), data("t", `r${i - 1}`))));
  }
  rules.push(
    complete("p", call("test.count", input("x"))),
    complete("q", ref(v("$q")), [withInput(eq(v("$q"), data("t", "p")), ["x"], n("2"))]),
    complete("both", arr(data("t", "p"), data("t", "q"), data("t", "p"))),
  );
  const { policy, diagnostics } = planProgram([module("t", rules)], ["t/r12", "t/both"]);
  assert.deepEqual(diagnostics, []);
  let calls = 0;
  const p = await loadPolicy(emitWasm(policy!, { strict: false, optimize: false }), undefined, {
    "test.count": (x: number) => (calls++, x),
  });
  assert.deepEqual(p.evaluate({ x: 1 }, "t/r12"), [{ result: 2 ** 12 }]);
  assert.equal(calls, 1);
  assert.deepEqual(p.evaluate({ x: 3 }, "t/r12"), [{ result: 3 * 2 ** 12 }]);
  assert.equal(calls, 2, "a new evaluation computes afresh");
  calls = 0;
  assert.deepEqual(p.evaluate({ x: 5 }, "t/both"), [{ result: [5, 2, 5] }]);
  assert.equal(calls, 2, "once for the evaluation's input, once under with");
});
