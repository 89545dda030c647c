/**
 * Signing keys for claims JWTs: loading private JWKs from configuration (or the GATEWAY_JWT_KEYS
 * environment variable), generating an ephemeral key when none is configured, and deriving the
 * public JWKs that are published. Configuration errors are TypeErrors raised at startup.
 *
 * An ephemeral key lives only in this process: tokens it signed stop verifying after a restart
 * (the JWKS changes), and several gateway replicas would each publish a different key. Configure
 * keys for anything but a demo.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";

export type SigningAlg = "EdDSA" | "ES256" | "RS256";
export const SIGNING_ALGS: readonly SigningAlg[] = ["EdDSA", "ES256", "RS256"];
export const JWT_KEYS_ENV = "GATEWAY_JWT_KEYS";

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: CryptoKey;
  publicJwk: JsonWebKey;
}

const PRIVATE_MEMBERS = new Set(["d", "p", "q", "dp", "dq", "qi", "oth", "k"]);

/** The public half of a private JWK, with kid/alg/use set for the JWKS. */
export function publicJwkOf(privateJwk: JsonWebKey, kid: string, alg: SigningAlg): JsonWebKey {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(privateJwk)) {
    if (!PRIVATE_MEMBERS.has(name) && name !== "key_ops" && name !== "ext") out[name] = value;
  }
  return { ...out, kid, alg, use: "sig" } as JsonWebKey;
}

function expectedKty(alg: SigningAlg): { kty: string; crv?: string } {
  if (alg === "EdDSA") return { kty: "OKP", crv: "Ed25519" };
  if (alg === "ES256") return { kty: "EC", crv: "P-256" };
  return { kty: "RSA" };
}

/** The JWK's `alg`, else the one alg among ours its key type allows (OKP/Ed25519, EC/P-256, RSA). */
function algOf(jwk: JsonWebKey & { alg?: string; kid?: string }): SigningAlg {
  if (jwk.alg !== undefined) {
    const alg = jwk.alg === "Ed25519" ? "EdDSA" : jwk.alg;
    if (!SIGNING_ALGS.includes(alg as SigningAlg)) {
      throw new TypeError(`unsupported JWT signing alg "${jwk.alg}"`);
    }
    return alg as SigningAlg;
  }
  for (const alg of SIGNING_ALGS) {
    const want = expectedKty(alg);
    if (jwk.kty === want.kty && (want.crv === undefined || jwk.crv === want.crv)) return alg;
  }
  throw new TypeError(`unsupported JWT signing key type ${jwk.kty}${jwk.crv ? `/${jwk.crv}` : ""}`);
}

/**
 * Imports a configured private key. Its algorithm is the JWK's `alg` member or follows from its key
 * type (the configured `alg` option only chooses the type of an ephemeral key).
 */
export async function importSigningKey(entry: { kid: string; privateJwk: JsonWebKey }): Promise<SigningKey> {
  if (typeof entry.kid !== "string" || entry.kid === "") {
    throw new TypeError("every JWT signing key needs a kid");
  }
  const jwk = entry.privateJwk;
  const alg = algOf(jwk);
  const want = expectedKty(alg);
  if (jwk.kty !== want.kty || (want.crv !== undefined && jwk.crv !== want.crv)) {
    throw new TypeError(`JWT key ${entry.kid} does not fit alg ${alg}`);
  }
  if (typeof jwk.d !== "string") throw new TypeError(`JWT key ${entry.kid} is not a private key`);
  let privateKey: CryptoKey;
  try {
    privateKey = await importJWK(
      { ...jwk, alg, ext: undefined, key_ops: undefined } as JWK,
      alg,
    ) as CryptoKey;
  } catch (cause) {
    throw new TypeError(`JWT key ${entry.kid} cannot be imported`, { cause });
  }
  return { kid: entry.kid, alg, privateKey, publicJwk: publicJwkOf(jwk, entry.kid, alg) };
}

/** A fresh key pair that exists only in this process (kid: "ephemeral-" + thumbprint prefix). */
export async function generateEphemeralKey(alg: SigningAlg): Promise<SigningKey> {
  const pair = await generateKeyPair(alg, {
    extractable: true,
    crv: alg === "EdDSA" ? "Ed25519" : undefined,
  });
  const jwk = await exportJWK(pair.publicKey);
  const kid = `ephemeral-${(await calculateJwkThumbprint(jwk)).slice(0, 16)}`;
  return {
    kid,
    alg,
    privateKey: pair.privateKey as CryptoKey,
    publicJwk: publicJwkOf(jwk as JsonWebKey, kid, alg),
  };
}

/**
 * A new private JWK for GATEWAY_JWT_KEYS (`deno task keys jwk`): kid (default: the RFC 7638
 * thumbprint's first 16 characters), alg and use set, so the set can be pasted as it is.
 */
export async function generateSigningJwk(alg: SigningAlg, kid?: string): Promise<JsonWebKey> {
  const pair = await generateKeyPair(alg, {
    extractable: true,
    crv: alg === "EdDSA" ? "Ed25519" : undefined,
    modulusLength: alg === "RS256" ? 3072 : undefined,
  });
  const jwk = await exportJWK(pair.privateKey);
  const id = kid ?? (await calculateJwkThumbprint(jwk)).slice(0, 16);
  return { ...jwk, kid: id, alg, use: "sig" } as JsonWebKey;
}

/**
 * Parses configured private keys: a JWKS (`{"keys": [...]}`) or an array of JWKs, as JSON. A JWK
 * without `kid` gets its RFC 7638 thumbprint. The first key signs; all are published.
 */
export async function parseSigningKeys(
  json: string,
): Promise<Array<{ kid: string; privateJwk: JsonWebKey }>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new TypeError(`${JWT_KEYS_ENV} is not valid JSON`, { cause });
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(`${JWT_KEYS_ENV} must hold a non-empty JWKS`);
  }
  const out: Array<{ kid: string; privateJwk: JsonWebKey }> = [];
  for (const jwk of list) {
    if (typeof jwk !== "object" || jwk === null) {
      throw new TypeError("a JWT signing key must be a JWK object");
    }
    const kid = typeof jwk.kid === "string" && jwk.kid !== "" ? jwk.kid : await calculateJwkThumbprint(jwk);
    out.push({ kid, privateJwk: jwk as JsonWebKey });
  }
  return out;
}

/** Keys from GATEWAY_JWT_KEYS, or undefined when it is not set. */
export function signingKeysFromEnv(
  env = (name: string) => Deno.env.get(name),
): Promise<Array<{ kid: string; privateJwk: JsonWebKey }>> | undefined {
  const value = env(JWT_KEYS_ENV);
  return value ? parseSigningKeys(value) : undefined;
}
