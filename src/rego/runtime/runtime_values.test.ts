import { deepEqual as assertEquals, notEqual as assertNotEquals, throws } from "node:assert/strict";
import { Runtime, RuntimeAbort } from "./harness.ts";

Deno.test("JSON round trip keeps structure, sorts object keys", () => {
  const rt = new Runtime();
  const cases: [string, string][] = [
    ["null", "null"],
    ["true", "true"],
    [" false ", "false"],
    ['[1, 2.5, "x"]', '[1,2.5,"x"]'],
    ['{"b": 1, "a": [true, null]}', '{"a":[true,null],"b":1}'],
    ['{"a": 1, "a": 2}', '{"a":2}'],
    ["{}", "{}"],
    ["[]", "[]"],
  ];
  for (const [text, want] of cases) assertEquals(rt.dump(rt.parseJSON(text)), want, text);
});

Deno.test("numbers are kept verbatim", () => {
  const rt = new Runtime();
  for (const n of ["1.0", "12345678901234567890", "-0", "1e400", "0.1", "-2.50E+3"]) {
    assertEquals(rt.dump(rt.parseJSON(n)), n);
  }
});

Deno.test("string escapes and unicode", () => {
  const rt = new Runtime();
  const v = rt.parseJSON('"a\\"b\\\\c\\/d\\n\\t\\u00e9\\ud83d\\ude00\\u0001 é 😀"');
  assertEquals(rt.js(v), 'a"b\\c/d\n\té😀\u0001 é 😀');
  assertEquals(rt.dump(v), '"a\\"b\\\\c/d\\n\\té😀\\u0001 é 😀"');
  assertEquals(rt.x.rt_length(v), new TextEncoder().encode('a"b\\c/d\n\té😀\u0001 é 😀').length);
});

Deno.test("invalid JSON yields 0", () => {
  const rt = new Runtime();
  const bad = [
    "",
    "nul",
    "[1,]",
    "[1 2]",
    '{"a" 1}',
    "{1: 2}",
    "01",
    "1.",
    ".5",
    "-",
    "+1",
    "1e",
    '"abc',
    '"\\x"',
    '"\\ud800"',
    '"\\udc00"',
    '"a\nb"',
    "[1] x",
    '{"a":1,}',
    "{1,2}",
    "set()",
    "NaN",
    "tru",
  ];
  for (const text of bad) assertEquals(rt.parseJSON(text), 0, text);
  // invalid UTF-8: lone continuation byte, overlong encoding, encoded surrogate
  for (const bytes of [[0x22, 0x80, 0x22], [0x22, 0xc0, 0xaf, 0x22], [0x22, 0xed, 0xa0, 0x80, 0x22]]) {
    assertEquals(rt.parseJSON(new Uint8Array(bytes)), 0, String(bytes));
  }
});

Deno.test("invalid JSON leaves the heap as it was", () => {
  const rt = new Runtime();
  const [addr, len] = rt.bytes(new TextEncoder().encode('[1, 2, "abc", {"x": [1,'));
  const before = rt.x.opa_heap_ptr_get();
  assertEquals(rt.x.opa_json_parse(addr, len), 0);
  assertEquals(rt.x.opa_heap_ptr_get(), before);
});

Deno.test("deep nesting up to the limit parses; beyond it fails without crashing", () => {
  const rt = new Runtime();
  const ok = "[".repeat(1000) + "]".repeat(1000);
  const v = rt.parseJSON(ok);
  assertNotEquals(v, 0);
  assertEquals(rt.dump(v), ok);
  assertEquals(rt.parseJSON("[".repeat(1001) + "]".repeat(1001)), 0);
  assertEquals(rt.parseJSON("[".repeat(100000)), 0);
});

Deno.test("value parse and dump with sets", () => {
  const rt = new Runtime();
  assertEquals(rt.valueDump(rt.parseValue("{3, 1, 2, 1}")), "{1,2,3}");
  assertEquals(rt.dump(rt.parseValue("{3, 1, 2}")), "[1,2,3]");
  assertEquals(rt.valueDump(rt.parseValue("set()")), "set()");
  assertEquals(rt.dump(rt.parseValue("set()")), "[]");
  assertEquals(rt.valueDump(rt.parseValue('{"a": {1, "x"}, "b": set()}')), '{"a":{1,"x"},"b":set()}');
  assertEquals(rt.valueDump(rt.parseValue("{1: 2, [1]: 3}")), "{1:2,[1]:3}");
  assertEquals(rt.dump(rt.parseValue("{1: 2, [1]: 3}")), '{"1":2,"[1]":3}');
  assertEquals(rt.parseValue("{1, 2: 3}"), 0);
});

Deno.test("constructors and inspection", () => {
  const rt = new Runtime();
  const { x } = rt;
  assertEquals(x.rt_type(x.rt_null()), 1);
  assertEquals(x.rt_is_true(x.rt_boolean(1)), 1);
  assertEquals(x.rt_is_false(x.rt_boolean(0)), 1);
  assertEquals(x.rt_is_true(x.rt_boolean(0)), 0);
  assertEquals(x.rt_is_true(rt.v(1)), 0);
  assertEquals(rt.dump(x.rt_number_int(-9223372036854775808n)), "-9223372036854775808");
  const [p, n] = rt.bytes(new TextEncoder().encode("1.50"));
  assertEquals(rt.dump(x.rt_number_ref(p, n)), "1.50");
  const a = x.rt_array(0);
  for (let i = 0; i < 10; i++) x.rt_array_append(a, x.rt_number_int(BigInt(i)));
  assertEquals(rt.js(a), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assertEquals(x.rt_length(a), 10);
  assertEquals(x.rt_type(a), 5);
  const o = x.rt_object();
  x.rt_object_insert(o, rt.str("b"), rt.v(1));
  x.rt_object_insert(o, rt.str("a"), rt.v(2));
  x.rt_object_insert(o, rt.str("b"), rt.v(3));
  assertEquals(rt.dump(o), '{"a":2,"b":3}');
  assertEquals(x.rt_type(o), 6);
  const s = x.rt_set();
  for (const e of [3, "a", 1, 3, null, [1]]) x.rt_set_add(s, rt.v(e));
  assertEquals(rt.valueDump(s), '{null,1,3,"a",[1]}');
  assertEquals(x.rt_type(s), 7);
  assertEquals(x.rt_length(s), 5);
  assertEquals(x.rt_length(rt.str("héllo")), 6);
  assertEquals(x.rt_type(0), 0);
});

Deno.test("rt_get on arrays, objects and sets", () => {
  const rt = new Runtime();
  const { x } = rt;
  const arr = rt.v(["a", "b", "c"]);
  assertEquals(rt.js(x.rt_get(arr, rt.v(1))), "b");
  // as OPA's Array.Get (Number.Int): an index must be written as an integer
  assertEquals(x.rt_get(arr, rt.parseJSON("1.0")), 0);
  assertEquals(x.rt_get(arr, rt.parseJSON("1.5")), 0);
  assertEquals(x.rt_get(arr, rt.v(3)), 0);
  assertEquals(x.rt_get(arr, rt.v(-1)), 0);
  assertEquals(x.rt_get(arr, rt.v("1")), 0);
  const obj = rt.v({ a: 1, b: { c: 2 } });
  assertEquals(rt.js(x.rt_get(obj, rt.str("b"))), { c: 2 });
  assertEquals(x.rt_get(obj, rt.str("z")), 0);
  const set = rt.parseValue('{1, "x"}');
  assertEquals(rt.js(x.rt_get(set, rt.str("x"))), "x");
  assertEquals(rt.js(x.rt_get(set, rt.parseJSON("1.0"))), 1);
  assertEquals(x.rt_get(set, rt.v(2)), 0);
  assertEquals(x.rt_get(rt.v("abc"), rt.v(0)), 0);
  const intKeys = rt.parseValue('{1: "one"}');
  assertEquals(rt.js(x.rt_get(intKeys, rt.parseJSON("1.0"))), "one");
});

Deno.test("rt_iter walks collections in sorted order", () => {
  const rt = new Runtime();
  const keys = (c: number) => {
    const out: unknown[] = [];
    for (let k = rt.x.rt_iter(c, 0); k !== 0; k = rt.x.rt_iter(c, k)) out.push(rt.js(k));
    return out;
  };
  assertEquals(keys(rt.v(["x", "y", "z"])), [0, 1, 2]);
  assertEquals(keys(rt.v({ z: 1, a: 2, m: 3 })), ["a", "m", "z"]);
  assertEquals(keys(rt.parseValue('{"b", 2, null, "a"}')), [null, 2, "a", "b"]);
  assertEquals(keys(rt.v([])), []);
  assertEquals(keys(rt.v("str")), []);
});

Deno.test("rt_compare follows OPA's total order", () => {
  const rt = new Runtime();
  const ordered = [
    "null",
    "false",
    "true",
    "-1e400",
    "-5",
    "0",
    "0.5",
    "1",
    "2",
    "12345678901234567890",
    '""',
    '"a"',
    '"ab"',
    '"b"',
    "[]",
    "[1]",
    "[1,2]",
    "[2]",
    "{}",
    '{"a":1}',
    '{"a":2}',
    '{"b":0}',
    "set()",
    "{1}",
    "{1,2}",
    "{2}",
  ];
  const vals = ordered.map((t) => rt.parseValue(t));
  vals.forEach((v, i) => assertNotEquals(v, 0, ordered[i]));
  for (let i = 0; i < vals.length; i++) {
    for (let j = 0; j < vals.length; j++) {
      const c = Math.sign(rt.x.rt_compare(vals[i], vals[j]));
      assertEquals(c, Math.sign(i - j), `${ordered[i]} vs ${ordered[j]}`);
    }
  }
});

Deno.test("numbers compare by value across representations", () => {
  const rt = new Runtime();
  const eq = (a: string, b: string) => rt.x.rt_equal(rt.parseJSON(a), rt.parseJSON(b));
  assertEquals(eq("1", "1.0"), 1);
  assertEquals(eq("100", "1e2"), 1);
  assertEquals(eq("0.5", "5e-1"), 1);
  assertEquals(eq("1", "2"), 0);
  assertEquals(eq("9007199254740993", "9007199254740992"), 0);
  assertEquals(rt.x.rt_equal(rt.x.rt_number_int(3n), rt.parseJSON("3.0")), 1);
  assertEquals(eq('{"a":[1]}', '{"a":[1.0]}'), 1);
  assertEquals(eq("[1]", "[1,1]"), 0);
});

Deno.test("insert_once reports conflicts", () => {
  const rt = new Runtime();
  const o = rt.x.rt_object();
  assertEquals(rt.x.rt_object_insert_once(o, rt.str("a"), rt.v(1)), 1);
  assertEquals(rt.x.rt_object_insert_once(o, rt.str("a"), rt.parseJSON("1.0")), 1);
  assertEquals(rt.x.rt_object_insert_once(o, rt.str("a"), rt.v(2)), 0);
  assertEquals(rt.js(o), { a: 1 });
});

Deno.test("merge is deep, first argument wins", () => {
  const rt = new Runtime();
  const a = rt.v({ x: 1, o: { p: 1, q: { r: 1 } }, s: "a" });
  const b = rt.v({ x: 2, o: { q: { t: 2 }, u: 3 }, s: { no: 1 }, n: null });
  assertEquals(rt.js(rt.x.rt_object_merge(a, b)), {
    x: 1,
    o: { p: 1, q: { r: 1, t: 2 }, u: 3 },
    s: "a",
    n: null,
  });
  assertEquals(rt.js(a), { x: 1, o: { p: 1, q: { r: 1 } }, s: "a" });
  assertEquals(rt.x.rt_object_merge(a, rt.v([1])), 0);
});

Deno.test("upsert replaces a path in a copy", () => {
  const rt = new Runtime();
  const doc = rt.v({ a: { b: 1, c: 2 }, d: 3 });
  const path = rt.v(["a", "b"]);
  assertEquals(rt.js(rt.x.rt_upsert(doc, path, rt.v("new"))), { a: { b: "new", c: 2 }, d: 3 });
  assertEquals(rt.js(doc), { a: { b: 1, c: 2 }, d: 3 });
  assertEquals(rt.js(rt.x.rt_upsert(doc, rt.v(["x", "y"]), rt.v(1))), {
    a: { b: 1, c: 2 },
    d: 3,
    x: { y: 1 },
  });
  assertEquals(rt.js(rt.x.rt_upsert(0, rt.v(["x"]), rt.v(1))), { x: 1 });
  assertEquals(rt.js(rt.x.rt_upsert(doc, rt.v([]), rt.v(7))), 7);
  assertEquals(rt.js(rt.x.rt_upsert(rt.v({ d: 3 }), rt.v(["d", "e"]), rt.v(1))), { d: { e: 1 } });
});

Deno.test("rt_copy is shallow", () => {
  const rt = new Runtime();
  const a = rt.v([1, 2]);
  const c = rt.x.rt_copy(a);
  rt.x.rt_array_append(c, rt.v(3));
  assertEquals(rt.js(a), [1, 2]);
  assertEquals(rt.js(c), [1, 2, 3]);
  const s = rt.v("x");
  assertEquals(rt.x.rt_copy(s), s);
});

Deno.test("eval context", () => {
  const rt = new Runtime();
  const { x } = rt;
  const ctx = x.opa_eval_ctx_new();
  assertEquals(x.rt_eval_ctx_input(ctx), 0);
  assertEquals(rt.js(x.rt_eval_ctx_data(ctx)), {});
  const input = rt.v({ a: 1 });
  x.opa_eval_ctx_set_input(ctx, input);
  x.opa_eval_ctx_set_data(ctx, rt.v({ d: 1 }));
  x.opa_eval_ctx_set_entrypoint(ctx, 3);
  assertEquals(x.rt_eval_ctx_input(ctx), input);
  assertEquals(rt.js(x.rt_eval_ctx_data(ctx)), { d: 1 });
  assertEquals(x.rt_eval_ctx_entrypoint(ctx), 3);
  const res = rt.parseValue('{{"result": 1}}');
  x.rt_eval_ctx_set_result(ctx, res);
  assertEquals(x.opa_eval_ctx_get_result(ctx), res);
});

Deno.test("heap pointer fully describes the heap", () => {
  const rt = new Runtime();
  const { x } = rt;
  x.rt_heap_init(70001);
  assertEquals(x.opa_heap_ptr_get(), 70008);
  const a = x.opa_malloc(5);
  assertEquals(a, 70008);
  assertEquals(x.opa_heap_ptr_get(), 70016);
  // every value lives on the bump heap: a 16-byte header per integer
  const before = x.opa_heap_ptr_get();
  for (let i = 0; i < 100; i++) x.rt_number_int(BigInt(i));
  assertEquals(x.opa_heap_ptr_get(), before + 1600);
  // resetting the pointer reuses memory
  x.opa_heap_ptr_set(before);
  assertEquals(x.rt_number_int(1n), before);
  // growing past the end of memory grows memory
  const pages = rt.memory.buffer.byteLength / 65536;
  const big = x.opa_malloc(pages * 65536);
  assertEquals(big, before + 16);
  assertEquals(rt.memory.buffer.byteLength >= before + 16 + pages * 65536, true);
});

Deno.test("aborts carry the message", () => {
  const rt = new Runtime();
  throws(
    () => rt.x.rt_abort(rt.cstr("boom")),
    (e: unknown) => e instanceof RuntimeAbort && e.message === "boom",
  );
  rt.x.rt_set_strict(0);
  assertEquals(rt.x.rt_builtin_error(rt.cstr("err")), 0);
  rt.x.rt_set_strict(1);
  throws(
    () => rt.x.rt_builtin_error(rt.cstr("err!")),
    (e: unknown) => e instanceof RuntimeAbort && e.message === "err!",
  );
});
