/**
 * The Rego conformance suite, in process. Fails on any failing case not listed in
 * test/conformance/known_failures.yaml; reports (without failing) listed cases that now pass.
 */
import assert from "node:assert/strict";
import { HOST_BUILTINS } from "../src/engine/builtins/index.ts";
import { caseKey, readKnownFailures, triage } from "../src/cli/conformance/known_failures.ts";
import { counts, DEFAULT_SUITE, runSuite } from "../src/cli/conformance/suite.ts";

Deno.test("conformance: every case passes or is a known failure", async () => {
  const exists = await Deno.stat(DEFAULT_SUITE).then(() => true, () => false);
  assert.ok(
    exists,
    `the conformance suite is missing at ${DEFAULT_SUITE}: CI must provide ../shared/conformance`,
  );
  const results = (await runSuite([DEFAULT_SUITE], HOST_BUILTINS)).flatMap((r) => r.results);
  const known = await readKnownFailures();
  const keys = new Set(results.map(caseKey));
  const stale = known.filter((k) => !keys.has(caseKey(k)));
  const { unexpected, fixed } = triage(results, known);
  const c = counts(results);
  console.log(`conformance: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
  if (fixed.length > 0) {
    console.log(`conformance: ${fixed.length} known failures now pass; remove them from the list:`);
    for (const k of fixed) console.log(`  ${k.file}: ${k.note}`);
  }
  if (stale.length > 0) console.log(`conformance: ${stale.length} listed cases no longer exist`);
  assert.ok(results.length > 0, "the conformance suite holds no cases");
  assert.deepEqual(
    unexpected.map((r) => `${r.file}: ${r.note} (${r.reason})`),
    [],
    "cases failing that are not in test/conformance/known_failures.yaml",
  );
});
