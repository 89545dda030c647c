/**
 * What the gateway needs of Redis, whichever way it is reached: RESP over TCP (connection.ts,
 * node-redis) or Upstash's REST API over HTTPS (upstash.ts, `@upstash/redis`). The URL chooses
 * (config.ts). Both follow the same failure rules: every operation under `commandTimeoutMs`, no
 * queue while the server is unreachable (operations reject at once or at the deadline with
 * RedisError), errors that never carry a password or token.
 *
 * Pub/sub is TCP-only (`RedisConnection.subscribe`): over REST there is no subscription, and key
 * changes are polled from a change log instead (keys/redis_changes.ts).
 */
import { type RedisSettings } from "./config.ts";
import { isRestUrl } from "./config.ts";
import { RedisConnection, type RedisConnectionOptions } from "./connection.ts";
import type { LuaScript } from "./script.ts";
import { UpstashConnection } from "./upstash.ts";

export type RedisState = "connecting" | "up" | "down" | "closed";

export interface RedisTransport {
  readonly settings: RedisSettings;
  /** "tcp": RESP with pub/sub; "rest": Upstash's REST API (no subscriptions). */
  readonly kind: "tcp" | "rest";
  readonly state: RedisState;
  /** One command (e.g. ["PING"]) under the deadline. */
  command<T = unknown>(args: string[]): Promise<T>;
  /** EVALSHA, then EVAL when the server answers NOSCRIPT; one deadline covers both. */
  evalScript(script: LuaScript, keys: string[], args: string[]): Promise<unknown>;
  /** Round trip of a PING in milliseconds. */
  ping(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens the transport the URL names and returns at once (a TCP connection is made in the
 * background; REST has none to make). Wait with `waitUntilUp` when the first operation matters.
 */
export function openRedis(settings: RedisSettings, opts: RedisConnectionOptions = {}): RedisTransport {
  return isRestUrl(settings.url)
    ? new UpstashConnection(settings, opts)
    : RedisConnection.open(settings, opts);
}

/** Resolves once the transport answers a PING, or after `timeoutMs` (without throwing). */
export async function waitUntilUp(redis: RedisTransport, timeoutMs = redis.settings.connectTimeoutMs) {
  if (redis instanceof RedisConnection) {
    await redis.ready(timeoutMs).catch(() => {});
    return;
  }
  await redis.ping().catch(() => {});
}
