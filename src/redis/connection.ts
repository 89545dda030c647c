/**
 * One Redis connection (RESP, through node-redis' `@redis/client`) with the gateway's failure rules:
 *
 * - Every operation has a deadline (`commandTimeoutMs`, e.g. 50 ms). Past it the promise rejects
 *   with RedisError(redis_timeout); the reply, if it comes later, is dropped. (node-redis' own
 *   command timeout only covers commands not yet written, not a server that stops answering.)
 * - No offline queue: while the connection is down or reconnecting, operations reject at once with
 *   RedisError(redis_unavailable) instead of piling up. The client reconnects in the background
 *   (backoff up to 2 s), and re-subscribes its channels when it is back.
 * - Errors never carry the URL's password.
 *
 * Pub/sub needs a connection of its own: `subscribe` opens one on first use.
 */
import { createClient, type RedisClientType } from "@redis/client";
import { redactRedisUrl, type RedisSettings } from "./config.ts";
import { RedisError } from "./errors.ts";
import { isNoScript, type LuaScript } from "./script.ts";
import { withDeadline } from "./deadline.ts";
import type { RedisState, RedisTransport } from "./transport.ts";
export type { RedisState };

export interface RedisConnectionOptions {
  /** Called when the connection goes up or down (once per change, not per reconnect attempt). */
  onStateChange?: (state: RedisState, error?: RedisError) => void;
  /** Called when the subscriber connection is back after a loss: messages sent meanwhile were missed. */
  onResubscribed?: () => void;
}

type Client = RedisClientType;
type MessageListener = (message: string) => void;

const MAX_BACKOFF_MS = 2000;
/** Bounds memory while a server hangs: commands past their deadline still wait for a reply. */
const MAX_QUEUE = 10_000;

export class RedisConnection implements RedisTransport {
  readonly kind = "tcp" as const;
  readonly settings: RedisSettings;
  readonly #opts: RedisConnectionOptions;
  readonly #client: Client;
  readonly #connected: Promise<void>;
  #subscriber: Client | null = null;
  #state: RedisState = "connecting";
  #lastError: RedisError | null = null;

  private constructor(settings: RedisSettings, opts: RedisConnectionOptions) {
    this.settings = settings;
    this.#opts = opts;
    this.#client = this.#newClient((state, error) => this.#setState(state, error));
    this.#connected = this.#client.connect().then(() => {}, (cause) => {
      throw unavailable(cause, this.settings.url);
    });
    this.#connected.catch(() => {}); // observed through ready(); never an unhandled rejection
  }

  /** Starts connecting and returns at once; operations fail (redis_unavailable) until it is up. */
  static open(settings: RedisSettings, opts: RedisConnectionOptions = {}): RedisConnection {
    return new RedisConnection(settings, opts);
  }

  /** Opens and waits for the first connection (at most `connectTimeoutMs`); closes it on failure. */
  static async connect(settings: RedisSettings, opts: RedisConnectionOptions = {}): Promise<RedisConnection> {
    const conn = RedisConnection.open(settings, opts);
    try {
      await conn.ready(settings.connectTimeoutMs);
      return conn;
    } catch (e) {
      await conn.close();
      throw e;
    }
  }

  get state(): RedisState {
    return this.#state;
  }

  /** Resolves once connected; rejects with RedisError(redis_unavailable) after `timeoutMs`. */
  async ready(timeoutMs = this.settings.connectTimeoutMs): Promise<void> {
    const what = `connecting to ${redactRedisUrl(this.settings.url)}`;
    try {
      await withDeadline(this.#connected, timeoutMs, what);
    } catch (e) {
      const last = this.#lastError;
      if (e instanceof RedisError && e.code === "redis_timeout" && last !== null) {
        throw new RedisError("redis_unavailable", `${what}: ${last.message}`, { cause: last });
      }
      throw e;
    }
  }

  /** Sends one command (e.g. ["PING"]) under the deadline. */
  command<T = unknown>(args: string[]): Promise<T> {
    return this.#run(args[0] ?? "command", () => this.#client.sendCommand<T>(args));
  }

  /** Runs a script by EVALSHA, falling back to EVAL on NOSCRIPT; one deadline covers both. */
  evalScript(script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    return this.#run(`script ${script.name}`, async () => {
      try {
        return await this.#client.sendCommand(["EVALSHA", script.sha, ...tail]);
      } catch (e) {
        if (!isNoScript(e)) throw e;
        return await this.#client.sendCommand(["EVAL", script.source, ...tail]);
      }
    });
  }

  /** PUBLISH; resolves with the number of subscribers that received the message. */
  publish(channel: string, message: string): Promise<number> {
    return this.command<number>(["PUBLISH", channel, message]);
  }

  /** Round-trip time of a PING in milliseconds (rejects when down or past the deadline). */
  async ping(): Promise<number> {
    const start = performance.now();
    await this.command(["PING"]);
    return performance.now() - start;
  }

  /**
   * Listens to `channel` on the subscriber connection (opened on first use). Resolves once
   * subscribed — when Redis is down, only once it is back; the returned function unsubscribes.
   */
  async subscribe(channel: string, listener: MessageListener): Promise<() => Promise<void>> {
    if (this.#state === "closed") throw new RedisError("redis_unavailable", "subscribe: connection closed");
    const sub = this.#subscriberClient();
    try {
      await sub.subscribe(channel, listener);
    } catch (e) {
      throw unavailable(e, this.settings.url, "subscribe");
    }
    return async () => {
      if (sub.isOpen) await sub.unsubscribe(channel, listener).catch(() => {});
    };
  }

  /** Closes both connections; pending operations reject. Idempotent. */
  close(): Promise<void> {
    if (this.#state !== "closed") {
      this.#state = "closed";
      destroy(this.#client);
      destroy(this.#subscriber);
      this.#subscriber = null;
    }
    return Promise.resolve();
  }

  #newClient(onState: (state: RedisState, error?: RedisError) => void, queueOffline = false): Client {
    const client = createClient({
      url: this.settings.url,
      disableOfflineQueue: !queueOffline,
      commandsQueueMaxLength: MAX_QUEUE,
      socket: {
        connectTimeout: this.settings.connectTimeoutMs,
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, MAX_BACKOFF_MS),
      },
    }) as Client;
    client.on("ready", () => onState("up"));
    client.on("error", (e: unknown) => onState("down", unavailable(e, this.settings.url)));
    return client;
  }

  /**
   * The subscriber connection. Unlike commands, SUBSCRIBE waits for the connection (offline queue
   * on), so a gateway started while Redis is down starts listening once Redis is there.
   */
  #subscriberClient(): Client {
    if (this.#subscriber === null) {
      let readyBefore = false;
      const sub = this.#newClient((state) => {
        if (state !== "up") return;
        if (readyBefore) this.#opts.onResubscribed?.();
        readyBefore = true;
      }, true);
      sub.connect().catch(() => {}); // retries in the background; close() ends it
      this.#subscriber = sub;
    }
    return this.#subscriber;
  }

  #setState(state: RedisState, error?: RedisError): void {
    if (error) this.#lastError = error;
    if (this.#state === "closed" || this.#state === state) return;
    this.#state = state;
    this.#opts.onStateChange?.(state, error);
  }

  async #run<T>(what: string, op: () => Promise<T>): Promise<T> {
    if (this.#state === "closed") throw new RedisError("redis_unavailable", `${what}: connection closed`);
    try {
      return await withDeadline(op(), this.settings.commandTimeoutMs, what);
    } catch (e) {
      if (e instanceof RedisError) throw e;
      throw unavailable(e, this.settings.url, what);
    }
  }
}

function unavailable(cause: unknown, url: string, what?: string): RedisError {
  const text = cause instanceof Error ? cause.message : String(cause);
  const safe = text.split(url).join(redactRedisUrl(url));
  return new RedisError("redis_unavailable", what ? `${what}: ${safe}` : safe, { cause });
}

function destroy(client: Client | null): void {
  if (client === null) return;
  try {
    client.destroy();
  } catch {
    // already closed
  }
}
