/**
 * The single error type of the Redis layer (connection, configuration, scripts). Codes are stable
 * ids. Messages never carry a password: URLs in them are redacted (config.ts `redactRedisUrl`).
 */

export type RedisErrorCode =
  /** No connection (refused, reconnecting, closed) or the server answered with an error. */
  | "redis_unavailable"
  /** No reply within the command deadline. */
  | "redis_timeout"
  /** A reply of an unexpected shape (e.g. a script returned something else). */
  | "redis_reply_invalid"
  /** The Redis settings are unusable (bad URL, a password in the configuration file). */
  | "redis_config_invalid";

export class RedisError extends Error {
  constructor(readonly code: RedisErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RedisError";
  }
}
