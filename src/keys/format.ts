/**
 * API key format: `gw_<env>_<random>_<checksum>`.
 *
 * - `gw_<env>_` is a readable prefix naming the environment ("live", "test", …), so secret scanners
 *   can find leaked keys with a plain pattern (see KEY_PATTERN).
 * - `<random>` is 24 base62 characters drawn uniformly from a CSPRNG: 24·log2(62) ≈ 142.9 bits.
 * - `<checksum>` is the CRC-32 of everything before it, as 6 base62 digits (62^6 > 2^32), so a
 *   mistyped or invented key is rejected without touching the key store.
 */
import { crc32 } from "node:zlib";

export const KEY_PREFIX = "gw";
export const RANDOM_LENGTH = 24;
export const CHECKSUM_LENGTH = 6;
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ENV_PATTERN = /^[a-z][a-z0-9]{0,15}$/;

/** A pattern for secret scanners and log redaction (matches any well-formed key). */
export const KEY_PATTERN = /\bgw_[a-z][a-z0-9]{0,15}_[0-9A-Za-z]{24}_[0-9A-Za-z]{6}\b/g;

export interface ParsedKey {
  env: string;
  random: string;
}

export function isValidEnv(env: string): boolean {
  return ENV_PATTERN.test(env);
}

/** `length` base62 characters, each uniform (rejection sampling: bytes ≥ 248 are discarded). */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
    for (const b of bytes) {
      if (b >= 248) continue; // 248 = 4·62: keeps b % 62 uniform
      out += ALPHABET[b % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export function checksumOf(body: string): string {
  let n = crc32(body) >>> 0;
  let out = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** A fresh raw key for `env`. The caller shows it once and stores only its keyed hash. */
export function generateRawKey(env: string): string {
  if (!isValidEnv(env)) throw new RangeError(`invalid key environment "${env}"`);
  const body = `${KEY_PREFIX}_${env}_${randomBase62(RANDOM_LENGTH)}`;
  return `${body}_${checksumOf(body)}`;
}

function isBase62(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!ok) return false;
  }
  return true;
}

/** Checks shape and checksum only; null when the key is malformed. Never touches a store. */
export function parseRawKey(raw: string): ParsedKey | null {
  if (raw.length > 64) return null;
  const parts = raw.split("_");
  if (parts.length !== 4) return null;
  const [prefix, env, random, checksum] = parts;
  if (prefix !== KEY_PREFIX || !isValidEnv(env)) return null;
  if (random.length !== RANDOM_LENGTH || !isBase62(random)) return null;
  if (checksum.length !== CHECKSUM_LENGTH || !isBase62(checksum)) return null;
  if (checksumOf(`${prefix}_${env}_${random}`) !== checksum) return null;
  return { env, random };
}

/** A public, non-secret key id ("key_" + 16 base62 characters). */
export function generateKeyId(): string {
  return `key_${randomBase62(16)}`;
}
