/**
 * Redis settings: the configuration file's `redis` section plus the environment. The file may name
 * a server (`redis.url`, without a password); `REDIS_URL` in the environment, when set, replaces it
 * and is the only place a password may appear (`redis://:PASSWORD@host:6379/0`, or
 * `redis://USER:PASSWORD@…` with an ACL user; `rediss://` for TLS).
 */
import { RedisError } from "./errors.ts";

export const REDIS_URL_ENV = "REDIS_URL";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

export interface RedisSettings {
  /** May hold a password: never log it as is (redactRedisUrl). */
  url: string;
  /** Deadline of one operation (a rate-limit script, a publish, a ping); past it, it fails. */
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  /** Prepended to every key and channel this gateway uses, so several deployments can share a server. */
  keyPrefix: string;
}

export interface RedisFileSettings {
  url?: string;
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  keyPrefix?: string;
}

export const REDIS_DEFAULTS = {
  commandTimeoutMs: 50,
  connectTimeoutMs: 1000,
  keyPrefix: "gw:",
} as const;

/** Merges the file's section with the environment; throws RedisError(redis_config_invalid). */
export function resolveRedisSettings(
  file: RedisFileSettings | undefined,
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): RedisSettings {
  const fromEnv = env(REDIS_URL_ENV);
  const url = fromEnv !== undefined && fromEnv !== "" ? fromEnv : file?.url ?? DEFAULT_REDIS_URL;
  const where = fromEnv ? `$${REDIS_URL_ENV}` : "redis.url";
  const parsed = parseRedisUrl(url, where);
  if (!fromEnv && parsed.password !== "") {
    throw new RedisError("redis_config_invalid", `redis.url must not hold a password: set $${REDIS_URL_ENV}`);
  }
  return {
    url,
    commandTimeoutMs: file?.commandTimeoutMs ?? REDIS_DEFAULTS.commandTimeoutMs,
    connectTimeoutMs: file?.connectTimeoutMs ?? REDIS_DEFAULTS.connectTimeoutMs,
    keyPrefix: file?.keyPrefix ?? REDIS_DEFAULTS.keyPrefix,
  };
}

/** The URL with any password replaced by "***" (for logs and error messages). */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}

/** Parses a redis:// or rediss:// URL; throws RedisError(redis_config_invalid) naming `where`. */
export function parseRedisUrl(url: string, where: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // The text itself may be a mangled secret: it is not repeated.
    throw new RedisError("redis_config_invalid", `${where} is not a URL`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    throw new RedisError("redis_config_invalid", `${where} must be a redis:// or rediss:// URL`);
  }
  if (u.hostname === "") throw new RedisError("redis_config_invalid", `${where} names no host`);
  return u;
}
