import { deepEqual, equal } from "node:assert/strict";
import { Runtime } from "./harness.ts";
import { isPrint, simpleCaseMaps } from "./unicode_data.ts";
import { renderTables } from "./unicode_tables_gen.ts";

Deno.test("walk: [path, value] pairs in pre-order, keys sorted, sets keyed by element", () => {
  const rt = new Runtime();
  const walk = (text: string) => rt.valueDump(rt.x.bi_walk(rt.parseValue(text)));
  equal(walk("1"), "[[[],1]]");
  equal(walk("[]"), "[[[],[]]]");
  equal(
    walk('{"b": [true, {"c": null}], "a": 1}'),
    '[[[],{"a":1,"b":[true,{"c":null}]}],[["a"],1],[["b"],[true,{"c":null}]],[["b",0],true],' +
      '[["b",1],{"c":null}],[["b",1,"c"],null]]',
  );
  equal(walk('{"z", 2, [1]}'), '[[[],{2,"z",[1]}],[[2],2],[["z"],"z"],[[[1]],[1]],[[[1],0],1]]');
  // paths are distinct arrays: the pairs do not share a mutable prefix
  deepEqual(rt.js(rt.x.bi_walk(rt.parseValue("[[5], [6]]"))), [
    [[], [[5], [6]]],
    [[0], [5]],
    [[0, 0], 5],
    [[1], [6]],
    [[1, 0], 6],
  ]);
});

const caseCases: [string, string, string][] = [
  ["bi_lower", "ÀÉÎÕÜ ΑΣΩ ЖЯ Ǆǅ", "àéîõü ασω жя ǆǆ"],
  ["bi_upper", "àéîõü ασως жяё ǆǅ", "ÀÉÎÕÜ ΑΣΩΣ ЖЯЁ ǄǄ"],
  // Go's simple mappings where the full (JavaScript) mapping has several code points
  ["bi_lower", "İ", "i"],
  ["bi_upper", "ßŉǰﬀ", "ßŉǰﬀ"],
  ["bi_upper", "ᾀᾳῃῳ", "ᾈᾼῌῼ"],
  ["bi_upper", "ıſ", "IS"],
  ["bi_lower", "K", "k"], // Kelvin sign
  ["bi_upper", "ɐ ꭰ 𐐨 𞤢", "Ɐ Ꭰ 𐐀 𞤀"],
  ["bi_lower", "Ⱥ Ꭰ 𐐀 𞤀", "ⱥ ꭰ 𐐨 𞤢"],
  ["bi_upper", "日本 😀 123", "日本 😀 123"],
];

Deno.test("lower/upper: Go's simple case mapping per code point", () => {
  const rt = new Runtime();
  for (const [name, input, want] of caseCases) equal(rt.call(name, input), want, `${name}(${input})`);
});

Deno.test("lower/upper: every code point maps as the generated data says", () => {
  const rt = new Runtime();
  const { lower, upper } = simpleCaseMaps();
  // one string per block of code points, checked as a whole
  for (let base = 0; base <= 0x10ffff; base += 0x4000) {
    const cps: number[] = [];
    for (let c = base; c < base + 0x4000 && c <= 0x10ffff; c++) if (c < 0xd800 || c >= 0xe000) cps.push(c);
    const input = String.fromCodePoint(...cps);
    const mark = rt.x.opa_heap_ptr_get();
    const s = rt.str(input);
    equal(
      rt.js(rt.x.bi_lower(s)),
      String.fromCodePoint(...cps.map((c) => lower[c])),
      `lower ${base.toString(16)}`,
    );
    equal(
      rt.js(rt.x.bi_upper(s)),
      String.fromCodePoint(...cps.map((c) => upper[c])),
      `upper ${base.toString(16)}`,
    );
    rt.x.opa_heap_ptr_set(mark);
  }
});

Deno.test("%q escapes exactly the code points Go's strconv.IsPrint rejects", () => {
  const rt = new Runtime();
  for (let base = 0x80; base <= 0x10ffff; base += 0x2000) {
    const cps: number[] = [];
    for (let c = base; c < base + 0x2000 && c <= 0x10ffff; c++) if (c < 0xd800 || c >= 0xe000) cps.push(c);
    const mark = rt.x.opa_heap_ptr_get();
    const arr = rt.x.rt_array(1);
    rt.x.rt_array_append(arr, rt.str(String.fromCodePoint(...cps)));
    const got = rt.js(rt.x.bi_sprintf(rt.str("%q"), arr)) as string;
    const want = '"' + cps.map((c) =>
      isPrint(c)
        ? String.fromCodePoint(c)
        : c < 0x10000
        ? "\\u" + c.toString(16).padStart(4, "0")
        : "\\U" + c.toString(16).padStart(8, "0")
    ).join("") + '"';
    equal(got, want, `block ${base.toString(16)}`);
    rt.x.opa_heap_ptr_set(mark);
  }
});

Deno.test("assembly/unicode_tables.ts is fresh (regenerate with unicode_tables_gen.ts)", async () => {
  const current = await Deno.readTextFile(new URL("./assembly/unicode_tables.ts", import.meta.url));
  equal(current, renderTables(), "run `deno run --allow-write src/rego/runtime/unicode_tables_gen.ts`");
});
