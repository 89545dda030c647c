/**
 * The sliding-window-counter algorithm (the one `@upstash/ratelimit` calls `slidingWindow`), as pure
 * functions over a two-counter state, so every limiter store shares the arithmetic.
 *
 * Time is cut into fixed windows of `windowMs`. The usage estimate at instant t, a fraction f into
 * window w, is `previous·(1 − f) + current`, where `previous` and `current` are the units counted in
 * windows w−1 and w. A request of `cost` units is allowed when estimate + cost ≤ limit.
 */
import type { RateLimitOutcome, RateLimitRule } from "./types.ts";

export interface WindowState {
  /** Index of the window `current` counts (floor(t / windowMs)). */
  window: number;
  previous: number;
  current: number;
}

export interface WindowDecision {
  allowed: boolean;
  state: WindowState;
  /** Units left after this request (floored; 0 when refused). */
  remaining: number;
  /** Milliseconds until the estimate reaches 0 (the window has fully recovered). */
  resetMs: number;
  /** Milliseconds until a request of the same cost would be allowed (0 when allowed; Infinity when cost > limit). */
  retryAfterMs: number;
}

/** Rolls `state` forward to the window containing `t`. */
export function advance(state: WindowState | undefined, t: number, windowMs: number): WindowState {
  const window = Math.floor(t / windowMs);
  if (state === undefined || state.window < window - 1) return { window, previous: 0, current: 0 };
  if (state.window === window - 1) return { window, previous: state.current, current: 0 };
  return state;
}

/** Milliseconds from `t` until `previous·(1 − f) + current + cost ≤ limit` holds. */
function waitMs(s: WindowState, t: number, windowMs: number, limit: number, cost: number): number {
  if (cost > limit) return Infinity;
  const start = s.window * windowMs;
  const f = (t - start) / windowMs;
  if (s.current + cost <= limit) {
    if (s.previous * (1 - f) + s.current + cost <= limit) return 0;
    const g = 1 - (limit - s.current - cost) / s.previous; // fraction of this window needed
    return Math.max(0, Math.ceil(start + g * windowMs - t));
  }
  // Not before the next window, where `current` becomes `previous` and decays.
  const next = start + windowMs;
  const g = s.current === 0 ? 0 : Math.max(0, 1 - (limit - cost) / s.current);
  return Math.ceil(next + g * windowMs - t);
}

export function decide(
  state: WindowState | undefined,
  t: number,
  windowMs: number,
  limit: number,
  cost: number,
): WindowDecision {
  const s = advance(state, t, windowMs);
  const f = (t - s.window * windowMs) / windowMs;
  const estimate = s.previous * (1 - f) + s.current;
  const allowed = estimate + cost <= limit;
  const after = allowed ? { ...s, current: s.current + cost } : s;
  const used = allowed ? estimate + cost : estimate;
  const remaining = allowed ? Math.max(0, Math.floor(limit - used)) : 0;
  // Full recovery: `current` decays to 0 by the end of the next window, `previous` by the end of this one.
  const resetMs = after.current > 0
    ? (after.window + 2) * windowMs - t
    : after.previous > 0
    ? (after.window + 1) * windowMs - t
    : 0;
  return {
    allowed,
    state: after,
    remaining,
    resetMs,
    retryAfterMs: allowed ? 0 : waitMs(s, t, windowMs, limit, cost),
  };
}

/** True when a state stored at window `state.window` no longer affects any decision at `t`. */
export function isExpired(state: WindowState, t: number, windowMs: number): boolean {
  return Math.floor(t / windowMs) > state.window + 1;
}

/**
 * A decision as the limiter interface reports it: whole seconds, rounded up; a refused request
 * waits at least a second, and one that can never fit (cost > limit) is told to wait a window.
 */
export function toOutcome(rule: RateLimitRule, d: WindowDecision): RateLimitOutcome {
  return {
    allowed: d.allowed,
    limit: rule.limit,
    remaining: d.remaining,
    resetSeconds: Math.ceil(d.resetMs / 1000),
    retryAfterSeconds: d.allowed
      ? 0
      : Number.isFinite(d.retryAfterMs)
      ? Math.max(1, Math.ceil(d.retryAfterMs / 1000))
      : Math.ceil(rule.windowSeconds),
    key: rule.key,
  };
}
