/**
 * Redis over Upstash's REST API (`@upstash/redis`), for runtimes without TCP sockets to a Redis
 * server or with an Upstash database only (Deno Deploy). Each operation is one HTTPS POST of the
 * command as a JSON array, under the same rules as the TCP connection:
 *
 * - a deadline (`commandTimeoutMs`): the request is aborted and the operation rejects with
 *   RedisError(redis_timeout); over the Internet set it higher than on a LAN (e.g. 200 ms);
 * - no retries and no queue: the client's own retries (5, with backoff) are turned off, so a
 *   rate-limited request fails closed at once instead of waiting seconds;
 * - replies as the server sent them (`automaticDeserialization: false`: "1" stays a string, as
 *   over RESP), no telemetry headers;
 * - errors carry neither the token nor the URL.
 *
 * The state is "up" after an operation succeeded and "down" after one failed for want of the
 * server (not for a script's own error); there is no connection to lose.
 */
import { Redis } from "@upstash/redis";
import { redactRedisUrl, type RedisSettings } from "./config.ts";
import type { RedisConnectionOptions } from "./connection.ts";
import { withDeadline } from "./deadline.ts";
import { RedisError } from "./errors.ts";
import { isNoScript, type LuaScript } from "./script.ts";
import type { RedisState, RedisTransport } from "./transport.ts";

export class UpstashConnection implements RedisTransport {
  readonly kind = "rest" as const;
  readonly settings: RedisSettings;
  readonly #client: Redis;
  readonly #opts: RedisConnectionOptions;
  #state: RedisState = "connecting";

  constructor(settings: RedisSettings, opts: RedisConnectionOptions = {}) {
    if (!settings.restToken) {
      throw new RedisError("redis_config_invalid", "an Upstash REST URL needs a token");
    }
    this.settings = settings;
    this.#opts = opts;
    const timeout = settings.commandTimeoutMs;
    this.#client = new Redis({
      url: settings.url,
      token: settings.restToken,
      retry: false,
      automaticDeserialization: false,
      enableTelemetry: false,
      signal: () => AbortSignal.timeout(timeout),
    });
  }

  get state(): RedisState {
    return this.#state;
  }

  command<T = unknown>(args: string[]): Promise<T> {
    return this.#run(args[0] ?? "command", () => this.#exec(args) as Promise<T>);
  }

  evalScript(script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    return this.#run(`script ${script.name}`, async () => {
      try {
        return await this.#exec(["EVALSHA", script.sha, ...tail]);
      } catch (e) {
        if (!isNoScript(e)) throw e;
        return await this.#exec(["EVAL", script.source, ...tail]);
      }
    });
  }

  async ping(): Promise<number> {
    const start = performance.now();
    await this.command(["PING"]);
    return performance.now() - start;
  }

  close(): Promise<void> {
    this.#setState("closed");
    return Promise.resolve();
  }

  #exec(args: string[]): Promise<unknown> {
    return this.#client.exec(args as [string, ...string[]]);
  }

  async #run<T>(what: string, op: () => Promise<T>): Promise<T> {
    if (this.#state === "closed") throw new RedisError("redis_unavailable", `${what}: connection closed`);
    try {
      const result = await withDeadline(op(), this.settings.commandTimeoutMs, what);
      this.#setState("up");
      return result;
    } catch (e) {
      const error = this.#classify(e, what);
      // A reply that is an error (a script's, a wrong command) says the server is there.
      if (!isServerReply(e)) this.#setState("down", error);
      throw error;
    }
  }

  #classify(e: unknown, what: string): RedisError {
    if (e instanceof RedisError) return e;
    const name = (e as { name?: string })?.name;
    if (name === "TimeoutError" || name === "AbortError") {
      return new RedisError("redis_timeout", `${what}: no reply within ${this.settings.commandTimeoutMs} ms`);
    }
    const text = e instanceof Error ? e.message : String(e);
    const token = this.settings.restToken ?? "";
    const safe = (token ? text.split(token).join("***") : text).split(this.settings.url)
      .join(redactRedisUrl(this.settings.url));
    return new RedisError("redis_unavailable", `${what}: ${safe}`, { cause: e });
  }

  #setState(state: RedisState, error?: RedisError): void {
    if (this.#state === "closed" || this.#state === state) return;
    this.#state = state;
    this.#opts.onStateChange?.(state, error);
  }
}

/** An error the server answered with (UpstashError), as opposed to no answer at all. */
function isServerReply(e: unknown): boolean {
  return (e as { name?: string })?.name === "UpstashError";
}
