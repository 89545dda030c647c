/**
 * For `deno task keys`: announce writes (create, rotate, revoke) to running gateways over Redis
 * (keys/redis_changes.ts: published, and logged for gateways that poll over Upstash's REST API), so
 * every replica drops its cached lookup at once instead of after its `keys.cacheTtlMs`.
 *
 * Redis is used when `--redis URL` is given, or $REDIS_URL (or $UPSTASH_REDIS_REST_URL, with
 * $UPSTASH_REDIS_REST_TOKEN) is set, or the gateways' configuration file uses Redis (a `redis`
 * section, or `rateLimit.store: redis`): the flag wins, then the environment, then the file's
 * `redis.url`, as the gateway resolves it. A password belongs in $REDIS_URL only: on the command
 * line it would show in `ps` and the shell history. The channel is `<prefix>key-changes`, the
 * prefix from `--redis-prefix`, else the file's `redis.keyPrefix`, else "gw:".
 *
 * A failed announcement never undoes the write: it is reported through `onPublishError`, and the
 * replicas then see the change within their cache TTL.
 */
import { openRedis, waitUntilUp } from "../redis/transport.ts";
import {
  parseRedisUrl,
  REDIS_URL_ENV,
  type RedisFileSettings,
  type RedisSettings,
  resolveRedisSettings,
  UPSTASH_TOKEN_ENV,
  UPSTASH_URL_ENV,
} from "../redis/config.ts";
import { RedisError } from "../redis/errors.ts";
import { type KeyChange, publishingKeyStore } from "../keys/redis_changes.ts";
import type { KeyStore } from "../keys/types.ts";

/** A one-off command may wait longer than a request would (the gateway's default is 50 ms). */
const CLI_COMMAND_TIMEOUT_MS = 2000;

export interface AnnouncerOptions {
  /** `--redis`: a URL without a password. */
  url?: string;
  /** `--redis-prefix`. */
  prefix?: string;
  /** The configuration file's `redis` section, when the gateways use Redis (else undefined). */
  file?: RedisFileSettings;
  env?: (name: string) => string | undefined;
}

/**
 * The Redis settings to announce with, or null when neither `--redis`, $REDIS_URL nor the file's
 * Redis is there.
 * Throws RedisError(redis_config_invalid) for an unusable URL or a password in `--redis`.
 */
export function announcerSettings(opts: AnnouncerOptions): RedisSettings | null {
  const env = opts.env ?? ((name: string) => Deno.env.get(name));
  const fromFlag = opts.url !== undefined && opts.url !== "";
  if (!fromFlag && !env(REDIS_URL_ENV) && !env(UPSTASH_URL_ENV) && opts.file === undefined) return null;
  const keyPrefix = opts.prefix ?? opts.file?.keyPrefix;
  if (fromFlag && parseRedisUrl(opts.url!, "--redis").password !== "") {
    throw new RedisError("redis_config_invalid", `--redis must not hold a password: set $${REDIS_URL_ENV}`);
  }
  const settings = fromFlag
    ? resolveRedisSettings(
      { url: opts.url, keyPrefix },
      (name) => name === UPSTASH_TOKEN_ENV ? env(name) : undefined,
    )
    : resolveRedisSettings({ url: opts.file?.url, keyPrefix }, env);
  return { ...settings, commandTimeoutMs: CLI_COMMAND_TIMEOUT_MS };
}

export interface KeyAnnouncer {
  /** The store whose puts are announced. */
  store: KeyStore;
  close(): Promise<void>;
}

/**
 * Connects (waiting at most the connect timeout, so the write that follows can be announced) and
 * wraps `store`. When Redis is unreachable the store still works; each announcement then fails
 * and is reported.
 */
export async function openKeyAnnouncer(
  store: KeyStore,
  settings: RedisSettings,
  onPublishError: (error: RedisError, change: KeyChange) => void,
): Promise<KeyAnnouncer> {
  const redis = openRedis(settings);
  await waitUntilUp(redis); // when down, reported per announcement by onPublishError
  return {
    store: publishingKeyStore(store, { redis, onPublishError }),
    close: () => redis.close(),
  };
}
