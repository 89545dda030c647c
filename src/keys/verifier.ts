/**
 * Verifies raw API keys: format and checksum first (no store access when malformed), then the keyed
 * hash is looked up — through a small cache — and the record's revoked/expired/grace state checked.
 *
 * Cache and revocation bound:
 * - Entries (positive and negative lookups) are keyed by the HMAC of the key, never the raw key,
 *   and live at most `cacheTtlMs` (default 1000 ms); the cache holds at most `cacheMaxEntries`
 *   (default 10 000) entries, evicting the oldest first.
 * - Only the record is cached; revoked/expired/grace are evaluated against the clock on every call.
 * - A put on the same store (or a store on the same change channel) in this process — revoke,
 *   rotate, create — drops the entry synchronously, so it takes effect on the very next request.
 * - A change made by another process (e.g. the CLI on the shared Deno KV file) takes effect within
 *   `cacheTtlMs` — or at once when that process announces it and this one listens (redis_changes.ts
 *   calls `invalidate`, and `invalidateAll` after a gap in which announcements were lost).
 *   Set `cacheTtlMs: 0` to disable caching.
 */
import { subscribeKeyChanges } from "./changes.ts";
import { KEY_PREFIX, parseRawKey } from "./format.ts";
import { constantTimeEqual, KeyHasher } from "./hash.ts";
import { keyStatus } from "./status.ts";
import type { KeyCheck, KeyRecord, KeyStore } from "./types.ts";

export interface KeyVerifierOptions {
  store: KeyStore;
  secret: Uint8Array | string;
  now?: () => Date;
  cacheTtlMs?: number;
  cacheMaxEntries?: number;
  /** Called with every accepted record (e.g. LastUsedRecorder.note; must be cheap and not throw). */
  onAccepted?: (record: KeyRecord) => void;
}

interface CacheEntry {
  record: KeyRecord | null;
  at: number;
}

/** Longer raw keys are malformed whatever they hold (checked before hashing bounds its cost). */
const MAX_RAW_KEY_LENGTH = 64;

export class KeyVerifier {
  readonly #store: KeyStore;
  readonly #hasher: KeyHasher;
  readonly #now: () => Date;
  readonly #ttl: number;
  readonly #max: number;
  readonly #cache = new Map<string, CacheEntry>();
  readonly #inflight = new Map<string, Promise<KeyRecord | null>>();
  readonly #unsubscribe: () => void;
  readonly #onAccepted: ((record: KeyRecord) => void) | undefined;
  /** Bumped on every invalidation; a lookup that straddles one is not cached. */
  #generation = 0;

  constructor(opts: KeyVerifierOptions) {
    this.#store = opts.store;
    this.#hasher = new KeyHasher(opts.secret);
    this.#now = opts.now ?? (() => new Date());
    this.#ttl = opts.cacheTtlMs ?? 1000;
    this.#max = opts.cacheMaxEntries ?? 10_000;
    this.#onAccepted = opts.onAccepted;
    this.#unsubscribe = subscribeKeyChanges(this.#store, (record) => this.invalidate(record.hash));
  }

  /**
   * Parses (format + checksum, no store access if malformed), hashes, looks up, checks
   * revoked/expired/grace. A key whose hash is in the cache was parsed when it was cached (only
   * well-formed keys are), and the same hash means the same key, so a hit skips the parse.
   * Answers at once (no promise) when no store read is needed: a missing or malformed key, or a
   * cached lookup.
   */
  verify(rawKey: string | null | undefined): KeyCheck | Promise<KeyCheck> {
    if (rawKey === null || rawKey === undefined || rawKey === "") return { ok: false, reason: "missing" };
    if (rawKey.length > MAX_RAW_KEY_LENGTH) return { ok: false, reason: "malformed" };
    const hash = this.#hasher.hash(rawKey);
    const now = this.#now();
    const t = now.getTime();
    const record = this.#cached(hash, t);
    if (record !== undefined) {
      const env = rawKey.slice(KEY_PREFIX.length + 1, rawKey.indexOf("_", KEY_PREFIX.length + 1)); // well-formed
      return this.#accepted(judge(record, env, now));
    }
    const parsed = parseRawKey(rawKey);
    if (parsed === null) return { ok: false, reason: "malformed" };
    return this.#lookup(hash, t).then((found) => this.#accepted(judge(found, parsed.env, now)));
  }

  #accepted(check: KeyCheck): KeyCheck {
    if (check.ok && this.#onAccepted !== undefined) this.#onAccepted(check.record);
    return check;
  }

  /** Drops the cached lookup for a key hash (called automatically on store changes in this process). */
  invalidate(hash: string): void {
    this.#generation++;
    this.#cache.delete(hash);
    this.#inflight.delete(hash); // later lookups must not join a fetch that started before the change
  }

  /**
   * Drops every cached lookup, for when changes may have been missed (e.g. the Redis key-change
   * subscription was down: its messages are not replayed). Lookups already under way are not
   * cached either, and later ones do not join them.
   */
  invalidateAll(): void {
    this.#generation++;
    this.#cache.clear();
    this.#inflight.clear();
  }

  /** Stops listening to store changes. */
  close(): void {
    this.#unsubscribe();
    this.#cache.clear();
  }

  /** The cached lookup of `hash` (null: known to be absent), or undefined when not cached. */
  #cached(hash: string, t: number): KeyRecord | null | undefined {
    if (this.#ttl <= 0) return undefined;
    const hit = this.#cache.get(hash);
    return hit && t - hit.at < this.#ttl ? hit.record : undefined;
  }

  async #lookup(hash: string, t: number): Promise<KeyRecord | null> {
    const pending = this.#inflight.get(hash);
    if (pending) return await pending;
    const generation = this.#generation;
    // The record must carry the very hash it was found by: checked once here, in constant time, so
    // a cached record (held under that hash) needs no check on later hits.
    const promise = this.#store.findByHash(hash).then((r) =>
      r !== null && constantTimeEqual(r.hash, hash) ? r : null
    );
    this.#inflight.set(hash, promise);
    try {
      const record = await promise;
      if (this.#ttl > 0 && generation === this.#generation) this.#remember(hash, record, t);
      return record;
    } finally {
      if (this.#inflight.get(hash) === promise) this.#inflight.delete(hash);
    }
  }

  #remember(hash: string, record: KeyRecord | null, t: number): void {
    this.#cache.delete(hash);
    this.#cache.set(hash, { record, at: t });
    while (this.#cache.size > this.#max) {
      const oldest = this.#cache.keys().next().value as string;
      this.#cache.delete(oldest);
    }
  }
}

/** The API key of a request: `Authorization: Bearer …` first, then `X-API-Key`; null when absent. */
export function extractApiKey(headers: Headers): string | null {
  const auth = headers.get("authorization");
  if (auth !== null) {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(auth);
    if (match) return match[1];
  }
  const header = headers.get("x-api-key");
  if (header !== null && header.trim() !== "") return header.trim();
  return null;
}

/** The answer for a looked-up record (null: none) presented in environment `env`. */
function judge(record: KeyRecord | null, env: string, now: Date): KeyCheck {
  if (record === null || record.env !== env) return { ok: false, reason: "unknown" };
  switch (keyStatus(record, now)) {
    case "revoked":
    case "rotated":
      return { ok: false, reason: "revoked", keyId: record.id };
    case "expired":
      return { ok: false, reason: "expired", keyId: record.id };
    default:
      return { ok: true, record };
  }
}
