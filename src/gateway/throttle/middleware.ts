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
import { mostRestrictive, rateLimitHeaders } from "./headers.ts";

export interface ThrottleOptions {
  limiter: RateLimiter;
}

export function throttle(opts: ThrottleOptions): MiddlewareHandler<GatewayEnv> {
  const { limiter } = opts;
  return async function enforceRateLimits(c, next) {
    const state = c.get("state");
    const decision = state.decision;
    if (decision === null || !decision.rate_limits?.length) return next();
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
    await next();
    if (worst !== null) {
      const headers = c.res.headers;
      for (const [k, v] of Object.entries(rateLimitHeaders(worst))) headers.set(k, v);
    }
  };
}
