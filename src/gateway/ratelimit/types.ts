/** Rate-limit contracts: the gateway turns the policy's `rate_limits` into rules and consumes them. */

export interface RateLimitRule {
  /** Counting key chosen by the policy (e.g. "org:acme"). */
  key: string;
  /** Units allowed per window. */
  limit: number;
  windowSeconds: number;
  /** Units this request costs (usually 1). */
  cost: number;
}

export interface RateLimitOutcome {
  allowed: boolean;
  limit: number;
  /** Units left in the current window after this request (0 when refused). */
  remaining: number;
  /** Seconds until the window has fully recovered (for `RateLimit-Reset`). */
  resetSeconds: number;
  /** Seconds to wait before retrying (0 when allowed; for `Retry-After`). */
  retryAfterSeconds: number;
  key: string;
}

export interface RateLimiter {
  /** Counts the request against the rule; an in-process limiter may answer at once (no promise). */
  consume(rule: RateLimitRule): RateLimitOutcome | Promise<RateLimitOutcome>;
}
