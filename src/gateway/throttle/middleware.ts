/**
 * Enforces the decision's rate limits with KEYS' RateLimiter before anything reaches the upstream.
 * Rules are consumed in the policy's order and the first refusal stops (rules before it stay
 * charged). A limiter failure fails closed (503 rate_limiter_failed). The stage answers without
 * a promise when the limiter does (the in-process one).
 */
import type { MiddlewareHandler } from "hono";
import type { GatewayEnv } from "../context.ts";
import { rateLimitRules } from "../decision/schema.ts";
import { errorResponse } from "../errors/respond.ts";
import type { RateLimiter, RateLimitOutcome, RateLimitRule } from "../ratelimit/types.ts";
import type { RequestState } from "../context.ts";
import { type Stage, stageMiddleware } from "../stage.ts";
import { mostRestrictive, rateLimitHeaders } from "./headers.ts";

export interface ThrottleOptions {
  limiter: RateLimiter;
}

export function throttleStage(opts: ThrottleOptions): Stage {
  const { limiter } = opts;
  return function enforceRateLimits(c, state) {
    const decision = state.decision;
    if (decision === null || !decision.rate_limits?.length) return null;
    const rules = rateLimitRules(decision);
    let worst: RateLimitOutcome | null = null;
    for (let i = 0; i < rules.length; i++) {
      let outcome: RateLimitOutcome | Promise<RateLimitOutcome>;
      try {
        outcome = limiter.consume(rules[i]);
      } catch (e) {
        return failed(c, state, e);
      }
      // A limiter that answers at once (the in-process one) costs no await.
      if (outcome instanceof Promise) return finishAsync(c, state, rules, i, outcome, worst);
      worst = mostRestrictive(worst, outcome);
      if (!outcome.allowed) break;
    }
    return conclude(c, state, worst);
  };

  async function finishAsync(
    c: Parameters<Stage>[0],
    state: RequestState,
    rules: readonly RateLimitRule[],
    from: number,
    first: Promise<RateLimitOutcome>,
    worst: RateLimitOutcome | null,
  ) {
    for (let i = from; i < rules.length; i++) {
      let outcome: RateLimitOutcome;
      try {
        outcome = await (i === from ? first : limiter.consume(rules[i]));
      } catch (e) {
        return failed(c, state, e);
      }
      worst = mostRestrictive(worst, outcome);
      if (!outcome.allowed) break;
    }
    return conclude(c, state, worst);
  }
}

/** A limiter failure fails closed. */
function failed(c: Parameters<Stage>[0], state: RequestState, e: unknown) {
  state.detail = e instanceof Error ? e.message : String(e);
  return errorResponse(c, "rate_limiter_failed");
}

function conclude(c: Parameters<Stage>[0], state: RequestState, worst: RateLimitOutcome | null) {
  state.rateLimit = worst;
  if (worst !== null && !worst.allowed) {
    return errorResponse(c, "rate_limited", "rate_limited", rateLimitHeaders(worst));
  }
  return null;
}

/** After a request the limits let through: its RateLimit-* headers on whatever answered it. */
export function addRateLimitHeaders(res: Response, state: RequestState): void {
  const worst = state.rateLimit;
  if (worst === null || state.stamped === res) return;
  const headers = res.headers;
  const h = rateLimitHeaders(worst);
  for (const name in h) headers.set(name, h[name]);
}

export function throttle(opts: ThrottleOptions): MiddlewareHandler<GatewayEnv> {
  return stageMiddleware(throttleStage(opts), addRateLimitHeaders);
}
