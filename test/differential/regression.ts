/**
 * Regression cases: small JSON files in cases/ with a policy, input, data, a query and OPA's
 * answer as the oracle gave it (`opa`). They are replayed without the oracle; each must agree.
 * `deno run -A test/differential/regression.ts record FILE…` turns findings written by
 * `deno task fuzz` (or hand-written cases without `opa`) into cases, asking the oracle.
 */
import { basename, join } from "node:path";
import type { Answer } from "./case.ts";
import { compare, type Verdict } from "./compare.ts";
import { Oracle } from "./oracle.ts";
import { caseOf } from "./run.ts";
import { evaluateOurs, type OurAnswer } from "./subject.ts";

export const CASES_DIR = new URL("./cases/", import.meta.url);

export interface RegressionCase {
  note: string;
  modules: string[];
  input?: unknown;
  data?: Record<string, unknown>;
  query: string;
  /** OPA's answer (the OPA oracle, v0.47). */
  opa: Answer;
  /**
   * Where today's OPA answers otherwise than v0.47 (the brief: today's OPA wins), its answer and
   * the evidence; the case is replayed against it.
   */
  today?: { answer: Answer; reason: string };
}

export async function readCases(): Promise<{ file: string; c: RegressionCase }[]> {
  const out: { file: string; c: RegressionCase }[] = [];
  for await (const entry of Deno.readDir(CASES_DIR)) {
    if (!entry.name.endsWith(".json")) continue;
    const text = await Deno.readTextFile(new URL(entry.name, CASES_DIR));
    out.push({ file: entry.name, c: JSON.parse(text) });
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : 1));
}

export async function replay(c: RegressionCase): Promise<{ ours: OurAnswer; verdict: Verdict }> {
  const [ours] = await evaluateOurs(c, [c.query]);
  return { ours, verdict: compare(ours, c.today?.answer ?? c.opa) };
}

async function record(files: string[]): Promise<void> {
  const oracle = await Oracle.start();
  try {
    for (const file of files) {
      const found = JSON.parse(await Deno.readTextFile(file));
      const c: RegressionCase = {
        note: found.note ?? `${found.class ?? "case"} (fuzz case seed ${found.seed ?? "?"})`,
        modules: found.modules,
        ...(found.input !== undefined ? { input: found.input } : {}),
        ...(found.data !== undefined ? { data: found.data } : {}),
        query: found.query,
        opa: await oracle.evaluate(caseOf(found, found.query)),
      };
      const name = basename(file);
      await Deno.writeTextFile(join(CASES_DIR.pathname, name), JSON.stringify(c, null, 2) + "\n");
      const { verdict } = await replay(c);
      console.log(`${verdict.agree ? "agrees " : "DIFFERS"} ${name}: ${verdict.class}`);
    }
  } finally {
    await oracle.close();
  }
}

if (import.meta.main) {
  const [command, ...files] = Deno.args;
  if (command !== "record" || files.length === 0) {
    console.error("usage: deno run -A test/differential/regression.ts record FILE…");
    Deno.exit(2);
  }
  await record(files);
}
