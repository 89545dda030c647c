import assert from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { BuiltinError } from "./errors.ts";
import { TEMPLATE_LIMITS } from "./go_template.ts";
import { assertFails, call } from "./test_support.ts";
import { CASES } from "./testdata/go_template_cases.ts";
import answers from "./testdata/go_template_answers.json" with { type: "json" };

const render = (template: string, vars: Record<string, unknown> = {}) =>
  call("strings.render_template", template, vars);

// Recorded from Go 1.19's text/template, run as OPA runs it (template "template",
// missingkey=error, variables decoded with json.Number).
Deno.test("strings.render_template: Go's text/template answers (output, or an error)", () => {
  assert.equal(CASES.length, answers.length);
  const wrong: string[] = [];
  CASES.forEach((c, i) => {
    const want = answers[i] as { result?: string; error?: string };
    let got: { result?: unknown; error?: string };
    try {
      got = { result: render(c.template, c.vars) };
    } catch (e) {
      assert.ok(e instanceof BuiltinError, String(e));
      got = { error: e.message };
    }
    // One known difference: Go 1.19 accepts a trailing "|" ("{{ .name | }}"); this is an error.
    if (c.template === "{{ .name | }}") return assert.ok(got.error);
    if (want.result !== undefined ? got.result !== want.result : got.error === undefined) {
      wrong.push(`${JSON.stringify(c.template)}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }
  });
  assert.deepEqual(wrong, []);
});

Deno.test("strings.render_template: Go 1.22+ range over an integer, Go 1.23+ else with (today's OPA)", () => {
  assert.equal(
    render("{{range 3}}{{.}}{{end}}|{{range $i := 2}}{{$i}}{{end}}|{{range 0}}x{{else}}none{{end}}"),
    "012|01|none",
  );
  assert.equal(render("{{with .a}}a{{else with .b}}{{.}}{{else}}c{{end}}", { a: "", b: "B" }), "B");
  assertFails(
    "strings.render_template",
    ["{{range $i, $v := 3}}{{end}}", {}],
    /can't use 3 to iterate over more than one variable/,
  );
});

Deno.test("strings.render_template: operands, and what is refused rather than guessed", () => {
  assertFails(
    "strings.render_template",
    [1, {}],
    "strings.render_template: operand 1 must be string but got number",
  );
  assertFails(
    "strings.render_template",
    ["x", []],
    "strings.render_template: operand 2 must be object but got array",
  );
  assertFails("strings.render_template", ["{{.a}}", {}], /map has no entry for key "a"/);
  for (
    const t of [
      '{{define "x"}}{{end}}',
      '{{template "x"}}',
      "{{html .a}}",
      "{{slice .a 1}}",
      '{{printf "%5d" 1}}',
      '{{printf "%x" 1}}',
      "{{0x10}}",
      "{{'a'}}",
      "{{print nil}}",
    ]
  ) {
    assertFails("strings.render_template", [t, { a: "x" }], /not supported by this gateway/);
  }
  // A number beyond 2^53 reaches the host inexact: its Go text is not known.
  assertFails("strings.render_template", ["{{.a}}", { a: 2 ** 60 }], /not known to this gateway/);
  assertFails("strings.render_template", ["{{.a}}", { a: 1e-7 }], /not known to this gateway/);
});

Deno.test("strings.render_template: work is bounded", () => {
  const list = Array.from({ length: 1000 }, (_, i) => i);
  assertFails(
    "strings.render_template",
    ["{{range $.l}}{{range $.l}}{{range $.l}}{{end}}{{end}}{{end}}", { l: list }],
    /more than \d+ steps/,
  );
  assertFails("strings.render_template", ["{{range 100000000}}{{end}}", {}], /more than \d+ steps/);
  assertFails(
    "strings.render_template",
    ["{{range .l}}{{$.s}}{{end}}", { l: list, s: "x".repeat(10_000) }],
    /output is longer/,
  );
  const deep = "{{if .a}}".repeat(TEMPLATE_LIMITS.nesting + 1);
  assertFails("strings.render_template", [deep, { a: true }], /nesting deeper/);
  assertFails(
    "strings.render_template",
    ["{{" + "(".repeat(5000) + "1" + ")".repeat(5000) + "}}", {}],
    /nesting deeper/,
  );
  assertFails("strings.render_template", ["x".repeat(TEMPLATE_LIMITS.text + 1), {}], /longer than/);
});

Deno.test("strings.render_template: arbitrary templates give a string or a BuiltinError, never another throw", () => {
  const unit = fc.constantFrom(
    ..."{{}}{{-  -}}.$:=|()\"`'/* */ \n,abxyz019",
    "if ",
    "else ",
    "end",
    "range ",
    "with ",
    "break",
    "continue",
    ".a",
    ".b",
    "$x",
    "eq ",
    "index ",
    "len ",
    "printf ",
    "and ",
    "not ",
  );
  const vars = fc.record({ a: fc.jsonValue({ maxDepth: 3 }), b: fc.jsonValue({ maxDepth: 2 }) });
  fc.assert(
    fc.property(fc.string({ unit, maxLength: 60 }), vars, (t, v) => {
      try {
        assert.equal(typeof render(t, v), "string");
      } catch (e) {
        if (!(e instanceof BuiltinError)) throw e;
      }
    }),
    { numRuns: 2000 },
  );
});
