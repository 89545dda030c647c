/**
 * Shrinking a disagreement to a minimal case: fewer rules, fewer `else` branches and body
 * expressions, a smaller input and data. A step is kept when both sides still disagree in the
 * same way (the same verdict class); steps are retried until none applies.
 */
import type { GeneratedCase } from "./generate/case.ts";
import { type Policy, render, type RuleSpec } from "./generate/policy.ts";
import type { Oracle } from "./oracle.ts";
import { explain } from "./explain.ts";
import { type QueryResult, runScenario } from "./run.ts";

export interface Shrunk {
  policy: Policy;
  input?: unknown;
  data?: Record<string, unknown>;
  query: string;
  result: QueryResult;
  /** Candidates tried. */
  attempts: number;
}

type Candidate = { policy: Policy; input?: unknown; data?: Record<string, unknown> };

export async function shrink(
  oracle: Oracle,
  c: GeneratedCase,
  query: string,
  first: QueryResult,
  budget = 150,
): Promise<Shrunk> {
  let best: Candidate = { policy: c.policy, input: c.input, data: c.data };
  let result = first;
  let attempts = 0;
  const stillFails = async (cand: Candidate): Promise<QueryResult | undefined> => {
    attempts++;
    const scenario = { modules: [render(cand.policy)], input: cand.input, data: cand.data };
    const [r] = await runScenario(oracle, scenario, [query]);
    // The same disagreement: same class, and still without a known explanation.
    return r.verdict.agree === false && r.verdict.class === first.verdict.class && !explain(r, scenario)
      ? r
      : undefined;
  };
  for (let progress = true; progress && attempts < budget;) {
    progress = false;
    for (const cand of candidates(best)) {
      if (attempts >= budget) break;
      const r = await stillFails(cand);
      if (r) {
        best = cand;
        result = r;
        progress = true;
        break;
      }
    }
  }
  return { ...best, query, result, attempts };
}

/** Smaller variants of a case, the biggest cuts first. */
function* candidates(c: Candidate): Generator<Candidate> {
  const rules = c.policy.rules;
  for (let i = 0; i < rules.length; i++) yield { ...c, policy: { rules: rules.filter((_, j) => j !== i) } };
  for (let i = 0; i < rules.length; i++) {
    for (const smaller of smallerRules(rules[i])) {
      yield { ...c, policy: { rules: rules.map((r, j) => (j === i ? smaller : r)) } };
    }
  }
  if (c.input !== undefined) {
    yield { ...c, input: undefined };
    for (const input of smallerValues(c.input)) yield { ...c, input };
  }
  if (c.data !== undefined) {
    yield { ...c, data: undefined };
    for (const data of smallerValues(c.data)) yield { ...c, data: data as Record<string, unknown> };
  }
}

function* smallerRules(r: RuleSpec): Generator<RuleSpec> {
  for (let i = 0; i < r.elses.length; i++) yield { ...r, elses: r.elses.filter((_, j) => j !== i) };
  for (let i = 0; i < r.body.length; i++) yield { ...r, body: r.body.filter((_, j) => j !== i) };
  for (let i = 0; i < r.elses.length; i++) {
    const e = r.elses[i];
    for (let k = 0; k < e.body.length; k++) {
      const smaller = { ...e, body: e.body.filter((_, j) => j !== k) };
      yield { ...r, elses: r.elses.map((x, j) => (j === i ? smaller : x)) };
    }
  }
}

/** Simpler JSON values: without one key or element, with a part replaced by null, or gone. */
export function* smallerValues(v: unknown): Generator<unknown> {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) yield v.filter((_, j) => j !== i);
    for (let i = 0; i < v.length; i++) {
      for (const s of smallerValues(v[i])) yield v.map((x, j) => (j === i ? s : x));
    }
  } else if (typeof v === "object" && v !== null) {
    const entries = Object.entries(v);
    for (const [k] of entries) yield Object.fromEntries(entries.filter(([x]) => x !== k));
    for (const [k, x] of entries) {
      for (const s of smallerValues(x)) {
        yield Object.fromEntries(entries.map(([y, w]) => [y, y === k ? s : w]));
      }
    }
  } else if (v !== null) {
    yield null;
  }
}
