/**
 * Enforces the decision's rate limits with KEYS' RateLimiter before anything reaches the upstream.
 * Rules are consumed in the policy's order and the first refusal stops (rules before it stay
 * charged). A limiter failure fails closed (503 rate_limiter_failed).
 */
import type { MiddlewareHandler } from "hono";
import type { GatewayEnv } from "../context.ts";
import { rateLimitRules } from "../decision/schema.ts";
import { errorResponse } from "../errors/respond.ts";
import type { RateLimiter, RateLimitOutcome } from "../ratelimit/types.ts";
import type { RequestState } from "../context.ts";
import { type Stage, stageMiddleware } from "../stage.ts";
import { mostRestrictive, rateLimitHeaders } from "./headers.ts";

export interface ThrottleOptions {
  limiter: RateLimiter;
}

export function throttleStage(opts: ThrottleOptions): Stage {
  const { limiter } = opts;
  return async function enforceRateLimits(c, state) {
    const decision = state.decision;
    if (decision === null || !decision.rate_limits?.length) return null;
    let worst: RateLimitOutcome | null = null;
    for (const rule of rateLimitRules(decision)) {
      let outcome: RateLimitOutcome;
      try {
        outcome = await limiter.consume(rule);
      } catch (e) {
        state.detail = e instanceof Error ? e.message : String(e);
        return errorResponse(c, "rate_limiter_failed");
      }
      worst = mostRestrictive(worst, outcome);
      if (!outcome.allowed) break;
    }
    state.rateLimit = worst;
    if (worst !== null && !worst.allowed) {
      return errorResponse(c, "rate_limited", "rate_limited", rateLimitHeaders(worst));
    }
    return null;
  };
}

/** After a request the limits let through: its RateLimit-* headers on whatever answered it. */
export function addRateLimitHeaders(res: Response, state: RequestState): void {
  const worst = state.rateLimit;
  if (worst === null) return;
  const headers = res.headers;
  const h = rateLimitHeaders(worst);
  for (const name in h) headers.set(name, h[name]);
}

export function throttle(opts: ThrottleOptions): MiddlewareHandler<GatewayEnv> {
  return stageMiddleware(throttleStage(opts), addRateLimitHeaders);
}
