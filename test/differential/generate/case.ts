/**
 * A generated case: one policy (package `test`), an input, base data, and the queries asked of
 * it (the whole package, and some of its rules one by one, so that an error in one rule does not
 * hide the others).
 */
import * as json from "./json.ts";
import { type Policy, PolicyGenerator, queryableRules, render } from "./policy.ts";
import { caseSeed, Rng } from "./rng.ts";

export interface GeneratedCase {
  seed: number;
  policy: Policy;
  input?: unknown;
  data?: Record<string, unknown>;
  queries: string[];
}

export function generateCase(runSeed: number, index: number): GeneratedCase {
  const seed = caseSeed(runSeed, index);
  const r = new Rng(seed);
  const policy = new PolicyGenerator(r).policy();
  const input = json.input(r);
  const data = json.data(r);
  const rules = queryableRules(policy);
  // The whole package answers for every rule; a rule alone now and then, so that an error in
  // another rule does not hide it.
  const queries = ["data.test", ...rules.filter(() => r.chance(0.08)).map((n) => `data.test.${n}`)];
  return { seed, policy, input, data, queries };
}

export function moduleText(c: { policy: Policy }): string {
  return render(c.policy);
}
