/**
 * In-process RateLimiter: sliding-window counters (sliding_window.ts) in one Map.
 *
 * Why not `@upstash/ratelimit` here: its algorithms are Lua scripts run in Redis through an
 * `@upstash/redis` client; its only in-memory piece, `ephemeralCache`, is a Map of identifiers
 * already blocked until a reset time, placed in front of Redis, and cannot count on its own. This
 * limiter uses the same algorithm as its `slidingWindow`, so a Redis-backed limiter (later issue)
 * can implement the same RateLimiter interface with it without changing behaviour.
 *
 * Cost and memory: O(1) per consume. Each key and window length gets one bucket (two counters);
 * buckets are kept in least-recently-used order, a few of the oldest are examined on every call and
 * dropped once expired (untouched for two windows), and at most `maxBuckets` are kept — beyond
 * that the least recently used bucket is dropped even if live (its key then starts afresh).
 */
import { decide, isExpired, toOutcome, type WindowState } from "./sliding_window.ts";
import type { RateLimiter, RateLimitOutcome, RateLimitRule } from "./types.ts";

export interface MemoryRateLimiterOptions {
  /** Milliseconds since the epoch (like Date.now). */
  now?: () => number;
  maxBuckets?: number;
}

interface Bucket {
  state: WindowState;
  windowMs: number;
}

const SWEEP_PER_CALL = 2;

export function validateRule(rule: RateLimitRule): void {
  if (typeof rule.key !== "string" || rule.key === "") {
    throw new RangeError("rate limit key must be a non-empty string");
  }
  if (!Number.isFinite(rule.limit) || rule.limit <= 0) {
    throw new RangeError("rate limit must be a positive number");
  }
  if (!Number.isFinite(rule.windowSeconds) || rule.windowSeconds <= 0) {
    throw new RangeError("rate limit window must be a positive number of seconds");
  }
  if (!Number.isFinite(rule.cost) || rule.cost < 0) throw new RangeError("rate limit cost must be ≥ 0");
}

export class MemoryRateLimiter implements RateLimiter {
  readonly #now: () => number;
  readonly #max: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(opts: MemoryRateLimiterOptions = {}) {
    this.#now = opts.now ?? Date.now;
    this.#max = opts.maxBuckets ?? 100_000;
  }

  /** Number of buckets held (for tests and metrics). */
  get size(): number {
    return this.#buckets.size;
  }

  /** Throws RangeError for an invalid rule. Answers at once: the throttle then needs no await. */
  consume(rule: RateLimitRule): RateLimitOutcome {
    validateRule(rule);
    const t = this.#now();
    const windowMs = rule.windowSeconds * 1000;
    const id = `${rule.windowSeconds}\u0000${rule.key}`;
    const bucket = this.#buckets.get(id);
    const d = decide(bucket?.state, t, windowMs, rule.limit, rule.cost);
    this.#buckets.delete(id);
    this.#buckets.set(id, { state: d.state, windowMs });
    this.#sweep(t);
    return toOutcome(rule, d);
  }

  #sweep(t: number): void {
    let examined = 0;
    for (const [id, bucket] of this.#buckets) {
      if (this.#buckets.size > this.#max || isExpired(bucket.state, t, bucket.windowMs)) {
        this.#buckets.delete(id);
      } else if (++examined >= SWEEP_PER_CALL) {
        break;
      }
    }
  }
}
