/**
 * Fuzz: mutated real policies never make the parser throw, hang or answer inconsistently.
 * Deterministic (fixed seed); work is bounded by counting parser steps, not by wall-clock time.
 */
import { equal, ok } from "node:assert/strict";
import { loadConformanceModules } from "./conformance_modules.ts";
import { tokenize } from "./lexer.ts";
import { parseModuleText, parseQueryText } from "./parse_module.ts";
import { SAMPLE_POLICIES } from "./sample_policies.ts";
import { mutate, prng } from "../testing/mutate.ts";

const ITERATIONS = 6000;

Deno.test(`fuzz: ${ITERATIONS} mutated policies parse to a module or to located errors`, async () => {
  const corpus = SAMPLE_POLICIES.map((p) => ({ text: p.text, options: p.options }));
  const conformance = await loadConformanceModules();
  if (conformance === undefined) console.log("conformance corpus absent: fuzzing the sample policies only");
  else corpus.push(...conformance.map((m) => ({ text: m.text, options: m.options })));

  const rnd = prng(20240611);
  let modules = 0;
  let failures = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const base = corpus[Math.floor(rnd() * corpus.length)];
    const text = mutate(base.text, rnd);
    const tokens = tokenize(text, "fuzz.rego").tokens.length;
    const asModule = parseModuleText(text, "fuzz.rego", base.options);
    const asQuery = parseQueryText(text, "fuzz.rego", base.options);
    for (const r of [asModule, asQuery]) {
      const result = "module" in r ? r.module : (r as { body?: unknown }).body;
      if (result !== undefined) {
        equal(r.diagnostics.length, 0);
      } else {
        ok(
          r.diagnostics.length >= 1 && r.diagnostics.length <= 10,
          `case ${i}: ${r.diagnostics.length} errors`,
        );
      }
      for (const d of r.diagnostics) {
        equal(d.code, "rego_parse_error");
        ok(!d.message.startsWith("internal"), d.message);
        ok(d.message !== "parser step limit exceeded", `case ${i}: step limit\n${text}`);
        equal(d.location.file, "fuzz.rego");
        ok(Number.isInteger(d.location.row) && d.location.row >= 1, JSON.stringify(d));
        ok(Number.isInteger(d.location.col) && d.location.col >= 1, JSON.stringify(d));
      }
      // Work stays linear in the input: a bound on steps, not on time.
      ok(r.steps <= 60 * tokens + 100, `case ${i}: ${r.steps} steps for ${tokens} tokens\n${text}`);
    }
    if (asModule.module) modules++;
    else failures++;
  }
  console.log(`fuzz: ${modules} mutated inputs still parsed, ${failures} gave errors`);
  ok(failures > ITERATIONS / 4, "the mutations break most inputs");
});

Deno.test("fuzz: nested fallbacks (comprehension → array, `k, v in`) stay linear", () => {
  for (const k of [10, 40, 160]) {
    const inputs = [
      "package p\nx := " + "[a | b, ".repeat(k) + "5" + "]".repeat(k),
      "package p\nx := " + "[a | [c | d, e], f, ".repeat(k) + "1" + "]".repeat(k),
      "package p\nx if {" + "(a, ".repeat(k) + "b" + ")".repeat(k) + "}",
      "package p\nx if " + "{ a | ".repeat(k) + "b" + "}".repeat(k),
    ];
    for (const text of inputs) {
      const tokens = tokenize(text, "f").tokens.length;
      const r = parseModuleText(text, "f");
      ok(r.steps <= 60 * tokens + 100, `${r.steps} steps for ${tokens} tokens: ${text.slice(0, 60)}`);
    }
  }
});
