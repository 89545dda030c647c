/**
 * Golden tests of the planner: Rego in src/rego/testing/golden/*.rego, the printed IR in *.ir
 * beside it. UPDATE_GOLDEN=1 rewrites the .ir files; a mismatch writes *.ir_actual to diff.
 */
import assert from "node:assert/strict";
import { check } from "./check/index.ts";
import { formatDiagnostic } from "./diagnostics.ts";
import { printPolicy } from "./ir/print.ts";
import { parseModule } from "./parse/index.ts";
import { planProgram } from "./plan/planner.ts";

const dir = new URL("./testing/golden/", import.meta.url);
const update = Deno.env.get("UPDATE_GOLDEN") === "1";

const cases: Record<string, string[]> = {
  "rules.rego": ["golden/allow", "golden/names", "golden/by_id"],
  "functions.rego": [
    "golden/fn/result",
    "golden/fn/all_positive",
    "golden/fn/all_granted",
    "golden/fn/counted",
  ],
};

for (const [file, entrypoints] of Object.entries(cases)) {
  Deno.test(`golden IR: ${file}`, async () => {
    const text = await Deno.readTextFile(new URL(file, dir));
    const parsed = parseModule(text, file);
    assert.deepEqual(parsed.diagnostics.map(formatDiagnostic), []);
    const checked = check([parsed.module!]);
    assert.deepEqual(checked.diagnostics.map(formatDiagnostic), []);
    const planned = planProgram(checked.program!.modules, entrypoints);
    assert.deepEqual(planned.diagnostics.map(formatDiagnostic), []);
    const actual = printPolicy(planned.policy!);
    const goldenUrl = new URL(file.replace(/\.rego$/, ".ir"), dir);
    const actualUrl = new URL(file.replace(/\.rego$/, ".ir_actual"), dir);
    if (update) {
      await Deno.writeTextFile(goldenUrl, actual);
      await Deno.remove(actualUrl).catch(() => {});
      return;
    }
    const expected = await Deno.readTextFile(goldenUrl);
    if (actual !== expected) {
      await Deno.writeTextFile(actualUrl, actual);
      assert.fail(
        `IR differs from ${goldenUrl.pathname}; see ${actualUrl.pathname} (UPDATE_GOLDEN=1 to accept)`,
      );
    }
    await Deno.remove(actualUrl).catch(() => {});
  });
}
