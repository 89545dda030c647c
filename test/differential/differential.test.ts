/**
 * Differential tests against real OPA.
 *
 * - The regression cases (cases/*.json: OPA's recorded answers) replay without the oracle.
 * - A bounded, seeded run of generated cases asks the OPA oracle (../shared/opa-oracle, which
 *   `.ci/run` installs) and this compiler; every disagreement must have a known explanation
 *   (explain.ts). The test fails, and does not skip, when the oracle is missing.
 *
 * `deno task fuzz` runs the same comparison at length and shrinks what it finds.
 */
import assert from "node:assert/strict";
import { formatSummary, fuzz } from "./fuzz.ts";
import { readCases, replay } from "./regression.ts";

const SEED = 8;
const COUNT = 150;

Deno.test("differential: the regression cases decide as OPA did", async () => {
  const cases = await readCases();
  assert.ok(cases.length >= 20, "the regression cases are missing");
  const failures: string[] = [];
  for (const { file, c } of cases) {
    const { ours, verdict } = await replay(c);
    if (verdict.agree !== true) {
      failures.push(
        `${file} (${c.note}): ${verdict.class}; ours ${JSON.stringify(ours)}, OPA ${JSON.stringify(c.opa)}`,
      );
    }
  }
  assert.deepEqual(failures, []);
});

Deno.test({
  name: `differential: ${COUNT} generated cases (seed ${SEED}) agree with OPA or have a known explanation`,
  // The oracle's worker threads outlive their answers by design; they are closed at the end.
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const summary = await fuzz({ seed: SEED, count: COUNT, jobs: 2, shrink: false });
    console.log(formatSummary(summary, { seed: SEED, count: COUNT }));
    assert.equal(summary.cases, COUNT);
    const inconclusive = summary.verdicts["inconclusive: oracle failed"] ?? 0;
    // A busy machine makes the oracle time out now and then; most answers must come.
    assert.ok(inconclusive < summary.queries / 5, `the oracle failed on ${inconclusive} queries`);
    assert.deepEqual(
      summary.unexplained.map((f) => `${f.class}: ${f.query} (case seed ${f.seed})\n${f.modules[0]}`),
      [],
    );
  },
});
