/**
 * `deno task fuzz [--seed N] [--count N] [--jobs N] [--out DIR] [--no-shrink]` — differential
 * testing against real OPA (the OPA oracle, v0.47): generated policies, inputs and data are
 * answered by both; every disagreement is classified, explained ones (explain.ts) are counted,
 * unexplained ones are shrunk to a minimal case and written to DIR (default
 * `build/fuzz/<seed>`) as JSON: modules, input, data, query, both answers and the class.
 *
 * Prints a summary: cases, queries, verdicts by class, explained and unexplained disagreements,
 * time. Exits 1 when an unexplained disagreement was found.
 */
import { join } from "node:path";
import { HelpRequested, parseCliArgs } from "../../src/cli/cli_args.ts";
import { generateCase, type GeneratedCase } from "./generate/case.ts";
import { render } from "./generate/policy.ts";
import { explain } from "./explain.ts";
import { Oracle } from "./oracle.ts";
import { type QueryResult, runScenario } from "./run.ts";
import { shrink } from "./shrink.ts";

export interface FuzzOptions {
  seed: number;
  count: number;
  jobs: number;
  out?: string;
  shrink: boolean;
  /** Candidates a shrink may try (default 150). */
  shrinkBudget?: number;
  /** Called after each case. */
  progress?: (done: number, summary: FuzzSummary) => void;
}

export interface Finding {
  seed: number;
  class: string;
  explanation?: string;
  modules: string[];
  input?: unknown;
  data?: Record<string, unknown>;
  query: string;
  ours: unknown;
  opa: unknown;
  shrunkFrom?: { rules: number; attempts: number };
}

export interface FuzzSummary {
  cases: number;
  queries: number;
  verdicts: Record<string, number>;
  explained: Record<string, number>;
  unexplained: Finding[];
  seconds: number;
}

export async function fuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const started = performance.now();
  const oracles = await Promise.all(Array.from({ length: options.jobs }, () => Oracle.start()));
  const summary: FuzzSummary = {
    cases: 0,
    queries: 0,
    verdicts: {},
    explained: {},
    unexplained: [],
    seconds: 0,
  };
  let next = 0;
  const worker = async (oracle: Oracle) => {
    while (next < options.count) {
      const index = next++;
      const c = generateCase(options.seed, index);
      const results = await runScenario(
        oracle,
        { modules: [render(c.policy)], input: c.input, data: c.data },
        c.queries,
      );
      summary.cases++;
      for (const r of results) await record(oracle, c, r, summary, options);
      options.progress?.(summary.cases, summary);
    }
  };
  try {
    await Promise.all(oracles.map(worker));
  } finally {
    await Promise.all(oracles.map((o) => o.close()));
  }
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

async function record(
  oracle: Oracle,
  c: GeneratedCase,
  r: QueryResult,
  summary: FuzzSummary,
  options: FuzzOptions,
): Promise<void> {
  summary.queries++;
  const key = r.verdict.agree === undefined
    ? "inconclusive: oracle failed"
    : `${r.verdict.agree ? "agree" : "DISAGREE"}: ${r.verdict.class}`;
  summary.verdicts[key] = (summary.verdicts[key] ?? 0) + 1;
  if (r.verdict.agree !== false) return;
  const explanation = explain(r, { modules: [render(c.policy)], input: c.input, data: c.data });
  if (explanation) {
    summary.explained[explanation.id] = (summary.explained[explanation.id] ?? 0) + 1;
    return;
  }
  let finding: Finding = {
    seed: c.seed,
    class: r.verdict.class,
    modules: [render(c.policy)],
    input: c.input,
    data: c.data,
    query: r.query,
    ours: r.ours,
    opa: r.opa,
  };
  if (options.shrink) {
    const s = await shrink(oracle, c, r.query, r, options.shrinkBudget);
    finding = {
      ...finding,
      modules: [render(s.policy)],
      input: s.input,
      data: s.data,
      ours: s.result.ours,
      opa: s.result.opa,
      shrunkFrom: { rules: c.policy.rules.length, attempts: s.attempts },
    };
  }
  summary.unexplained.push(finding);
  if (options.out) {
    await Deno.mkdir(options.out, { recursive: true });
    const name = `${finding.class.replace(/[^a-z]+/gi, "-").toLowerCase()}-${c.seed >>> 0}.json`;
    await Deno.writeTextFile(join(options.out, name), JSON.stringify(finding, null, 2) + "\n");
  }
}

export function formatSummary(s: FuzzSummary, options: Pick<FuzzOptions, "seed" | "count">): string {
  const lines = [
    `fuzz: seed ${options.seed}, ${s.cases} cases, ${s.queries} queries, ${s.seconds.toFixed(0)} s`,
    ...Object.entries(s.verdicts).sort().map(([k, n]) => `  ${k}: ${n}`),
    `explained disagreements: ${Object.values(s.explained).reduce((a, b) => a + b, 0)}`,
    ...Object.entries(s.explained).sort().map(([k, n]) => `  ${k}: ${n}`),
    `unexplained disagreements: ${s.unexplained.length}`,
    ...s.unexplained.map((f) => `  ${f.class} (case seed ${f.seed}, ${f.query})`),
  ];
  return lines.join("\n");
}

const FUZZ_USAGE =
  `usage: deno task fuzz [--seed N] [--count N] [--jobs N] [--out DIR] [--no-shrink] [--shrink-budget N]

Generates policies and inputs, and compares this project's answers with OPA's (the oracle).`;

function fuzzArgs() {
  try {
    return parseCliArgs(Deno.args, {
      seed: { type: "string" },
      count: { type: "string" },
      jobs: { type: "string" },
      out: { type: "string" },
      "no-shrink": { type: "boolean" },
      "shrink-budget": { type: "string" },
    });
  } catch (e) {
    if (e instanceof HelpRequested) {
      console.log(FUZZ_USAGE);
      Deno.exit(0);
    }
    console.error(`fuzz: ${(e as Error).message}\n${FUZZ_USAGE}`);
    Deno.exit(2);
  }
}

if (import.meta.main) {
  const args = fuzzArgs();
  const started = performance.now();
  const seed = Number(args.values.seed ?? Date.now() % 1_000_000);
  const count = Number(args.values.count ?? 1000);
  const options: FuzzOptions = {
    seed,
    count,
    jobs: Number(args.values.jobs ?? 2),
    out: args.values.out ?? `build/fuzz/${seed}`,
    shrink: !args.values["no-shrink"],
    shrinkBudget: Number(args.values["shrink-budget"] ?? 150),
    progress: (done, s) => {
      if (done % 250 === 0) {
        s.seconds = (performance.now() - started) / 1000;
        console.error(formatSummary(s, { seed, count }));
      }
    },
  };
  const summary = await fuzz(options);
  console.log(formatSummary(summary, options));
  Deno.exit(summary.unexplained.length === 0 ? 0 : 1);
}
