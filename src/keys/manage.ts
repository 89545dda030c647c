/**
 * Key management operations shared by the CLI and the admin API: create, update, revoke, rotate.
 * The raw key is returned once, by create and rotate, and never stored, listed or logged.
 */
import { KeyError } from "./errors.ts";
import { generateKeyId, generateRawKey, isValidEnv } from "./format.ts";
import { KeyHasher } from "./hash.ts";
import { type KeyStatus, keyStatus } from "./status.ts";
import type { IdentityType, KeyRecord, KeyStore } from "./types.ts";

export const IDENTITY_TYPES: readonly IdentityType[] = ["human", "service", "agent"];

export interface NewKeyInput {
  org: string;
  subject: string;
  identityType: IdentityType;
  scopes?: string[];
  plan?: string;
  /** ISO 8601 instant, or null/undefined for no expiry. */
  expires?: string | null;
  env?: string;
  /** Human label (METADATA_LIMITS.nameLength characters at most, no control characters). */
  name?: string | null;
  /** Operator-set strings (bounded by METADATA_LIMITS). */
  metadata?: Record<string, string>;
}

/** What `updateKey` may change; an absent field is left as it is. */
export interface KeyChanges {
  scopes?: string[];
  /** ISO 8601 instant in the future, or null for no expiry. */
  expires?: string | null;
  /** null removes the name. */
  name?: string | null;
  /** Merged into the key's metadata; a null value removes that entry. */
  metadata?: Record<string, string | null>;
}

/** Bounds of a key's name and metadata (validated as key_invalid_input). */
export const METADATA_LIMITS = {
  entries: 16,
  keyLength: 64,
  valueLength: 256,
  nameLength: 128,
} as const;

export interface IssuedKey {
  record: KeyRecord;
  /** The raw key: show it once, then forget it. */
  rawKey: string;
}

export interface ManageContext {
  store: KeyStore;
  secret: Uint8Array | string;
  now?: () => Date;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;
const SCOPE = /^[A-Za-z0-9][A-Za-z0-9._:*/-]{0,127}$/;
const META_KEY = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._:/-]{0,${METADATA_LIMITS.keyLength - 1}}$`);
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function invalid(message: string): KeyError {
  return new KeyError("key_invalid_input", message);
}

function validScopes(input: string[] | undefined): string[] {
  if (input !== undefined && !Array.isArray(input)) throw invalid("scopes must be a list");
  const scopes = [...new Set(input ?? [])];
  for (const scope of scopes) {
    if (typeof scope !== "string" || !SCOPE.test(scope)) throw invalid(`invalid scope "${scope}"`);
  }
  return scopes;
}

function validExpires(input: string | null | undefined, now: Date): string | null {
  if (input === undefined || input === null) return null;
  const t = typeof input === "string" ? Date.parse(input) : NaN;
  if (Number.isNaN(t)) throw invalid("expires must be an ISO 8601 date-time");
  if (t <= now.getTime()) throw invalid("expires must be in the future");
  return new Date(t).toISOString();
}

function validName(name: string | null | undefined): string | null {
  if (name === undefined || name === null) return null;
  if (
    typeof name !== "string" || name.trim() === "" || name.length > METADATA_LIMITS.nameLength ||
    CONTROL.test(name)
  ) {
    throw invalid(`name must be 1-${METADATA_LIMITS.nameLength} characters without control characters`);
  }
  return name;
}

/** Validates a metadata map (after merging); throws key_invalid_input naming the first problem. */
export function validMetadata(input: Record<string, unknown> | undefined): Record<string, string> {
  if (input === undefined) return {};
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw invalid("metadata must be a map of strings");
  }
  const entries = Object.entries(input);
  if (entries.length > METADATA_LIMITS.entries) {
    throw invalid(`metadata holds at most ${METADATA_LIMITS.entries} entries`);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (!META_KEY.test(key)) {
      throw invalid(
        `metadata key "${
          key.slice(0, 80)
        }" must be 1-${METADATA_LIMITS.keyLength} characters [A-Za-z0-9._:/-]`,
      );
    }
    if (
      typeof value !== "string" || value === "" || value.length > METADATA_LIMITS.valueLength ||
      CONTROL.test(value)
    ) {
      throw invalid(
        `metadata value of "${key}" must be 1-${METADATA_LIMITS.valueLength} characters without control characters`,
      );
    }
    out[key] = value;
  }
  return out;
}

/** Validates and normalizes input; throws KeyError("key_invalid_input"). */
export function validateNewKey(input: NewKeyInput, now: Date): Required<NewKeyInput> {
  if (!NAME.test(input.org ?? "")) throw invalid("org must be 1-128 characters [A-Za-z0-9._:@/-]");
  if (!NAME.test(input.subject ?? "")) throw invalid("subject must be 1-128 characters [A-Za-z0-9._:@/-]");
  if (!IDENTITY_TYPES.includes(input.identityType)) {
    throw invalid(`identity type must be one of ${IDENTITY_TYPES.join(", ")}`);
  }
  const scopes = validScopes(input.scopes);
  const plan = input.plan ?? "free";
  if (!NAME.test(plan)) throw invalid("plan must be 1-128 characters [A-Za-z0-9._:@/-]");
  const env = input.env ?? "live";
  if (!isValidEnv(env)) throw invalid("env must match [a-z][a-z0-9]{0,15}");
  const expires = validExpires(input.expires, now);
  return {
    org: input.org,
    subject: input.subject,
    identityType: input.identityType,
    scopes,
    plan,
    expires,
    env,
    name: validName(input.name),
    metadata: validMetadata(input.metadata),
  };
}

export async function createKey(ctx: ManageContext, input: NewKeyInput): Promise<IssuedKey> {
  const now = (ctx.now ?? (() => new Date()))();
  const valid = validateNewKey(input, now);
  const hasher = new KeyHasher(ctx.secret);
  const rawKey = generateRawKey(valid.env);
  const record: KeyRecord = {
    id: generateKeyId(),
    org: valid.org,
    subject: valid.subject,
    identityType: valid.identityType,
    scopes: valid.scopes,
    plan: valid.plan,
    created: now.toISOString(),
    expires: valid.expires,
    revoked: null,
    graceUntil: null,
    env: valid.env,
    hash: hasher.hash(rawKey),
    name: valid.name,
    metadata: valid.metadata,
    lastUsed: null,
  };
  await ctx.store.put(record);
  return { record, rawKey };
}

async function mustGet(store: KeyStore, id: string): Promise<KeyRecord> {
  const record = await store.get(id);
  if (record === null) throw new KeyError("key_not_found", `no key with id ${id}`);
  return record;
}

/** Revokes a key now. Idempotent: revoking a revoked key keeps the first revocation time. */
export async function revokeKey(ctx: Omit<ManageContext, "secret">, id: string): Promise<KeyRecord> {
  const now = (ctx.now ?? (() => new Date()))();
  const record = await mustGet(ctx.store, id);
  if (record.revoked !== null && Date.parse(record.revoked) <= now.getTime()) return record;
  const updated: KeyRecord = { ...record, revoked: now.toISOString() };
  await ctx.store.put(updated);
  return updated;
}

/**
 * Changes a key's scopes, expiry, name or metadata in place (same key, same id: no rotation).
 * Written with a put, so announced like a revocation (changes.ts, Redis, PostgreSQL NOTIFY): every
 * verifier drops its cached lookup and narrowed scopes apply to the next request. A revoked,
 * rotated-out or expired key cannot be updated (key_revoked): an update never brings a key back,
 * and the store keeps a revocation written meanwhile (record_rules.ts).
 */
export async function updateKey(
  ctx: Omit<ManageContext, "secret">,
  id: string,
  changes: KeyChanges,
): Promise<KeyRecord> {
  const now = (ctx.now ?? (() => new Date()))();
  if (
    changes.scopes === undefined && changes.expires === undefined && changes.name === undefined &&
    changes.metadata === undefined
  ) {
    throw invalid("nothing to update: give scopes, expires, name or metadata");
  }
  const record = await mustGet(ctx.store, id);
  const status = keyStatus(record, now);
  if (status === "revoked" || status === "rotated") throw new KeyError("key_revoked", `key ${id} is revoked`);
  if (status === "expired") throw new KeyError("key_revoked", `key ${id} has expired`);
  const updated: KeyRecord = { ...record };
  if (changes.scopes !== undefined) updated.scopes = validScopes(changes.scopes);
  if (changes.expires !== undefined) updated.expires = validExpires(changes.expires, now);
  if (changes.name !== undefined) updated.name = validName(changes.name);
  if (changes.metadata !== undefined) {
    if (
      typeof changes.metadata !== "object" || changes.metadata === null || Array.isArray(changes.metadata)
    ) {
      throw invalid("metadata must be a map of strings");
    }
    const merged: Record<string, unknown> = { ...(record.metadata ?? {}) };
    for (const [key, value] of Object.entries(changes.metadata)) {
      if (value === null) delete merged[key];
      else merged[key] = value;
    }
    updated.metadata = validMetadata(merged);
  }
  await ctx.store.put(updated);
  return updated;
}

/**
 * Issues a replacement key with the same identity and settings; the old key stays valid for
 * `graceSeconds` (0: rejected from now on). A revoked, expired or already rotated key cannot be
 * rotated.
 */
export async function rotateKey(
  ctx: ManageContext,
  id: string,
  graceSeconds: number,
): Promise<IssuedKey & { previous: KeyRecord }> {
  if (!Number.isFinite(graceSeconds) || graceSeconds < 0 || graceSeconds > 366 * 86400) {
    throw invalid("grace_seconds must be between 0 and 31622400");
  }
  const now = (ctx.now ?? (() => new Date()))();
  const old = await mustGet(ctx.store, id);
  const status = keyStatus(old, now);
  if (status === "revoked" || status === "rotated") throw new KeyError("key_revoked", `key ${id} is revoked`);
  if (status === "expired") throw new KeyError("key_revoked", `key ${id} has expired`);
  if (status === "grace") throw new KeyError("key_already_rotated", `key ${id} was already rotated`);
  const issued = await createKey(ctx, {
    org: old.org,
    subject: old.subject,
    identityType: old.identityType,
    scopes: old.scopes,
    plan: old.plan,
    expires: old.expires,
    env: old.env,
    name: old.name,
    metadata: old.metadata,
  });
  const previous: KeyRecord = {
    ...old,
    graceUntil: new Date(now.getTime() + Math.round(graceSeconds * 1000)).toISOString(),
  };
  await ctx.store.put(previous);
  return { ...issued, previous };
}

/** A key as shown to operators (admin API and `keys --json`): everything but the hash, snake_case. */
export interface KeyView {
  id: string;
  org: string;
  subject: string;
  identity_type: IdentityType;
  scopes: string[];
  plan: string;
  env: string;
  created: string;
  expires: string | null;
  revoked: string | null;
  grace_until: string | null;
  name: string | null;
  metadata: Record<string, string>;
  /** Up to the recorder's flush interval (keys.lastUsedFlushMs) behind; null: never seen. */
  last_used: string | null;
  status: KeyStatus;
}

export function keyView(record: KeyRecord, now: Date): KeyView {
  return {
    id: record.id,
    org: record.org,
    subject: record.subject,
    identity_type: record.identityType,
    scopes: [...record.scopes],
    plan: record.plan,
    env: record.env,
    created: record.created,
    expires: record.expires,
    revoked: record.revoked,
    grace_until: record.graceUntil,
    name: record.name ?? null,
    metadata: { ...(record.metadata ?? {}) },
    last_used: record.lastUsed ?? null,
    status: keyStatus(record, now),
  };
}
