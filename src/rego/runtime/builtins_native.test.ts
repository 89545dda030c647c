import { deepEqual, equal, throws } from "node:assert/strict";
import { Runtime, RuntimeAbort } from "./harness.ts";

/** [export, args (JS values; strings starting with "rego:" are parsed as Rego value text), expected]. */
type Case = [string, unknown[], unknown];

function run(rt: Runtime, name: string, args: unknown[]): unknown {
  const addrs = args.map((a) =>
    typeof a === "string" && a.startsWith("rego:") ? rt.parseValue(a.slice(5)) : rt.v(a)
  );
  return rt.js(rt.x[name](...addrs));
}

const cases: Case[] = [
  ["bi_equal", [1, 1], true],
  ["bi_equal", ["rego:1", "rego:1.0"], true],
  ["bi_neq", [1, "1"], true],
  ["bi_lt", [1, "a"], true],
  ["bi_lt", [2, 10], true],
  ["bi_lte", [2, 2], true],
  ["bi_gt", ["b", "a"], true],
  ["bi_gte", [[1], [1, 2]], false],
  ["bi_plus", [1, 2], 3],
  ["bi_plus", [0.1, 0.2], 0.3],
  ["bi_plus", ["rego:9223372036854775807", 1], 9223372036854775808],
  ["bi_minus", [5, 7], -2],
  ["bi_minus", ["rego:{1,2,3}", "rego:{2}"], [1, 3]],
  ["bi_mul", [1.5, 2], 3],
  ["bi_mul", ["rego:4611686018427387904", 4], 18446744073709551616],
  ["bi_div", [6, 3], 2],
  ["bi_div", [7, 2], 3.5],
  ["bi_div", [1, 3], 0.3333333333333333],
  ["bi_rem", [7, 3], 1],
  ["bi_rem", [-7, 3], -1],
  ["bi_abs", [-3], 3],
  ["bi_abs", [-2.5], 2.5],
  ["bi_ceil", [-0.5], 1], // OPA's arithCeil: truncates to 0, then adds one
  ["bi_floor", [-0.5], 0], // and arithFloor keeps a non-negative truncation
  ["bi_round", [2.5], 3],
  ["bi_round", [-2.5], -3],
  ["bi_round", [2.4], 2],
  ["bi_ceil", [1.2], 2],
  ["bi_ceil", [-1.2], -1],
  ["bi_floor", [-1.2], -2],
  ["bi_floor", [5], 5],
  ["bi_numbers_range", [1, 4], [1, 2, 3, 4]],
  ["bi_numbers_range", [2, -1], [2, 1, 0, -1]],
  ["bi_and", ["rego:{1,2,3}", "rego:{2,3,4}"], [2, 3]],
  ["bi_or", ["rego:{1,3}", "rego:{2,3}"], [1, 2, 3]],
  ["bi_count", ["héllo😀"], 6],
  ["bi_count", [[1, 2]], 2],
  ["bi_count", [{ a: 1 }], 1],
  ["bi_count", ["rego:{1,2,3}"], 3],
  ["bi_sum", [[1, 2, 3.5]], 6.5],
  ["bi_sum", [[]], 0],
  ["bi_product", ["rego:{2,3,4}"], 24],
  ["bi_product", [[]], 1],
  ["bi_max", [[3, 1, 2]], 3],
  ["bi_max", [[]], undefined],
  ["bi_min", [["b", "a", 5]], 5],
  ["bi_sort", [[3, "a", 1, null, 2]], [null, 1, 2, 3, "a"]],
  ["bi_sort", ["rego:{3,1,2}"], [1, 2, 3]],
  ["bi_internal_member_2", [2, [1, 2]], true],
  ["bi_internal_member_2", [3, [1, 2]], false],
  // OPA's sets: the integer 1 does not find 1.0, but 1.0 finds 1 (see value.ts, search)
  ["bi_internal_member_2", [1, "rego:{1.0}"], false],
  ["bi_internal_member_2", ["rego:1.0", "rego:{1}"], true],
  ["bi_internal_member_2", [1, { a: 1 }], true],
  ["bi_internal_member_2", ["a", { a: 1 }], false],
  ["bi_internal_member_2", ["a", "abc"], false],
  ["bi_internal_member_3", [1, "b", ["a", "b"]], true],
  ["bi_internal_member_3", [0, "b", ["a", "b"]], false],
  ["bi_internal_member_3", ["a", 1, { a: 1 }], true],
  ["bi_internal_member_3", ["a", 2, { a: 1 }], false],
  ["bi_is_number", [1], true],
  ["bi_is_number", ["1"], false],
  ["bi_is_string", ["x"], true],
  ["bi_is_boolean", [false], true],
  ["bi_is_array", [[]], true],
  ["bi_is_set", ["rego:set()"], true],
  ["bi_is_object", [{}], true],
  ["bi_is_null", [null], true],
  ["bi_is_null", [0], false],
  ["bi_type_name", ["rego:set()"], "set"],
  ["bi_type_name", [1.5], "number"],
  ["bi_to_number", ["12"], 12],
  ["bi_to_number", ["-1.5e2"], -150],
  ["bi_to_number", [true], 1],
  ["bi_to_number", [null], 0],
  ["bi_to_number", [7], 7],
  // strings
  ["bi_concat", [", ", ["a", "b", "c"]], "a, b, c"],
  ["bi_concat", ["-", 'rego:{"b","a"}'], "a-b"],
  ["bi_concat", ["-", []], ""],
  ["bi_contains", ["abcdef", "cde"], true],
  ["bi_contains", ["abc", ""], true],
  ["bi_contains", ["abc", "x"], false],
  ["bi_startswith", ["abc", "ab"], true],
  ["bi_endswith", ["abc", "bc"], true],
  ["bi_endswith", ["abc", "abcd"], false],
  ["bi_indexof", ["héllo", "l"], 2],
  ["bi_indexof", ["abc", "z"], -1],
  ["bi_lower", ["AbC ÉÀ ΣΑ Ж"], "abc éà σα ж"],
  ["bi_upper", ["abc éà σα ж ÿ"], "ABC ÉÀ ΣΑ Ж Ÿ"],
  ["bi_replace", ["a.b.c", ".", "--"], "a--b--c"],
  ["bi_replace", ["ab", "", "-"], "-a-b-"],
  ["bi_split", ["a,b,,c", ","], ["a", "b", "", "c"]],
  ["bi_split", ["hé", ""], ["h", "é"]],
  ["bi_split", ["abc", ","], ["abc"]],
  ["bi_substring", ["héllo", 1, 3], "éll"],
  ["bi_substring", ["hello", 1, -1], "ello"],
  ["bi_substring", ["hello", 10, 2], ""],
  ["bi_substring", ["hello", 3, 10], "lo"],
  ["bi_trim", ["xxhixx", "x"], "hi"],
  ["bi_trim", ["éahé", "éh"], "a"],
  ["bi_trim_left", ["xxhixx", "x"], "hixx"],
  ["bi_trim_right", ["xxhixx", "x"], "xxhi"],
  ["bi_trim_prefix", ["foobar", "foo"], "bar"],
  ["bi_trim_prefix", ["foobar", "bar"], "foobar"],
  ["bi_trim_suffix", ["foobar", "bar"], "foo"],
  ["bi_trim_space", [" \t\n hi \u00a0\u3000"], "hi"],
  ["bi_strings_replace_n", [{ a: "1", ab: "2", b: "3" }, "abcab"], "13c13"],
  ["bi_strings_replace_n", [{ "{x}": "X" }, "a{x}b{x}"], "aXbX"],
  // Go's NewReplacer with an empty pattern (answers from OPA v0.47).
  ["bi_strings_replace_n", [{ "": "x" }, "abc"], "xaxbxcx"],
  ["bi_strings_replace_n", [{ "": "x", b: "B" }, "abc"], "xaxBxcx"],
  ["bi_strings_replace_n", [{ "": "x" }, ""], "x"],
  ["bi_strings_replace_n", [{ b: "", "": "-" }, "abc"], "-a--c-"],
  ["bi_strings_replace_n", [{ "": "-" }, "a😀"], "-a-😀-"],
  ["bi_strings_reverse", ["héllo😀"], "😀olléh"],
  ["bi_strings_count", ["cheese", "e"], 3],
  ["bi_strings_count", ["aaaa", "aa"], 2],
  ["bi_strings_count", ["five", ""], 5],
  ["bi_strings_any_prefix_match", ["foobar", "foo"], true],
  ["bi_strings_any_prefix_match", [["x", "foobar"], 'rego:{"fo"}'], true],
  ["bi_strings_any_prefix_match", ["foobar", ["bar"]], false],
  ["bi_strings_any_suffix_match", ["foobar", ["x", "bar"]], true],
  ["bi_format_int", [255, 16], "ff"],
  ["bi_format_int", [-5, 2], "-101"],
  ["bi_format_int", [10.9, 10], "10"],
  ["bi_format_int", [8, 8], "10"],
  // objects, arrays, sets, bits
  ["bi_object_get", [{ a: 1 }, "a", 0], 1],
  ["bi_object_get", [{ a: 1 }, "b", "dflt"], "dflt"],
  ["bi_object_get", [{ a: { b: [1, 2] } }, ["a", "b", 1], 0], 2],
  ["bi_object_get", [{ a: { b: 1 } }, ["a", "x"], 0], 0],
  ["bi_object_get", [{ a: 1 }, [], 0], { a: 1 }],
  ["bi_object_keys", [{ b: 1, a: 2 }], ["a", "b"]],
  ["bi_object_remove", [{ a: 1, b: 2, c: 3 }, ["a", "c"]], { b: 2 }],
  ["bi_object_remove", [{ a: 1, b: 2 }, { b: 0 }], { a: 1 }],
  ["bi_object_filter", [{ a: 1, b: 2, c: 3 }, 'rego:{"a", "c"}'], { a: 1, c: 3 }],
  ["bi_object_union", [{ a: 1, o: { x: 1 } }, { a: 2, o: { y: 2 } }], { a: 2, o: { x: 1, y: 2 } }],
  ["bi_array_concat", [[1], [2, 3]], [1, 2, 3]],
  ["bi_array_slice", [[1, 2, 3, 4], 1, 3], [2, 3]],
  ["bi_array_slice", [[1, 2, 3], -5, 10], [1, 2, 3]],
  ["bi_array_slice", [[1, 2, 3], 2, 1], []],
  ["bi_array_reverse", [[1, 2, 3]], [3, 2, 1]],
  ["bi_intersection", ["rego:{{1,2},{2,3}}"], [2]],
  ["bi_intersection", ["rego:set()"], []],
  ["bi_union", ["rego:{{1,2},{2,3}}"], [1, 2, 3]],
  ["bi_bits_and", [12, 10], 8],
  ["bi_bits_or", [12, 10], 14],
  ["bi_bits_xor", [12, 10], 6],
  ["bi_bits_negate", [0], -1],
  ["bi_bits_lsh", [1, 10], 1024],
  ["bi_bits_rsh", [1024, 3], 128],
  ["bi_bits_rsh", [-8, 1], -4],
];

Deno.test("native built-ins: normal cases", () => {
  const rt = new Runtime();
  for (const [name, args, want] of cases) {
    deepEqual(run(rt, name, args), want, `${name}(${JSON.stringify(args)})`);
  }
});

Deno.test("integer overflow goes on exactly with big integers", () => {
  const rt = new Runtime();
  const big = rt.parseJSON("9223372036854775807");
  const r = rt.x.bi_plus(big, rt.v(1));
  equal(rt.dump(r), "9223372036854775808");
  equal(rt.dump(rt.x.bi_mul(big, rt.v(2))), "18446744073709551614");
  equal(rt.dump(rt.x.bi_mul(big, rt.v(4))), "36893488147419103228");
  equal(rt.dump(rt.x.bi_minus(rt.parseJSON("-9223372036854775808"), rt.v(1))), "-9223372036854775809");
  // exact below overflow
  equal(rt.dump(rt.x.bi_plus(rt.parseJSON("9223372036854775806"), rt.v(1))), "9223372036854775807");
  equal(rt.dump(rt.x.bi_mul(rt.parseJSON("3037000499"), rt.parseJSON("3037000499"))), "9223372030926249001");
});

Deno.test("float results print as OPA's FloatToNumber: shortest at 64 bits, Go's %g form", () => {
  const rt = new Runtime();
  const dump = (a: number, b: number) => rt.dump(rt.x.bi_div(rt.v(a), rt.v(b)));
  equal(dump(1, 3), "0.33333333333333333334");
  equal(dump(2, 3), "0.6666666666666666667");
  equal(dump(1, 1e7), "1e-07");
  equal(dump(1, 1e6), "1e-06");
  equal(dump(1, 1e4), "0.0001");
  equal(dump(3, 2e6), "1.5e-06");
  equal(dump(5e-324, 2), "2.5e-324"); // the text 5e-324, not the double, and no subnormals
  for (
    const x of [0.1, 1.5, 123.456, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, 1e-300]
  ) {
    const s = rt.dump(rt.x.bi_mul(rt.parseJSON(String(x)), rt.v(1)));
    equal(Number(s), x, String(x));
  }
  // an integral operand is an exact integer, whatever its form
  equal(rt.dump(rt.x.bi_mul(rt.parseJSON("1.5e20"), rt.v(1))), "150000000000000000000");
  equal(rt.dump(rt.x.bi_mul(rt.parseJSON("1.25e-300"), rt.v(2))), "2.5e-300");
});

const errors: [string, unknown[], string][] = [
  ["bi_plus", ["a", 1], "plus: operand 1 must be number but got string"],
  ["bi_plus", [1, null], "plus: operand 2 must be number but got null"],
  ["bi_minus", ["a", 1], "minus: operand 1 must be one of {number, set} but got string"],
  ["bi_minus", [1, "rego:set()"], "minus: operand 2 must be number but got set"],
  ["bi_minus", ["rego:set()", 1], "minus: operand 2 must be set but got number"],
  ["bi_mul", [[], 1], "mul: operand 1 must be number but got array"],
  ["bi_div", [1, 0], "div: divide by zero"],
  ["bi_div", [1, 0.0], "div: divide by zero"],
  ["bi_rem", [1, 0], "rem: modulo by zero"],
  ["bi_rem", [1.5, 1], "rem: modulo on floating-point number"],
  ["bi_abs", [{}], "abs: operand 1 must be number but got object"],
  [
    "bi_numbers_range",
    [1.5, 2],
    "numbers.range: operand 1 must be integer number but got floating-point number",
  ],
  ["bi_and", [[], "rego:set()"], "and: operand 1 must be set but got array"],
  ["bi_count", [1], "count: operand 1 must be one of {array, object, set, string} but got number"],
  ["bi_sum", [[1, "a"]], "sum: operand 1 must be array of numbers but got array containing string"],
  ["bi_sort", [{}], "sort: operand 1 must be one of {array, set} but got object"],
  ["bi_to_number", ["abc"], 'to_number: strconv.ParseFloat: parsing "abc": invalid syntax'],
  ["bi_to_number", [[]], "to_number: operand 1 must be one of {null, boolean, number, string} but got array"],
  ["bi_to_number", ["1e400"], 'to_number: strconv.ParseFloat: parsing "1e400": value out of range'],
  ["bi_to_number", ["-Inf"], "to_number: operand 1 must be valid number string but got string"],
  ["bi_concat", [1, []], "concat: operand 1 must be string but got number"],
  ["bi_concat", [",", [1]], "concat: operand 2 must be array of strings but got array containing number"],
  ["bi_indexof", ["abc", ""], "indexof: empty search character"],
  ["bi_substring", ["abc", -1, 1], "substring: negative offset"],
  [
    "bi_substring",
    ["abc", 1.5, 1],
    "substring: operand 2 must be integer number but got floating-point number",
  ],
  ["bi_lower", [1], "lower: operand 1 must be string but got number"],
  ["bi_format_int", [1, 3], "format_int: operand 2 must be one of {2, 8, 10, 16}"],
  ["bi_object_get", [[], "a", 1], "object.get: operand 1 must be object but got array"],
  ["bi_union", ["rego:{1}"], "union: operand 1 must be set of sets but got set containing number"],
  ["bi_bits_and", [1.5, 1], "bits.and: operand 1 must be integer number but got floating-point number"],
];

Deno.test("native built-ins: errors are undefined in non-strict mode", () => {
  const rt = new Runtime();
  rt.x.rt_set_strict(0);
  for (const [name, args] of errors) equal(run(rt, name, args), undefined, name);
});

Deno.test("native built-ins: errors abort with OPA's message in strict mode", () => {
  const rt = new Runtime();
  rt.x.rt_set_strict(1);
  for (const [name, args, msg] of errors) {
    throws(() => run(rt, name, args), (e: unknown) => e instanceof RuntimeAbort && e.message === msg, msg);
  }
});

Deno.test("to_number keeps the text Go's ParseFloat accepted, as OPA does", () => {
  const rt = new Runtime();
  for (const text of ["+3.5", ".5", "5.", "00012", "1E+2", "-0"]) {
    equal(rt.dump(rt.x.bi_to_number(rt.str(text))), text);
  }
  // and it computes with it
  equal(rt.dump(rt.x.bi_plus(rt.x.bi_to_number(rt.str("+3.5")), rt.v(1))), "4.5");
});

Deno.test("sort releases its scratch buffer", () => {
  const rt = new Runtime();
  const a = rt.v([5, 3, 1, 4, 2]);
  const before = rt.x.opa_heap_ptr_get();
  rt.x.bi_sort(a);
  // one array header (16) + five slots (24 after alignment)
  equal(rt.x.opa_heap_ptr_get(), before + 16 + 24);
});

Deno.test("decimal parsing and printing round-trip for many doubles", () => {
  const rt = new Runtime();
  let seed = 12345;
  const view = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < 2000; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    view.setUint32(0, seed);
    seed = (seed * 1103515245 + 12345) >>> 0;
    view.setUint32(4, seed);
    const x = Math.abs(view.getFloat64(0));
    if (!Number.isFinite(x) || Number.isInteger(x)) continue;
    const mark = rt.x.opa_heap_ptr_get();
    // 64-bit rounding of the shortest double text, printed shortest again: the same digits
    const s = rt.dump(rt.x.bi_mul(rt.parseJSON(String(x)), rt.v(1)));
    equal(Number(s), x, String(x));
    rt.x.opa_heap_ptr_set(mark);
  }
});
