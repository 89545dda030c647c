/**
 * The policy's decision document, specified with zod. Anything that does not parse is a malformed
 * decision and fails closed (503 policy_malformed). The request path checks it with the equivalent
 * hand-written validateDecision (validate.ts), held to this schema's answers by its tests.
 */
import { z } from "zod";
import type { RateLimitRule } from "../ratelimit/types.ts";

/** HTTP header field name (RFC 9110 token). */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A header value without control characters (no CR/LF injection). */
export const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
export const WINDOW = /^([1-9][0-9]{0,6})(s|m|h|d)$/;

const windowSchema = z.union([
  z.number().int().positive().max(31_536_000),
  z.string().regex(WINDOW, 'a window is seconds or a duration like "30s", "1m", "1h", "1d"'),
]);

const rateLimitSchema = z.object({
  key: z.string().min(1).max(512),
  limit: z.number().int().positive(),
  window: windowSchema,
  cost: z.number().int().nonnegative().optional(),
});

export const decisionSchema = z.object({
  allow: z.boolean(),
  reason: z.string().max(256),
  permissions: z.array(z.string()).optional(),
  claims: z.record(z.string(), z.unknown()).optional(),
  rate_limits: z.array(rateLimitSchema).max(16).optional(),
  headers: z.record(z.string().regex(HEADER_NAME), z.string().regex(HEADER_VALUE).max(8192)).optional(),
});

export type Decision = z.infer<typeof decisionSchema>;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

export function windowSeconds(window: number | string): number {
  if (typeof window === "number") return window;
  const m = WINDOW.exec(window)!;
  return Number(m[1]) * UNIT_SECONDS[m[2]];
}

const RULES = new WeakMap<Decision, readonly RateLimitRule[]>();

/**
 * The decision's rate limits as rules. Made once per decision object when the decision is shared
 * (the decision cache freezes the decisions it hands out); a fresh decision is not remembered, as
 * a weak entry per request would only add work for the garbage collector.
 */
export function rateLimitRules(decision: Decision): readonly RateLimitRule[] {
  if (!Object.isFrozen(decision)) return toRules(decision);
  let rules = RULES.get(decision);
  if (rules === undefined) {
    rules = toRules(decision);
    RULES.set(decision, rules);
  }
  return rules;
}

function toRules(decision: Decision): RateLimitRule[] {
  return (decision.rate_limits ?? []).map((r) => ({
    key: r.key,
    limit: r.limit,
    windowSeconds: windowSeconds(r.window),
    cost: r.cost ?? 1,
  }));
}

/** A readable one-line summary of why a decision did not parse (for the log, never the response). */
export function describeIssues(error: z.ZodError): string {
  return error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}
