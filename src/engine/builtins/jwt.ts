/**
 * JWT built-ins: io.jwt.decode, io.jwt.verify_{hs,rs,ps,es}{256,384,512} and io.jwt.verify_eddsa,
 * io.jwt.decode_verify, io.jwt.encode_sign(_raw). Decoding uses `jose`; signatures are checked and
 * made with node:crypto, because `jose`'s verify/sign functions are asynchronous (WebCrypto) and
 * host built-ins must answer synchronously. Keys: PEM certificates or public keys, a JWK, or a
 * JWK set ({"keys": [...]}); any key that verifies is enough.
 */
import { base64url, decodeProtectedHeader } from "jose";
import { Buffer } from "node:buffer";
import {
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign as cryptoSign,
  timingSafeEqual,
  verify as cryptoVerify,
} from "node:crypto";
import type { HostBuiltin } from "./host_builtin.ts";
import { fail, isObject, type JsonObject, num, obj, str } from "./operands.ts";
import { TIME_BUILTINS } from "./time.ts";

interface Token {
  header: JsonObject;
  headerText: string;
  payloadText: string;
  signature: Uint8Array;
  signingInput: string;
}

const utf8 = new TextDecoder();

function decodeToken(name: string, jwt: string): Token {
  const parts = jwt.split(".");
  if (parts.length !== 3) fail(name, "encoded JWT must have 3 sections, found " + parts.length);
  let header: JsonObject, headerText: string, payloadText: string, signature: Uint8Array;
  try {
    header = decodeProtectedHeader(jwt) as JsonObject;
    headerText = utf8.decode(base64url.decode(parts[0]));
    payloadText = utf8.decode(base64url.decode(parts[1]));
    signature = base64url.decode(parts[2]);
  } catch (e) {
    return fail(name, `JWT decode failed: ${(e as Error).message}`);
  }
  return { header, headerText, payloadText, signature, signingInput: `${parts[0]}.${parts[1]}` };
}

function jsonObject(name: string, text: string, what: string): JsonObject {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return fail(name, `JWT ${what} is not valid JSON`);
  }
  if (!isObject(v)) fail(name, `JWT ${what} must be an object`);
  return v as JsonObject;
}

type Family = "HS" | "RS" | "PS" | "ES" | "EdDSA";

/** HS256 … ES512 (family and SHA-2 size), then EdDSA, in that order. */
const ALGORITHMS: Record<string, { family: Family; hash: string | null }> = {};
for (const family of ["HS", "RS", "PS", "ES"] as const) {
  for (const bits of [256, 384, 512]) ALGORITHMS[`${family}${bits}`] = { family, hash: `sha${bits}` };
}
ALGORITHMS.EdDSA = { family: "EdDSA", hash: null };

interface PublicKey {
  key: KeyObject;
  kid?: string;
  alg?: string;
}

/** PEM certificate(s) / public key(s), a JWK or a JWK set. */
function publicKeys(name: string, material: string): PublicKey[] {
  const text = material.trim();
  try {
    if (text.startsWith("{")) {
      const jwk = JSON.parse(text);
      const list: JsonObject[] = Array.isArray(jwk.keys) ? jwk.keys : [jwk];
      return list.map((k) => ({
        key: createPublicKey({ key: k as any, format: "jwk" }),
        kid: typeof k.kid === "string" ? k.kid : undefined,
        alg: typeof k.alg === "string" ? k.alg : undefined,
      }));
    }
    const blocks = text.match(/-----BEGIN [^-]+-----[\s\S]+?-----END [^-]+-----/g) ?? [];
    if (blocks.length === 0) fail(name, "failed to find a PEM block or JWK in the key material");
    return blocks.map((pem) => ({ key: createPublicKey(pem) }));
  } catch (e) {
    if (e instanceof Error && e.name === "BuiltinError") throw e;
    return fail(name, `failed to parse key: ${(e as Error).message}`);
  }
}

function verifyWith(alg: string, key: KeyObject | Uint8Array, input: string, signature: Uint8Array): boolean {
  const a = ALGORITHMS[alg];
  if (!a) return false;
  const data = Buffer.from(input, "utf8");
  try {
    if (a.family === "HS") {
      if (!(key instanceof Uint8Array)) return false;
      const mac = createHmac(a.hash!, key).update(data).digest();
      return mac.length === signature.length && timingSafeEqual(mac, signature);
    }
    if (key instanceof Uint8Array) return false;
    switch (a.family) {
      case "RS":
        return cryptoVerify(a.hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
      case "PS":
        return cryptoVerify(a.hash, data, {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_AUTO,
        }, signature);
      case "ES":
        return cryptoVerify(a.hash, data, { key, dsaEncoding: "ieee-p1363" }, signature);
      default:
        return cryptoVerify(null, data, key, signature);
    }
  } catch {
    return false;
  }
}

function verifyBuiltin(alg: string): HostBuiltin {
  const name = `io.jwt.verify_${alg.toLowerCase()}`;
  return (jwt, material) => {
    const token = decodeToken(name, str(name, jwt, 1));
    const m = str(name, material, 2);
    if (ALGORITHMS[alg].family === "HS") {
      return verifyWith(alg, Buffer.from(m, "utf8"), token.signingInput, token.signature);
    }
    return publicKeys(name, m).some((k) => verifyWith(alg, k.key, token.signingInput, token.signature));
  };
}

interface Constraints {
  keys?: PublicKey[];
  secret?: string;
  alg?: string;
  iss?: string;
  aud?: string;
  timeNs: number;
}

function constraintsOf(name: string, v: unknown): Constraints {
  const o = obj(name, v, 2);
  const c: Partial<Constraints> = {};
  for (const [k, value] of Object.entries(o)) {
    switch (k) {
      case "cert":
        c.keys = publicKeys(name, str(name, value, 2));
        break;
      case "secret":
        c.secret = str(name, value, 2);
        break;
      case "alg":
      case "iss":
      case "aud":
        c[k] = str(name, value, 2);
        break;
      case "time":
        c.timeNs = num(name, value, 2);
        break;
      default:
        fail(name, `unknown token validation constraint: ${k}`);
    }
  }
  if (c.keys && c.secret !== undefined) fail(name, "duplicate key constraints");
  if (!c.keys && c.secret === undefined) fail(name, "no key constraint");
  c.timeNs ??= TIME_BUILTINS["time.now_ns"]() as number;
  return c as Constraints;
}

function signatureOk(c: Constraints, header: JsonObject, token: Token): boolean {
  const alg = String(header.alg);
  if (c.secret !== undefined) {
    return verifyWith(alg, Buffer.from(c.secret, "utf8"), token.signingInput, token.signature);
  }
  const kid = typeof header.kid === "string" ? header.kid : "";
  const byKid = kid ? c.keys!.find((k) => k.kid === kid) : undefined;
  if (byKid) return verifyWith(alg, byKid.key, token.signingInput, token.signature);
  return c.keys!.some((k) =>
    (!k.alg || k.alg === alg) && verifyWith(alg, k.key, token.signingInput, token.signature)
  );
}

function audienceOk(constraint: string | undefined, claim: unknown): boolean {
  if (!constraint) return false;
  if (typeof claim === "string") return claim === constraint;
  return Array.isArray(claim) && claim.some((a) => a === constraint);
}

function decodeVerify(jwt: unknown, constraints: unknown): unknown {
  const name = "io.jwt.decode_verify";
  const unverified = [false, {}, {}];
  const c = constraintsOf(name, constraints);
  let text = str(name, jwt, 1);
  let header: JsonObject;
  let payloadText: string;
  while (true) {
    const token = decodeToken(name, text);
    header = jsonObject(name, token.headerText, "header");
    if (typeof header.alg !== "string" || header.crit !== undefined) return unverified;
    if (c.alg && c.alg !== header.alg) return unverified;
    if (!signatureOk(c, header, token)) return unverified;
    payloadText = token.payloadText;
    if (typeof header.cty === "string" && header.cty.toUpperCase() === "JWT") {
      text = payloadText;
      continue;
    }
    break;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(payloadText);
  } catch {
    return unverified;
  }
  if (!isObject(payload)) return unverified;
  if (c.iss && payload.iss !== c.iss) return unverified;
  if ("aud" in payload ? !audienceOk(c.aud, payload.aud) : c.aud) return unverified;
  const nowSeconds = c.timeNs / 1e9;
  for (const claim of ["exp", "nbf"] as const) {
    if (!(claim in payload)) continue;
    const v = payload[claim];
    if (typeof v !== "number") fail(name, `${claim} value must be a number`);
    if (claim === "exp" ? nowSeconds >= (v as number) : nowSeconds < (v as number)) return unverified;
  }
  return [true, header, payload];
}

function signingKey(name: string, alg: string, jwk: JsonObject): KeyObject | Uint8Array {
  if (ALGORITHMS[alg]?.family === "HS") {
    if (typeof jwk.k !== "string") fail(name, 'HMAC signing needs a JWK with a "k" member');
    return base64url.decode(jwk.k as string);
  }
  try {
    return createPrivateKey({ key: jwk as any, format: "jwk" });
  } catch (e) {
    return fail(name, `failed to parse key: ${(e as Error).message}`);
  }
}

function sign(name: string, headerText: string, payloadText: string, jwk: JsonObject): string {
  const header = jsonObject(name, headerText, "header");
  const alg = header.alg;
  if (typeof alg !== "string" || !ALGORITHMS[alg]) fail(name, `unknown signature algorithm: ${String(alg)}`);
  const a = ALGORITHMS[alg as string];
  const input = `${base64url.encode(headerText)}.${base64url.encode(payloadText)}`;
  const key = signingKey(name, alg as string, jwk);
  const data = Buffer.from(input, "utf8");
  let sig: Uint8Array;
  if (key instanceof Uint8Array) sig = createHmac(a.hash!, key).update(data).digest();
  else if (a.family === "PS") {
    sig = cryptoSign(a.hash, data, {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    });
  } else if (a.family === "ES") sig = cryptoSign(a.hash, data, { key, dsaEncoding: "ieee-p1363" });
  else sig = cryptoSign(a.hash, data, key);
  return `${input}.${base64url.encode(sig)}`;
}

export const JWT_BUILTINS: Record<string, HostBuiltin> = {
  "io.jwt.decode": (jwt) => {
    const name = "io.jwt.decode";
    let token = decodeToken(name, str(name, jwt, 1));
    let header = jsonObject(name, token.headerText, "header");
    while (typeof header.cty === "string" && header.cty.toUpperCase() === "JWT") {
      token = decodeToken(name, token.payloadText);
      header = jsonObject(name, token.headerText, "header");
    }
    const payload = jsonObject(name, token.payloadText, "payload");
    return [header, payload, Buffer.from(token.signature).toString("hex")];
  },
  "io.jwt.decode_verify": decodeVerify,
  "io.jwt.encode_sign_raw": (header, payload, key) => {
    const name = "io.jwt.encode_sign_raw";
    const jwk = jsonObject(name, str(name, key, 3), "key");
    return sign(name, str(name, header, 1), str(name, payload, 2), jwk);
  },
  "io.jwt.encode_sign": (header, payload, key) => {
    const name = "io.jwt.encode_sign";
    return sign(
      name,
      JSON.stringify(obj(name, header, 1)),
      JSON.stringify(obj(name, payload, 2)),
      obj(name, key, 3),
    );
  },
};
for (const alg of Object.keys(ALGORITHMS)) {
  JWT_BUILTINS[`io.jwt.verify_${alg.toLowerCase()}`] = verifyBuiltin(alg);
}
