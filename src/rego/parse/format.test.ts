import { deepStrictEqual, equal } from "node:assert/strict";
import { formatDiagnostic } from "../diagnostics.ts";
import { stripLocations } from "./ast_compare.ts";
import { loadConformanceModules } from "./conformance_modules.ts";
import { formatModule, parseModule, type ParseOptions } from "./index.ts";
import { SAMPLE_POLICIES } from "./sample_policies.ts";

/** The Rego version is not compared: the printer always writes Rego v1. */
const IGNORED = ["regoVersion"];

/** Parses, prints, parses the print as v1; returns a problem or undefined. */
function roundTrip(text: string, name: string, options: ParseOptions): string | undefined {
  const first = parseModule(text, name, options);
  if (!first.module) return `does not parse: ${first.diagnostics.map(formatDiagnostic).join("; ")}`;
  const printed = formatModule(first.module);
  const second = parseModule(printed, name, { regoVersion: 1 });
  if (!second.module) {
    return `printed module does not parse: ${
      second.diagnostics.map(formatDiagnostic).join("; ")
    }\n${printed}`;
  }
  try {
    deepStrictEqual(stripLocations(second.module, IGNORED), stripLocations(first.module, IGNORED));
  } catch {
    return `AST changed in the round trip:\n${printed}`;
  }
  // printing is stable
  if (formatModule(second.module) !== printed) return "printing the reparsed module differs";
  return undefined;
}

Deno.test("format: round trip of the sample policies", () => {
  for (const p of SAMPLE_POLICIES) equal(roundTrip(p.text, p.name, p.options), undefined, p.name);
});

Deno.test("format: prints Rego v1", () => {
  const m = parseModule("package p\np[x] { x := 1 }\nq { true }\nr = 1 { false } else { true }", "m", {
    regoVersion: 0,
  }).module!;
  equal(
    formatModule(m),
    [
      "package p",
      "",
      "p contains x if {",
      "\tx := 1",
      "}",
      "",
      "q if {",
      "\ttrue",
      "}",
      "",
      "r = 1 if {",
      "\tfalse",
      "} else if {",
      "\ttrue",
      "}",
      "",
    ].join("\n"),
  );
});

Deno.test("format: nested operators are parenthesised only where needed for the same AST", () => {
  const m = parseModule(
    'package p\nx := (a + b) * c\ny := [(a | b)]\nz := f((k, v in xs), v in xs)\nw := {"k": (a | b)}',
    "m",
  )
    .module!;
  const text = formatModule(m);
  equal(
    text.split("\n\n").slice(1).join("\n\n"),
    'x := (a + b) * c\n\ny := [(a | b)]\n\nz := f((k, v in xs), v in xs)\n\nw := {"k": (a | b)}\n',
  );
  equal(roundTrip(text, "m", {}), undefined);
});

Deno.test("format: round trip of the conformance corpus (../shared/conformance)", async (t) => {
  const modules = await loadConformanceModules();
  if (modules === undefined) {
    console.log("SKIPPED: ../shared/conformance is absent; conformance corpus round trip not run");
    return;
  }
  let parsed = 0;
  const unexpected: string[] = [];
  const expectedFailures: string[] = [];
  const roundTripFailures: string[] = [];
  for (const m of modules) {
    const r = parseModule(m.text, m.name, m.options);
    if (!r.module) {
      const line = `${m.name}: ${r.diagnostics.map((d) => d.message).join("; ")}`;
      (m.expectsError ? expectedFailures : unexpected).push(line);
      continue;
    }
    parsed++;
    const problem = roundTrip(m.text, m.name, m.options);
    if (problem !== undefined) roundTripFailures.push(`${m.name}: ${problem}`);
  }
  await t.step("measurement", () => {
    console.log(
      `conformance modules: ${modules.length}, parsed: ${parsed}, ` +
        `failed in cases that expect an error: ${expectedFailures.length}, other failures: ${unexpected.length}`,
    );
    for (const f of expectedFailures) console.log(`  expected-error case: ${f}`);
    for (const f of unexpected) console.log(`  FAILURE: ${f}`);
  });
  // Every module of a case that expects success parses; every parsed module round-trips.
  deepStrictEqual(unexpected, []);
  deepStrictEqual(roundTripFailures, []);
  equal(parsed > 500, true);
});
