/**
 * Public and private keys as Go's crypto/x509 parses them and encoding/json writes them:
 * RSA {N, E} (private: {N, E, D, Primes, Precomputed: {Dp, Dq, Qinv, CRTValues}}), ECDSA
 * {Curve: {}, X, Y} (private: plus D; the curve's fields are unexported since Go 1.20), Ed25519 as
 * base64 bytes (private: seed and public key, 64 bytes), DSA {P, Q, G, Y}. Big integers are
 * exact JSON numbers (JSON.rawJSON).
 */
import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { Der, DerError, oidString, sameOid, TAG, unsignedInteger } from "./der.ts";
import { encodeStdBase64 } from "./pem.ts";

/** A big integer as an exact JSON number. */
export function bigJson(n: bigint): unknown {
  return (JSON as unknown as { rawJSON(s: string): unknown }).rawJSON(n.toString());
}

export const OID = {
  rsa: [1, 2, 840, 113549, 1, 1, 1],
  dsa: [1, 2, 840, 10040, 4, 1],
  ecdsa: [1, 2, 840, 10045, 2, 1],
  ed25519: [1, 3, 101, 112],
  x25519: [1, 3, 101, 110],
} as const;

/** x509.PublicKeyAlgorithm: 0 unknown, 1 RSA, 2 DSA, 3 ECDSA, 4 Ed25519. */
export function publicKeyAlgorithm(oid: readonly number[]): number {
  if (sameOid(oid as number[], [...OID.rsa])) return 1;
  if (sameOid(oid as number[], [...OID.dsa])) return 2;
  if (sameOid(oid as number[], [...OID.ecdsa])) return 3;
  if (sameOid(oid as number[], [...OID.ed25519])) return 4;
  return 0;
}

interface Curve {
  name: string;
  oid: string;
  bytes: number;
  order: bigint;
}

const CURVES: Curve[] = [
  {
    name: "P-224",
    oid: "1.3.132.0.33",
    bytes: 28,
    order: 0xffffffffffffffffffffffffffff16a2e0b8f03e13dd29455c5c2a3dn,
  },
  {
    name: "P-256",
    oid: "1.2.840.10045.3.1.7",
    bytes: 32,
    order: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  },
  {
    name: "P-384",
    oid: "1.3.132.0.34",
    bytes: 48,
    order:
      0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  },
  {
    name: "P-521",
    oid: "1.3.132.0.35",
    bytes: 66,
    order:
      0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
  },
];

const curveByOid = (oid: readonly number[]) => CURVES.find((c) => c.oid === oidString(oid));

/** An AlgorithmIdentifier: its OID and the raw bytes of its parameters (undefined if absent). */
export interface AlgorithmIdentifier {
  oid: number[];
  params?: Uint8Array;
}

export function parseAlgorithm(seq: Der): AlgorithmIdentifier {
  const oid = seq.oid(`malformed OID`);
  if (seq.empty()) return { oid };
  return { oid, params: seq.any(`malformed parameters`).raw };
}

export interface PublicKey {
  /** Go's encoding/json form. */
  json: unknown;
  /** For signature checks (undefined for DSA: Go does not verify DSA signatures). */
  key?: KeyObject;
  kind: "rsa" | "ecdsa" | "ed25519" | "dsa";
  rsaBits?: number;
  curve?: string;
}

const NULL_PARAMS = [0x05, 0x00];

/** Go accepts keys OpenSSL may refuse (an Ed25519 point off the curve): a signature check then fails. */
function tryImport(f: () => KeyObject): KeyObject | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/**
 * Go's parsePublicKey for a subjectPublicKeyInfo (its raw bytes, algorithm and key bits). Only
 * called for algorithms Go knows (publicKeyAlgorithm != 0).
 */
export function parsePublicKey(spki: Uint8Array, alg: AlgorithmIdentifier, key: Uint8Array): PublicKey {
  const importKey = () => createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  switch (publicKeyAlgorithm(alg.oid)) {
    case 1: {
      if (!alg.params || alg.params.length !== 2 || alg.params[0] !== NULL_PARAMS[0] || alg.params[1] !== 0) {
        throw new DerError("x509: RSA key missing NULL parameters");
      }
      const seq = Der.of(key).read(TAG.SEQUENCE, "x509: invalid RSA public key");
      let n: bigint, e: number;
      try {
        n = seq.integer("x509: invalid RSA modulus");
        e = seq.int("x509: invalid RSA public exponent");
      } catch (err) {
        throw new DerError((err as Error).message.replace(/^malformed /, ""));
      }
      if (n <= 0n) throw new DerError("x509: RSA modulus is not a positive number");
      if (e <= 0) throw new DerError("x509: RSA public exponent is not a positive number");
      return {
        json: { N: bigJson(n), E: e },
        key: tryImport(importKey),
        kind: "rsa",
        rsaBits: n.toString(2).length,
      };
    }
    case 3: {
      let curve: Curve | undefined;
      try {
        curve = alg.params ? curveByOid(Der.of(alg.params).oid()) : undefined;
        if (!alg.params) throw new DerError("");
      } catch {
        throw new DerError("x509: invalid ECDSA parameters");
      }
      if (!curve) throw new DerError("x509: unsupported elliptic curve");
      if (key.length !== 1 + 2 * curve.bytes || key[0] !== 4) {
        throw new DerError("x509: failed to unmarshal elliptic curve point");
      }
      let k: KeyObject;
      try {
        k = importKey(); // checks that the point is on the curve
      } catch {
        throw new DerError("x509: failed to unmarshal elliptic curve point");
      }
      const x = unsignedInteger(key.subarray(1, 1 + curve.bytes));
      const y = unsignedInteger(key.subarray(1 + curve.bytes));
      return { json: { Curve: {}, X: bigJson(x), Y: bigJson(y) }, key: k, kind: "ecdsa", curve: curve.name };
    }
    case 4:
      if (alg.params) throw new DerError("x509: Ed25519 key encoded with illegal parameters");
      if (key.length !== 32) throw new DerError("x509: wrong Ed25519 public key size");
      return { json: encodeStdBase64(key), key: tryImport(importKey), kind: "ed25519" };
    case 2: {
      const y = Der.of(key).integer("x509: invalid DSA public key");
      let p: bigint, q: bigint, g: bigint;
      try {
        const params = Der.of(alg.params ?? new Uint8Array()).read(TAG.SEQUENCE);
        [p, q, g] = [params.integer(), params.integer(), params.integer()];
      } catch {
        throw new DerError("x509: invalid DSA parameters");
      }
      if (y <= 0n || p <= 0n || q <= 0n || g <= 0n) {
        throw new DerError("x509: zero or negative DSA parameter");
      }
      return { json: { P: bigJson(p), Q: bigJson(q), G: bigJson(g), Y: bigJson(y) }, kind: "dsa" };
    }
  }
  throw new DerError("x509: unknown public key algorithm");
}

/** A parsed private key: its Go JSON, and what a key-pair check and a JWK need. */
export interface PrivateKey {
  kind: "rsa" | "ecdsa" | "ed25519" | "x25519";
  json: unknown;
  rsa?: { n: bigint; e: number; d: bigint; p: bigint; q: bigint; dp: bigint; dq: bigint; qi: bigint };
  /** The public key's SPKI DER, to compare with a certificate's. */
  publicSpki?: Uint8Array;
}

function keyErr(message: string): never {
  throw new DerError(message);
}

/** Go's ParsePKCS1PrivateKey. */
export function parsePkcs1(der: Uint8Array): PrivateKey {
  let seq: Der;
  try {
    seq = Der.of(der).read(TAG.SEQUENCE);
    const version = seq.int();
    if (version > 1) keyErr("x509: unsupported private key version");
  } catch (e) {
    if ((e as Error).message.startsWith("x509:")) throw e;
    return keyErr(pkcs1Hint(der));
  }
  let n: bigint, e: number, d: bigint, p: bigint, q: bigint, dp: bigint, dq: bigint, qi: bigint;
  try {
    n = seq.integer();
    e = seq.int();
    [d, p, q, dp, dq, qi] = [
      seq.integer(),
      seq.integer(),
      seq.integer(),
      seq.integer(),
      seq.integer(),
      seq.integer(),
    ];
  } catch {
    return keyErr(pkcs1Hint(der));
  }
  if (!seq.empty()) keyErr("x509: multi-prime RSA keys are not supported here");
  if (n <= 0n || d <= 0n || p <= 0n || q <= 0n) keyErr("x509: private key contains zero or negative value");
  if (p * q !== n) keyErr("crypto/rsa: invalid modulus");
  const rsa = { n, e, d, p, q, dp, dq, qi };
  let publicSpki: Uint8Array | undefined;
  try {
    const k = createPrivateKey({ key: derPem("RSA PRIVATE KEY", der), format: "pem" });
    publicSpki = new Uint8Array(createPublicKey(k).export({ format: "der", type: "spki" }));
  } catch {
    keyErr("crypto/rsa: invalid private key");
  }
  const json = {
    N: bigJson(n),
    E: e,
    D: bigJson(d),
    Primes: [bigJson(p), bigJson(q)],
    Precomputed: { Dp: bigJson(dp), Dq: bigJson(dq), Qinv: bigJson(qi), CRTValues: [] },
  };
  return { kind: "rsa", json, rsa, publicSpki };
}

/** Go's hints when PKCS #1 parsing fails on another format; otherwise an ASN.1 error. */
function pkcs1Hint(der: Uint8Array): string {
  if (looksLikeSec1(der)) {
    return "x509: failed to parse private key (use ParseECPrivateKey instead for this key format)";
  }
  if (looksLikePkcs8(der)) {
    return "x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)";
  }
  return "asn1: structure error: tags don't match";
}

function looksLikeSec1(der: Uint8Array): boolean {
  try {
    const s = Der.of(der).read(TAG.SEQUENCE);
    s.int();
    s.bytes(TAG.OCTET_STRING);
    return true;
  } catch {
    return false;
  }
}

function looksLikePkcs8(der: Uint8Array): boolean {
  try {
    const s = Der.of(der).read(TAG.SEQUENCE);
    s.int();
    s.read(TAG.SEQUENCE);
    s.bytes(TAG.OCTET_STRING);
    return true;
  } catch {
    return false;
  }
}

function derPem(type: string, der: Uint8Array): string {
  return `-----BEGIN ${type}-----\n${
    encodeStdBase64(der).replace(/.{1,64}/g, "$&\n")
  }-----END ${type}-----\n`;
}

/** Go's parseECPrivateKey (SEC 1), with the curve from the PKCS #8 wrapper if given. */
export function parseSec1(der: Uint8Array, outerCurveOid?: readonly number[]): PrivateKey {
  let seq: Der, version: number, priv: Uint8Array, curveOid: number[] | undefined;
  try {
    seq = Der.of(der).read(TAG.SEQUENCE);
    version = seq.int();
    priv = seq.bytes(TAG.OCTET_STRING);
    const params = seq.optional(0xa0);
    curveOid = params ? params.oid() : undefined;
  } catch {
    if (looksLikePkcs8(der)) {
      keyErr("x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)");
    }
    return keyErr("x509: failed to parse EC private key: asn1: structure error");
  }
  if (version !== 1) keyErr(`x509: unknown EC private key version ${version}`);
  const curve = curveByOid(outerCurveOid ?? curveOid ?? []);
  if (!curve) keyErr("x509: unknown elliptic curve");
  const d = unsignedInteger(priv);
  if (d >= curve.order) keyErr("x509: invalid elliptic curve private key value");
  // The public point is computed from D, as Go does (the optional public key field is ignored):
  // OpenSSL derives it when the SEC 1 structure carries none.
  let jwk: { x?: string; y?: string };
  let publicSpki: Uint8Array;
  try {
    const padded = new Uint8Array(curve.bytes);
    padded.set(priv.subarray(Math.max(0, priv.length - curve.bytes)), Math.max(0, curve.bytes - priv.length));
    const oidDer = derTlv(TAG.OID, oidBody(curve.oid));
    const sec1 = derTlv(
      TAG.SEQUENCE,
      concat(derTlv(TAG.INTEGER, [1]), derTlv(TAG.OCTET_STRING, padded), derTlv(0xa0, oidDer)),
    );
    const pub = createPublicKey(createPrivateKey({ key: Buffer.from(sec1), format: "der", type: "sec1" }));
    jwk = pub.export({ format: "jwk" });
    publicSpki = new Uint8Array(pub.export({ format: "der", type: "spki" }));
  } catch {
    return keyErr("x509: invalid elliptic curve private key value");
  }
  const coord = (s: string) => unsignedInteger(fromB64url(s));
  return {
    kind: "ecdsa",
    json: { Curve: {}, X: bigJson(coord(jwk.x!)), Y: bigJson(coord(jwk.y!)), D: bigJson(d) },
    publicSpki,
  };
}

function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function derTlv(tag: number, body: ArrayLike<number>): Uint8Array {
  const n = body.length;
  const len = n < 128 ? [n] : n < 256 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return concat([tag], len, body);
}

function oidBody(dotted: string): number[] {
  const parts = dotted.split(".").map(Number);
  const out: number[] = [];
  const push = (v: number) => {
    const bytes = [v & 0x7f];
    for (v = Math.floor(v / 128); v > 0; v = Math.floor(v / 128)) bytes.unshift((v & 0x7f) | 0x80);
    out.push(...bytes);
  };
  push(parts[0] * 40 + parts[1]);
  parts.slice(2).forEach(push);
  return out;
}

function fromB64url(s: string): Uint8Array {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** Go's ParsePKCS8PrivateKey. */
export function parsePkcs8(der: Uint8Array): PrivateKey {
  let alg: AlgorithmIdentifier, inner: Uint8Array;
  try {
    const seq = Der.of(der).read(TAG.SEQUENCE);
    seq.int();
    alg = parseAlgorithm(seq.read(TAG.SEQUENCE));
    inner = seq.bytes(TAG.OCTET_STRING);
  } catch {
    if (looksLikeSec1(der)) {
      keyErr("x509: failed to parse private key (use ParseECPrivateKey instead for this key format)");
    }
    return keyErr("x509: failed to parse private key (use ParsePKCS1PrivateKey instead for this key format)");
  }
  const oid = alg.oid;
  if (sameOid(oid, [...OID.rsa])) {
    try {
      return parsePkcs1(inner);
    } catch (e) {
      return keyErr("x509: failed to parse RSA private key embedded in PKCS#8: " + (e as Error).message);
    }
  }
  if (sameOid(oid, [...OID.ecdsa])) {
    let curveOid: number[];
    try {
      curveOid = Der.of(alg.params ?? new Uint8Array()).oid();
    } catch {
      return keyErr("x509: failed to parse EC private key embedded in PKCS#8: invalid parameters");
    }
    try {
      return parseSec1(inner, curveOid);
    } catch (e) {
      return keyErr("x509: failed to parse EC private key embedded in PKCS#8: " + (e as Error).message);
    }
  }
  if (sameOid(oid, [...OID.ed25519]) || sameOid(oid, [...OID.x25519])) {
    const ed = sameOid(oid, [...OID.ed25519]);
    if (alg.params) keyErr(`x509: invalid ${ed ? "Ed25519" : "X25519"} private key parameters`);
    let seed: Uint8Array;
    try {
      seed = Der.of(inner).bytes(TAG.OCTET_STRING);
    } catch {
      return keyErr(`x509: invalid ${ed ? "Ed25519" : "X25519"} private key: asn1: structure error`);
    }
    if (seed.length !== 32) {
      keyErr(ed ? `ed25519: bad seed length: ${seed.length}` : "crypto/ecdh: invalid private key size");
    }
    const k = createPrivateKey({ key: derPem("PRIVATE KEY", der), format: "pem" });
    const publicSpki = new Uint8Array(createPublicKey(k).export({ format: "der", type: "spki" }));
    if (!ed) return { kind: "x25519", json: {}, publicSpki };
    const pub = publicSpki.subarray(publicSpki.length - 32);
    const full = new Uint8Array(64);
    full.set(seed);
    full.set(pub, 32);
    return { kind: "ed25519", json: encodeStdBase64(full), publicSpki };
  }
  return keyErr(`x509: PKCS#8 wrapping contained private key with unknown algorithm: ${oidString(oid)}`);
}
