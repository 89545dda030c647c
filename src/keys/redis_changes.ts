/**
 * Key changes across processes over Redis, so a revocation made through one gateway replica (or
 * any process writing through `publishingKeyStore`) drops the cached lookup in every replica at
 * once instead of after the verifier's cache TTL.
 *
 * - `publishingKeyStore(store, …)` wraps a KeyStore: after each successful put it announces the
 *   key's id and hash (and the old hash, when a put changed it). Never the raw key, which no store
 *   has. One script (ANNOUNCE_SCRIPT) both publishes it on `<prefix>key-changes` and appends it to
 *   a numbered change log (`<prefix>key-changes:seq`, `<prefix>key-changes:log`, the last 1,000).
 *   A failed announcement does not fail the put (the write is done): it is reported to
 *   `onPublishError`, and the other replicas then see the change within their TTL.
 * - `subscribeKeyChangesFromRedis(redis, onChange, {onGap})` listens in every gateway process; the
 *   gateway passes `(change) => verifier.invalidate(change.hash)` and `onGap: invalidateAll`.
 *   Over TCP it subscribes to the channel. Over Upstash's REST API, which has no subscriptions, it
 *   polls the change log every `pollMs` (changes reach it within about that much).
 *
 * Pub/sub keeps nothing for a disconnected subscriber. During the outage the cache TTL is the
 * bound again; once the subscription is back (connection.ts emits `onResubscribed` after the
 * SUBSCRIBE is acknowledged) the gateway calls `verifier.invalidateAll()`, so nothing missed
 * outlives the reconnection. The polled log is numbered: a poller that finds a number missing (the
 * log was trimmed past it, or the counter was reset) reports a gap, and the gateway drops its cache.
 */
import { RedisError } from "../redis/errors.ts";
import { RedisConnection } from "../redis/connection.ts";
import { LuaScript } from "../redis/script.ts";
import type { RedisTransport } from "../redis/transport.ts";
import { publishKeyChange, subscribeKeyChanges } from "./changes.ts";
import type { KeyRecord, KeyStore } from "./types.ts";

export interface KeyChange {
  id: string;
  /** HMAC of the key (hex), as stored: what the verifier's cache is keyed by. */
  hash: string;
}

const HASH = /^[0-9a-f]{64}$/;
const MAX_ID = 128;

/** The pub/sub channel of key changes under a key prefix. */
export function keyChangeChannel(keyPrefix: string): string {
  return `${keyPrefix}key-changes`;
}

export function encodeKeyChange(change: KeyChange): string {
  return JSON.stringify({ id: change.id, hash: change.hash });
}

/** The change a message carries, or null for anything else (ignored by subscribers). */
export function decodeKeyChange(message: string): KeyChange | null {
  let doc: unknown;
  try {
    doc = JSON.parse(message);
  } catch {
    return null;
  }
  if (typeof doc !== "object" || doc === null) return null;
  const { id, hash } = doc as Record<string, unknown>;
  if (typeof id !== "string" || id === "" || id.length > MAX_ID) return null;
  if (typeof hash !== "string" || !HASH.test(hash)) return null;
  return { id, hash };
}

/** How many announcements the change log keeps for pollers. */
export const CHANGE_LOG_LENGTH = 1000;

/** The change log's keys under a key prefix: the last number given, and the numbered entries. */
export function changeLogKeys(keyPrefix: string): [seq: string, log: string] {
  return [`${keyPrefix}key-changes:seq`, `${keyPrefix}key-changes:log`];
}

/**
 * KEYS: seq, log. ARGV: channel, message, entries kept. Numbers the message, logs it as
 * "<n>:<message>" scored n, trims the log, publishes the message; returns n.
 */
const ANNOUNCE_SCRIPT = new LuaScript(
  "announce_key_change",
  `
local n = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], n, n .. ':' .. ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[3]) + 1))
redis.call('PUBLISH', ARGV[1], ARGV[2])
return n
`,
);

/** KEYS: seq, log. ARGV: after, at most. Returns {last number given, entries numbered above "after"}. */
const POLL_SCRIPT = new LuaScript(
  "poll_key_changes",
  `
local n = redis.call('GET', KEYS[1]) or '0'
local entries = {}
if tonumber(ARGV[2]) > 0 then
  entries = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[1], '+inf', 'LIMIT', 0, ARGV[2])
end
return {n, entries}
`,
);

/** Announces one change: published on the channel and appended to the change log. */
export async function announceKeyChange(
  redis: RedisTransport,
  change: KeyChange,
  keyPrefix = redis.settings.keyPrefix,
): Promise<void> {
  await redis.evalScript(ANNOUNCE_SCRIPT, changeLogKeys(keyPrefix), [
    keyChangeChannel(keyPrefix),
    encodeKeyChange(change),
    String(CHANGE_LOG_LENGTH),
  ]);
}

export interface PublishingStoreOptions {
  redis: RedisTransport;
  /** Default: the connection's keyPrefix. */
  keyPrefix?: string;
  onPublishError?: (error: RedisError, change: KeyChange) => void;
}

export function publishingKeyStore(store: KeyStore, opts: PublishingStoreOptions): KeyStore {
  const { redis } = opts;
  const publish = async (change: KeyChange) => {
    try {
      await announceKeyChange(redis, change, opts.keyPrefix);
    } catch (e) {
      opts.onPublishError?.(e as RedisError, change);
    }
  };
  const wrapper: KeyStore & { changeChannel?: string } = {
    get: (id) => store.get(id),
    findByHash: (hash) => store.findByHash(hash),
    list: (filter) => store.list(filter),
    async put(record: KeyRecord): Promise<void> {
      const previous = await store.get(record.id);
      await store.put(record);
      await publish({ id: record.id, hash: record.hash });
      if (previous !== null && previous.hash !== record.hash) {
        await publish({ id: previous.id, hash: previous.hash });
      }
    },
    close: () => store.close?.(),
  };
  // Last uses are not key changes: passed through, not announced.
  if (store.recordLastUsed) wrapper.recordLastUsed = (uses) => store.recordLastUsed!(uses);
  // In-process verifiers keep hearing the inner store's changes synchronously (changes.ts).
  const inner = (store as { changeChannel?: unknown }).changeChannel;
  if (typeof inner === "string") wrapper.changeChannel = inner;
  else subscribeKeyChanges(store, (record) => publishKeyChange(wrapper, record));
  return wrapper;
}

export interface SubscribeOptions {
  /** Default: the connection's keyPrefix. */
  keyPrefix?: string;
  /** A message that is not a key change (counted or logged by the caller; never echoed). */
  onInvalidMessage?: () => void;
  /**
   * Over REST: announcements were missed (the log was trimmed past the last one read, or its
   * counter went back); the caller drops every cached lookup. Over TCP the connection's
   * `onResubscribed` says the same.
   */
  onGap?: () => void;
  /** Over REST: how often the change log is read. Default 500 ms. */
  pollMs?: number;
  /** Over REST: a poll failed (Redis down or slow); polling goes on. */
  onPollError?: (error: RedisError) => void;
}

/**
 * Calls `onChange` for every key change announced by any process; resolves once listening (over
 * TCP when subscribed, over REST once the log's position is known — when Redis is down, once it
 * answers). The returned function stops listening.
 */
export async function subscribeKeyChangesFromRedis(
  redis: RedisTransport,
  onChange: (change: KeyChange) => void,
  opts: SubscribeOptions = {},
): Promise<() => Promise<void>> {
  const prefix = opts.keyPrefix ?? redis.settings.keyPrefix;
  const deliver = (message: string) => {
    const change = decodeKeyChange(message);
    if (change === null) opts.onInvalidMessage?.();
    else onChange(change);
  };
  if (redis instanceof RedisConnection) return await redis.subscribe(keyChangeChannel(prefix), deliver);
  const poller = new ChangeLogPoller(redis, prefix, deliver, opts);
  await poller.start();
  return () => poller.stop();
}

const POLL_BATCH = 100;

/** Reads the numbered change log after the last number seen (REST: no subscriptions). */
class ChangeLogPoller {
  readonly #redis: RedisTransport;
  readonly #keys: [string, string];
  readonly #deliver: (message: string) => void;
  readonly #opts: SubscribeOptions;
  #last = -1;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  #running: Promise<void> = Promise.resolve();

  constructor(
    redis: RedisTransport,
    prefix: string,
    deliver: (message: string) => void,
    opts: SubscribeOptions,
  ) {
    this.#redis = redis;
    this.#keys = changeLogKeys(prefix);
    this.#deliver = deliver;
    this.#opts = opts;
  }

  /** Learns the log's position (retrying until Redis answers), then polls on a timer. */
  async start(): Promise<void> {
    while (!this.#stopped) {
      try {
        this.#last = (await this.#read(0, 0)).seq;
        break;
      } catch (e) {
        this.#opts.onPollError?.(e as RedisError);
        await new Promise((r) => setTimeout(r, this.#interval()));
      }
    }
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #interval(): number {
    return this.#opts.pollMs ?? 500;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#poll().finally(() => this.#schedule());
    }, this.#interval());
  }

  async #poll(): Promise<void> {
    try {
      for (let more = true; more && !this.#stopped;) {
        const { seq, entries } = await this.#read(this.#last, POLL_BATCH);
        if (seq < this.#last) { // the counter went back (data lost or flushed)
          this.#opts.onGap?.();
          this.#last = seq;
          return;
        }
        for (const [n, message] of entries) {
          if (n <= this.#last) continue;
          if (n !== this.#last + 1) this.#opts.onGap?.();
          this.#last = n;
          this.#deliver(message);
        }
        if (entries.length === 0 && seq > this.#last) { // trimmed past everything unread
          this.#opts.onGap?.();
          this.#last = seq;
        }
        more = entries.length === POLL_BATCH && seq > this.#last;
      }
    } catch (e) {
      this.#opts.onPollError?.(e as RedisError);
    }
  }

  async #read(after: number, max: number): Promise<{ seq: number; entries: [number, string][] }> {
    const reply = await this.#redis.evalScript(POLL_SCRIPT, this.#keys, [String(after), String(max)]);
    if (Array.isArray(reply) && reply.length === 2 && Array.isArray(reply[1])) {
      const seq = Number(reply[0]);
      const entries: [number, string][] = [];
      for (const entry of reply[1] as unknown[]) {
        const text = String(entry);
        const colon = text.indexOf(":");
        const n = Number(text.slice(0, colon));
        if (colon > 0 && Number.isSafeInteger(n)) entries.push([n, text.slice(colon + 1)]);
      }
      if (Number.isSafeInteger(seq)) return { seq, entries };
    }
    throw new RedisError("redis_reply_invalid", "unexpected reply from the key-change log");
  }
}
