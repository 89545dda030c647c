/**
 * Key changes across processes over Redis pub/sub, so a revocation made through one gateway
 * replica (or any process writing through `publishingKeyStore`) drops the cached lookup in every
 * replica at once instead of after the verifier's cache TTL.
 *
 * - `publishingKeyStore(store, …)` wraps a KeyStore: after each successful put it publishes the
 *   key's id and hash (and the old hash, when a put changed it) on `<prefix>key-changes`. Never the
 *   raw key, which no store has. A failed publish does not fail the put (the write is done): it is
 *   reported to `onPublishError`, and the other replicas then see the change within their TTL.
 * - `subscribeKeyChangesFromRedis(redis, onChange)` listens in every gateway process; the gateway
 *   passes `(change) => verifier.invalidate(change.hash)`.
 *
 * Messages published while a subscriber is disconnected are lost (pub/sub keeps nothing). During
 * the outage the cache TTL is the bound again; once the subscription is back (connection.ts emits
 * `onResubscribed` after the SUBSCRIBE is acknowledged) the gateway calls
 * `verifier.invalidateAll()`, so nothing missed outlives the reconnection.
 */
import type { RedisConnection } from "../redis/connection.ts";
import type { RedisError } from "../redis/errors.ts";
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

export interface PublishingStoreOptions {
  redis: RedisConnection;
  /** Default: keyChangeChannel(redis.settings.keyPrefix). */
  channel?: string;
  onPublishError?: (error: RedisError, change: KeyChange) => void;
}

export function publishingKeyStore(store: KeyStore, opts: PublishingStoreOptions): KeyStore {
  const { redis } = opts;
  const channel = opts.channel ?? keyChangeChannel(redis.settings.keyPrefix);
  const publish = async (change: KeyChange) => {
    try {
      await redis.publish(channel, encodeKeyChange(change));
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
  // In-process verifiers keep hearing the inner store's changes synchronously (changes.ts).
  const inner = (store as { changeChannel?: unknown }).changeChannel;
  if (typeof inner === "string") wrapper.changeChannel = inner;
  else subscribeKeyChanges(store, (record) => publishKeyChange(wrapper, record));
  return wrapper;
}

export interface SubscribeOptions {
  /** Default: keyChangeChannel(redis.settings.keyPrefix). */
  channel?: string;
  /** A message that is not a key change (counted or logged by the caller; never echoed). */
  onInvalidMessage?: () => void;
}

/** Calls `onChange` for every key change published by any process; resolves once subscribed. */
export function subscribeKeyChangesFromRedis(
  redis: RedisConnection,
  onChange: (change: KeyChange) => void,
  opts: SubscribeOptions = {},
): Promise<() => Promise<void>> {
  const channel = opts.channel ?? keyChangeChannel(redis.settings.keyPrefix);
  return redis.subscribe(channel, (message) => {
    const change = decodeKeyChange(message);
    if (change === null) opts.onInvalidMessage?.();
    else onChange(change);
  });
}
