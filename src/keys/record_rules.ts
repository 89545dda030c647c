/**
 * What every KeyStore does with a record on the way in and out, so all stores agree:
 *
 * - `normalizeRecord`: records written before `name`, `metadata` and `lastUsed` existed read with
 *   null, {} and null; the result is a copy (arrays and maps included).
 * - `mergePut`: a put never undoes what a concurrent writer did to the key's life: the earlier of
 *   two revocations and of two grace ends is kept (a put made from a record read before a revoke
 *   or a rotation cannot bring the key back), and the later of two last uses (the recorder may
 *   have written one after the record was read). PostgreSQL does the same in SQL (LEAST/GREATEST).
 */
import type { KeyRecord } from "./types.ts";

export function normalizeRecord(record: KeyRecord): KeyRecord {
  return {
    ...record,
    scopes: [...record.scopes],
    name: record.name ?? null,
    metadata: { ...(record.metadata ?? {}) },
    lastUsed: record.lastUsed ?? null,
  };
}

export function mergePut(previous: KeyRecord | null, next: KeyRecord): KeyRecord {
  const merged = normalizeRecord(next);
  if (previous === null) return merged;
  merged.revoked = earliest(previous.revoked, merged.revoked);
  merged.graceUntil = earliest(previous.graceUntil, merged.graceUntil);
  merged.lastUsed = latest(previous.lastUsed ?? null, merged.lastUsed ?? null);
  return merged;
}

/** The earlier of two instants; null (never) loses to any instant. */
export function earliest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

/** The later of two instants; null (never) loses to any instant. */
export function latest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
