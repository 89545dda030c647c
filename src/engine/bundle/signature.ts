/**
 * OPA bundle signing: `/.signatures.json` is `{"signatures": ["<JWS>"]}`, whose payload lists every
 * file of the bundle with its hash: `{"files": [{"name", "hash", "algorithm"}], "keyid"?, "scope"?}`.
 * JSON files (`*.json`, `.manifest`) are hashed in a canonical form (keys sorted, no spaces), as
 * OPA does, so reformatting them does not break a signature; other files are hashed as bytes.
 */
import { CompactSign, compactVerify, importPKCS8, importSPKI } from "jose";
import { EngineError } from "../types.ts";
import type { FileMap } from "./archive.ts";
import { isObject } from "./manifest.ts";

export type SigningAlgorithm = "HS256" | "RS256" | "ES256" | "EdDSA";
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ["HS256", "RS256", "ES256", "EdDSA"];

/** A key: for HS256 the shared secret; otherwise a PEM (SPKI to verify, PKCS#8 to sign) or a CryptoKey. */
export interface KeyConfig {
  alg: SigningAlgorithm;
  key: string | Uint8Array | CryptoKey;
  keyId?: string;
  /** When set on a verification key, the payload's `scope` must equal it. */
  scope?: string;
}

interface SignedFile {
  name: string;
  hash: string;
  algorithm: string;
}

const HASHES: Record<string, AlgorithmIdentifier> = {
  "SHA-256": "SHA-256",
  "SHA-384": "SHA-384",
  "SHA-512": "SHA-512",
  "SHA-1": "SHA-1",
};

export async function signBundleFiles(files: FileMap, signing: KeyConfig): Promise<Uint8Array> {
  const listed: SignedFile[] = [];
  for (const name of [...files.keys()].sort()) {
    listed.push({ name, hash: await hashFile(name, files.get(name)!, "SHA-256"), algorithm: "SHA-256" });
  }
  const payload: Record<string, unknown> = { files: listed };
  if (signing.keyId !== undefined) payload.keyid = signing.keyId;
  if (signing.scope !== undefined) payload.scope = signing.scope;
  const header = signing.keyId === undefined
    ? { alg: signing.alg }
    : { alg: signing.alg, kid: signing.keyId };
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header)
    .sign(await importKey(signing, "sign"));
  return new TextEncoder().encode(JSON.stringify({ signatures: [jws] }) + "\n");
}

/** Throws bundle_signature_invalid unless `signatures` proves exactly `files`. */
export async function verifyBundleFiles(
  files: FileMap,
  signatures: Uint8Array | undefined,
  verification: KeyConfig,
): Promise<void> {
  if (signatures === undefined) throw invalid("the bundle is not signed (no /.signatures.json)");
  const token = readToken(signatures);
  let payload: unknown;
  try {
    const key = await importKey(verification, "verify");
    const result = await compactVerify(token, key, { algorithms: [verification.alg] });
    payload = JSON.parse(new TextDecoder().decode(result.payload));
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw invalid(`the signature does not verify: ${(e as Error).message}`);
  }
  if (!isObject(payload) || !Array.isArray(payload.files)) {
    throw invalid("the signed payload has no files list");
  }
  if (verification.scope !== undefined && payload.scope !== verification.scope) {
    throw invalid(`the signature's scope ${JSON.stringify(payload.scope)} is not ${verification.scope}`);
  }
  const listed = new Map<string, SignedFile>();
  for (const entry of payload.files) {
    if (!isObject(entry) || typeof entry.name !== "string" || typeof entry.hash !== "string") {
      throw invalid("a signed file entry lacks name or hash");
    }
    const name = entry.name.replace(/^\/+/, "");
    listed.set(name, { name, hash: entry.hash, algorithm: String(entry.algorithm ?? "SHA-256") });
  }
  for (const [name, bytes] of files) {
    const entry = listed.get(name);
    if (entry === undefined) throw invalid(`${name} is in the bundle but not in its signature`);
    if (await hashFile(name, bytes, entry.algorithm) !== entry.hash.toLowerCase()) {
      throw invalid(`${name} does not match its signed hash`);
    }
    listed.delete(name);
  }
  if (listed.size > 0) {
    throw invalid(`signed files missing from the bundle: ${[...listed.keys()].join(", ")}`);
  }
}

function readToken(signatures: Uint8Array): string {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(signatures));
    const list = parsed?.signatures;
    if (Array.isArray(list) && list.length === 1 && typeof list[0] === "string") return list[0];
  } catch {
    // fall through
  }
  throw invalid('/.signatures.json must be {"signatures": ["<one JWT>"]}');
}

async function importKey(config: KeyConfig, use: "sign" | "verify"): Promise<CryptoKey | Uint8Array> {
  if (typeof config.key !== "string") return config.key;
  if (config.alg === "HS256") return new TextEncoder().encode(config.key);
  try {
    return use === "sign"
      ? await importPKCS8(config.key, config.alg)
      : await importSPKI(config.key, config.alg);
  } catch (e) {
    throw new EngineError(
      "bundle_signature_invalid",
      `the ${config.alg} ${use === "sign" ? "signing" : "verification"} key is not a usable PEM key: ${
        (e as Error).message
      }${pemHint(config.key, use)}`,
    );
  }
}

/**
 * What to do with a PEM of another encoding than the one expected: `openssl ecparam -genkey` and
 * `openssl genrsa` write SEC1 / PKCS#1 private keys, which must be converted to PKCS#8.
 */
function pemHint(pem: string, use: "sign" | "verify"): string {
  const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem)?.[1];
  if (use === "sign" && (label === "EC PRIVATE KEY" || label === "RSA PRIVATE KEY")) {
    return ` (a ${label} PEM: convert it to PKCS#8 with ` +
      "`openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pkcs8.pem`)";
  }
  if (use === "verify" && label !== undefined && label.includes("PRIVATE KEY")) {
    return " (a private key: verification takes the public key, `openssl pkey -in key.pem -pubout`)";
  }
  if (use === "sign" && label === "PUBLIC KEY") {
    return " (a public key: signing takes the private key in PKCS#8)";
  }
  return "";
}

async function hashFile(name: string, bytes: Uint8Array, algorithm: string): Promise<string> {
  const hash = HASHES[algorithm.toUpperCase()];
  if (hash === undefined) throw invalid(`${name}: unsupported hash algorithm ${algorithm}`);
  const input = isJsonFile(name) ? canonicalJson(name, bytes) : bytes;
  const digest = await crypto.subtle.digest(hash, input as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function isJsonFile(name: string): boolean {
  return name.endsWith(".json") || name === ".manifest" || name.endsWith("/.manifest");
}

function canonicalJson(name: string, bytes: Uint8Array): Uint8Array {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw invalid(`${name} is not valid JSON and cannot be hashed`);
  }
  return new TextEncoder().encode(JSON.stringify(sortKeys(value)));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
}

function invalid(message: string): EngineError {
  return new EngineError("bundle_signature_invalid", message);
}
