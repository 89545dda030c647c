/**
 * API key contracts shared by the key verifier, the key stores, the key CLI, the admin API and the
 * gateway. The raw key is never part of a record: only its keyed hash.
 */

export type IdentityType = "human" | "service" | "agent";

export interface KeyRecord {
  /** Public key id, e.g. "key_…" (not secret). */
  id: string;
  org: string;
  subject: string;
  identityType: IdentityType;
  scopes: string[];
  plan: string;
  /** ISO 8601. */
  created: string;
  /** ISO 8601, or null for no expiry. */
  expires: string | null;
  /** ISO 8601 instant of revocation, or null. */
  revoked: string | null;
  /** After rotation: the old key stays valid until this instant. */
  graceUntil: string | null;
  /** "live" | "test" … */
  env: string;
  /** HMAC-SHA-256 of the secret, hex; never the raw key. */
  hash: string;
  /** Optional human label set by the operator (absent in records written before it existed). */
  name?: string | null;
  /** Operator-set string map, bounded (manage.ts: METADATA_LIMITS); absent in older records. */
  metadata?: Record<string, string>;
  /**
   * ISO 8601: the last accepted request with this key, as flushed by the gateway's last-use
   * recorder (last_used.ts; at most one write per key per interval, so up to that much behind).
   * Never moves back: stores keep the later of the stored and the written value.
   */
  lastUsed?: string | null;
}

/** One key's last use, as flushed by the recorder (last_used.ts). */
export interface LastUse {
  id: string;
  /** ISO 8601. */
  at: string;
}

export type KeyRejection = "missing" | "malformed" | "unknown" | "revoked" | "expired";

/**
 * A rejected key that was found (revoked, rotated out, expired) names its id, for the operator's
 * decision log: that is when they look for it.
 */
export type KeyCheck = { ok: true; record: KeyRecord } | { ok: false; reason: KeyRejection; keyId?: string };

export interface KeyStore {
  get(id: string): Promise<KeyRecord | null>;
  findByHash(hash: string): Promise<KeyRecord | null>;
  put(record: KeyRecord): Promise<void>;
  list(filter?: { org?: string }): Promise<KeyRecord[]>;
  /**
   * Notes last uses in one batch: only `lastUsed` changes (to the later of stored and given), never
   * another field, so a revocation or scope change written meanwhile stands; unknown ids are
   * skipped. Not a key change: nothing is announced (authorization does not read it). Optional for
   * wrappers and fakes; without it the recorder does nothing.
   */
  recordLastUsed?(uses: readonly LastUse[]): Promise<void>;
  close?(): void;
}
