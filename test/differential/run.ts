/**
 * Running generated cases through both sides: our compiler (subject.ts) and OPA (oracle.ts).
 * Oracle requests are sent before our side runs, so the two work at the same time.
 */
import type { Answer, Case } from "./case.ts";
import { compare, type Verdict } from "./compare.ts";
import type { Oracle } from "./oracle.ts";
import { evaluateOurs, type OurAnswer } from "./subject.ts";

export interface QueryResult {
  query: string;
  ours: OurAnswer;
  opa: Answer;
  verdict: Verdict;
}

export interface Scenario {
  modules: string[];
  input?: unknown;
  data?: Record<string, unknown>;
}

/** Asks both sides every query of one scenario. */
export async function runScenario(oracle: Oracle, s: Scenario, queries: string[]): Promise<QueryResult[]> {
  const pending = queries.map((query) => oracle.evaluate(caseOf(s, query)));
  const ours = await evaluateOurs(s, queries);
  const opa = await Promise.all(pending);
  return queries.map((query, i) => ({
    query,
    ours: ours[i],
    opa: opa[i],
    verdict: compare(ours[i], opa[i]),
  }));
}

export function caseOf(s: Scenario, query: string): Case {
  const c: Case = { modules: s.modules, query };
  if (s.input !== undefined) c.input = s.input;
  if (s.data !== undefined) c.data = s.data;
  return c;
}
