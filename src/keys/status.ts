/** The time-dependent state of a key record. Evaluated on every request (never cached). */
import type { KeyRecord } from "./types.ts";

export type KeyStatus = "active" | "grace" | "revoked" | "rotated" | "expired";

/**
 * - revoked: `revoked` is set and not in the future;
 * - rotated: replaced by rotation and the grace period is over (rejected as "revoked");
 * - expired: `expires` is set and not in the future;
 * - grace:   replaced by rotation, still accepted until `graceUntil`;
 * - active:  otherwise.
 */
export function keyStatus(record: KeyRecord, now: Date): KeyStatus {
  const t = now.getTime();
  if (record.revoked !== null && Date.parse(record.revoked) <= t) return "revoked";
  if (record.graceUntil !== null && Date.parse(record.graceUntil) <= t) return "rotated";
  if (record.expires !== null && Date.parse(record.expires) <= t) return "expired";
  if (record.graceUntil !== null) return "grace";
  return "active";
}
