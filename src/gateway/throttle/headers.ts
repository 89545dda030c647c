/**
 * Rate-limit response headers: `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds)
 * on every limited route, plus `Retry-After` (seconds) on a 429.
 */
import type { RateLimitOutcome } from "../ratelimit/types.ts";

export function rateLimitHeaders(o: RateLimitOutcome): Record<string, string> {
  const h: Record<string, string> = {
    "ratelimit-limit": String(o.limit),
    "ratelimit-remaining": String(Math.max(0, o.remaining)),
    "ratelimit-reset": String(Math.max(0, Math.ceil(o.resetSeconds))),
  };
  if (!o.allowed) h["retry-after"] = String(Math.max(1, Math.ceil(o.retryAfterSeconds)));
  return h;
}

/** The outcome to report among several: a refusal first, else the one with the least left. */
export function mostRestrictive(a: RateLimitOutcome | null, b: RateLimitOutcome): RateLimitOutcome {
  if (a === null) return b;
  if (a.allowed !== b.allowed) return a.allowed ? b : a;
  return b.remaining / Math.max(1, b.limit) < a.remaining / Math.max(1, a.limit) ? b : a;
}
