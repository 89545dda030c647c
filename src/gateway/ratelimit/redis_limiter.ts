/**
 * RateLimiter on Redis, shared by every gateway replica: the memory limiter's sliding window
 * (sliding_window.ts), checked and charged atomically by one Lua script per consume
 * (redis_window_script.ts; EVALSHA, EVAL on NOSCRIPT).
 *
 * Keys: `<prefix>ratelimit:<windowSeconds>:<rule key>`, one hash per key and window length,
 * expiring once it no longer matters (two windows after its last charge).
 *
 * Time: the Redis server's clock by default, so replicas with skewed clocks agree on the windows;
 * tests may inject a clock (`now`), which is then sent with every call.
 *
 * Fails closed: when Redis is unreachable or does not answer within the connection's deadline,
 * consume() rejects with RedisError and the gateway answers 503 rate_limiter_failed. A request that
 * timed out may still have been charged (the script may run after the deadline): a failure never
 * gives anyone more than the limit.
 *
 * Why not `@upstash/ratelimit`'s slidingWindow through an adapter: its scripts start with
 * `#!lua flags=allow-key-locking`, a flag stock Redis refuses ("Unexpected flag in script
 * shebang"); it reads Date.now() with no way to inject a clock; and its semantics differ from this
 * gateway's (it charges a request whenever one unit is left, so a cost above what remains — or above
 * the limit — is charged and then reported refused; it floors the previous window's weight and
 * gives no retry time).
 */
import type { RedisTransport } from "../../redis/transport.ts";
import { RedisError } from "../../redis/errors.ts";
import { validateRule } from "./memory_limiter.ts";
import { SLIDING_WINDOW_SCRIPT } from "./redis_window_script.ts";
import { decide, toOutcome, type WindowState } from "./sliding_window.ts";
import type { RateLimiter, RateLimitOutcome, RateLimitRule } from "./types.ts";

export interface RedisRateLimiterOptions {
  redis: RedisTransport;
  /** Milliseconds since the epoch; default: the Redis server's clock. */
  now?: () => number;
  /** Default: the connection's `keyPrefix`. */
  keyPrefix?: string;
}

export class RedisRateLimiter implements RateLimiter {
  readonly #redis: RedisTransport;
  readonly #now: (() => number) | undefined;
  readonly #prefix: string;

  constructor(opts: RedisRateLimiterOptions) {
    this.#redis = opts.redis;
    this.#now = opts.now;
    this.#prefix = `${opts.keyPrefix ?? opts.redis.settings.keyPrefix}ratelimit:`;
  }

  /** The Redis key of a rule's bucket. */
  keyOf(rule: Pick<RateLimitRule, "key" | "windowSeconds">): string {
    return `${this.#prefix}${rule.windowSeconds}:${rule.key}`;
  }

  /** Throws RangeError for an invalid rule, RedisError when Redis fails or is too slow. */
  async consume(rule: RateLimitRule): Promise<RateLimitOutcome> {
    validateRule(rule);
    const windowMs = rule.windowSeconds * 1000;
    const reply = await this.#redis.evalScript(SLIDING_WINDOW_SCRIPT, [this.keyOf(rule)], [
      String(windowMs),
      String(rule.limit),
      String(rule.cost),
      this.#now === undefined ? "" : String(this.#now()),
    ]);
    const { allowed, state, t } = parseReply(reply);
    const d = decide(state, t, windowMs, rule.limit, rule.cost);
    if (d.allowed !== allowed) {
      throw new RedisError("redis_reply_invalid", "rate-limit script and sliding window disagree");
    }
    return toOutcome(rule, d);
  }
}

function parseReply(reply: unknown): { allowed: boolean; state: WindowState; t: number } {
  if (Array.isArray(reply) && reply.length === 5 && reply.every((x) => typeof x === "string")) {
    const [flag, ...rest] = reply as string[];
    const [window, previous, current, t] = rest.map(Number);
    if ((flag === "1" || flag === "0") && [window, previous, current, t].every(Number.isFinite)) {
      return { allowed: flag === "1", state: { window, previous, current }, t };
    }
  }
  throw new RedisError("redis_reply_invalid", "unexpected reply from the rate-limit script");
}
