/**
 * Key management operations shared by the CLI and the admin API: create, revoke, rotate. The raw
 * key is returned once, by create and rotate, and never stored, listed or logged.
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
}

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

function invalid(message: string): KeyError {
  return new KeyError("key_invalid_input", message);
}

/** Validates and normalizes input; throws KeyError("key_invalid_input"). */
export function validateNewKey(input: NewKeyInput, now: Date): Required<NewKeyInput> {
  if (!NAME.test(input.org ?? "")) throw invalid("org must be 1-128 characters [A-Za-z0-9._:@/-]");
  if (!NAME.test(input.subject ?? "")) throw invalid("subject must be 1-128 characters [A-Za-z0-9._:@/-]");
  if (!IDENTITY_TYPES.includes(input.identityType)) {
    throw invalid(`identity type must be one of ${IDENTITY_TYPES.join(", ")}`);
  }
  const scopes = [...new Set(input.scopes ?? [])];
  for (const scope of scopes) if (!SCOPE.test(scope)) throw invalid(`invalid scope "${scope}"`);
  const plan = input.plan ?? "free";
  if (!NAME.test(plan)) throw invalid("plan must be 1-128 characters [A-Za-z0-9._:@/-]");
  const env = input.env ?? "live";
  if (!isValidEnv(env)) throw invalid("env must match [a-z][a-z0-9]{0,15}");
  let expires: string | null = null;
  if (input.expires !== undefined && input.expires !== null) {
    const t = Date.parse(input.expires);
    if (Number.isNaN(t)) throw invalid("expires must be an ISO 8601 date-time");
    if (t <= now.getTime()) throw invalid("expires must be in the future");
    expires = new Date(t).toISOString();
  }
  return {
    org: input.org,
    subject: input.subject,
    identityType: input.identityType,
    scopes,
    plan,
    expires,
    env,
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
    status: keyStatus(record, now),
  };
}
