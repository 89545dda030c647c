/**
 * Redis settings: the configuration file's `redis` section plus the environment. The file may name
 * a server (`redis.url`, without a password); `REDIS_URL` in the environment, when set, replaces it
 * and is the only place a password may appear (`redis://:PASSWORD@host:6379/0`, or
 * `redis://USER:PASSWORD@…` with an ACL user; `rediss://` for TLS).
 *
 * The URL chooses the transport (transport.ts): `redis://` / `rediss://` speak RESP over TCP;
 * `https://…` is Upstash's REST API (the Redis that Deno Deploy users have), whose token comes from
 * `$UPSTASH_REDIS_REST_TOKEN` only. Without `$REDIS_URL`, `$UPSTASH_REDIS_REST_URL` (the name
 * Upstash's console and integrations use) is read too. Plain `http://` is accepted for loopback
 * hosts only (a local REST front such as the tests'; never a token in clear over a network).
 */
import { RedisError } from "./errors.ts";

export const REDIS_URL_ENV = "REDIS_URL";
export const UPSTASH_URL_ENV = "UPSTASH_REDIS_REST_URL";
export const UPSTASH_TOKEN_ENV = "UPSTASH_REDIS_REST_TOKEN";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

export interface RedisSettings {
  /** May hold a password: never log it as is (redactRedisUrl). */
  url: string;
  /** Deadline of one operation (a rate-limit script, a publish, a ping); past it, it fails. */
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  /** Prepended to every key and channel this gateway uses, so several deployments can share a server. */
  keyPrefix: string;
  /** For an https:// (Upstash REST) URL: the bearer token, from $UPSTASH_REDIS_REST_TOKEN. A secret. */
  restToken?: string;
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
  const redisEnv = env(REDIS_URL_ENV) || undefined;
  const upstashEnv = redisEnv === undefined ? env(UPSTASH_URL_ENV) || undefined : undefined;
  const fromEnv = redisEnv ?? upstashEnv;
  const url = fromEnv ?? file?.url ?? DEFAULT_REDIS_URL;
  const where = redisEnv ? `$${REDIS_URL_ENV}` : upstashEnv ? `$${UPSTASH_URL_ENV}` : "redis.url";
  const parsed = parseRedisUrl(url, where);
  const settings: RedisSettings = {
    url,
    commandTimeoutMs: file?.commandTimeoutMs ?? REDIS_DEFAULTS.commandTimeoutMs,
    connectTimeoutMs: file?.connectTimeoutMs ?? REDIS_DEFAULTS.connectTimeoutMs,
    keyPrefix: file?.keyPrefix ?? REDIS_DEFAULTS.keyPrefix,
  };
  if (isRestUrl(parsed)) {
    if (parsed.username !== "" || parsed.password !== "") {
      throw new RedisError(
        "redis_config_invalid",
        `${where} must not hold credentials: set $${UPSTASH_TOKEN_ENV}`,
      );
    }
    const token = env(UPSTASH_TOKEN_ENV);
    if (!token) {
      throw new RedisError("redis_config_invalid", `${where} is a REST URL: set $${UPSTASH_TOKEN_ENV}`);
    }
    return { ...settings, restToken: token };
  }
  if (!fromEnv && parsed.password !== "") {
    throw new RedisError("redis_config_invalid", `redis.url must not hold a password: set $${REDIS_URL_ENV}`);
  }
  return settings;
}

/** True for an Upstash REST URL (https://, or http:// to a loopback host). */
export function isRestUrl(url: URL | string): boolean {
  const protocol = typeof url === "string" ? url.slice(0, url.indexOf(":") + 1) : url.protocol;
  return protocol === "https:" || protocol === "http:";
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
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

/**
 * Parses a redis://, rediss:// or https:// (http:// on loopback) URL; throws
 * RedisError(redis_config_invalid) naming `where`.
 */
export function parseRedisUrl(url: string, where: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // The text itself may be a mangled secret: it is not repeated.
    throw new RedisError("redis_config_invalid", `${where} is not a URL`);
  }
  const known = u.protocol === "redis:" || u.protocol === "rediss:" || u.protocol === "https:" ||
    (u.protocol === "http:" && isLoopback(u.hostname));
  if (!known) {
    throw new RedisError(
      "redis_config_invalid",
      `${where} must be a redis://, rediss:// or https:// (Upstash REST) URL`,
    );
  }
  if (u.hostname === "") throw new RedisError("redis_config_invalid", `${where} names no host`);
  return u;
}
