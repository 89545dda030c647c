/**
 * Signature algorithms as Go's crypto/x509 names them (x509.SignatureAlgorithm numbers, RSA-PSS
 * only in the three shapes Go accepts) and Go's checkSignature: MD2, MD5 and SHA-1 signatures are
 * refused as insecure, DSA is not verified, RSA keys below 1024 bits are refused (Go 1.24).
 */
import { constants, verify } from "node:crypto";
import { Buffer } from "node:buffer";
import { Der, DerError, oidString, TAG } from "./der.ts";
import type { AlgorithmIdentifier, PublicKey } from "./keys.ts";
import { parseAlgorithm } from "./keys.ts";

const BY_OID: Record<string, number> = {
  "1.2.840.113549.1.1.2": 1, // MD2WithRSA
  "1.2.840.113549.1.1.4": 2, // MD5WithRSA
  "1.2.840.113549.1.1.5": 3, // SHA1WithRSA
  "1.3.14.3.2.29": 3, // SHA1WithRSA (ISO)
  "1.2.840.113549.1.1.11": 4, // SHA256WithRSA
  "1.2.840.113549.1.1.12": 5, // SHA384WithRSA
  "1.2.840.113549.1.1.13": 6, // SHA512WithRSA
  "1.2.840.10040.4.3": 7, // DSAWithSHA1
  "2.16.840.1.101.3.4.3.2": 8, // DSAWithSHA256
  "1.2.840.10045.4.1": 9, // ECDSAWithSHA1
  "1.2.840.10045.4.3.2": 10, // ECDSAWithSHA256
  "1.2.840.10045.4.3.3": 11, // ECDSAWithSHA384
  "1.2.840.10045.4.3.4": 12, // ECDSAWithSHA512
  "1.3.101.112": 16, // PureEd25519
};
const PSS = "1.2.840.113549.1.1.10";
const MGF1 = "1.2.840.113549.1.1.8";
const SHA256 = "2.16.840.1.101.3.4.2.1";
const SHA384 = "2.16.840.1.101.3.4.2.2";
const SHA512 = "2.16.840.1.101.3.4.2.3";

const nullOrAbsent = (p?: Uint8Array) => p === undefined || (p.length === 2 && p[0] === 5 && p[1] === 0);

/** Go's getSignatureAlgorithmFromAI. */
export function signatureAlgorithm(ai: AlgorithmIdentifier): number {
  const oid = oidString(ai.oid);
  if (oid === "1.3.101.112" && ai.params !== undefined) return 0;
  if (oid !== PSS) return BY_OID[oid] ?? 0;
  try {
    const seq = Der.of(ai.params ?? new Uint8Array()).read(TAG.SEQUENCE);
    const hash = parseAlgorithm(seq.read(0xa0).read(TAG.SEQUENCE));
    const mgf = parseAlgorithm(seq.read(0xa1).read(TAG.SEQUENCE));
    const salt = seq.read(0xa2).int();
    const trailer = seq.peek(0xa3) ? seq.read(0xa3).int() : 1;
    const mgfHash = parseAlgorithm(Der.of(mgf.params ?? new Uint8Array()).read(TAG.SEQUENCE));
    if (
      !nullOrAbsent(hash.params) || oidString(mgf.oid) !== MGF1 ||
      oidString(mgfHash.oid) !== oidString(hash.oid) ||
      !nullOrAbsent(mgfHash.params) || trailer !== 1
    ) return 0;
    const h = oidString(hash.oid);
    if (h === SHA256 && salt === 32) return 13;
    if (h === SHA384 && salt === 48) return 14;
    if (h === SHA512 && salt === 64) return 15;
    return 0;
  } catch (e) {
    if (e instanceof DerError) return 0;
    throw e;
  }
}

const HASH: Record<number, string | null> = {
  4: "sha256",
  5: "sha384",
  6: "sha512",
  8: "sha256",
  10: "sha256",
  11: "sha384",
  12: "sha512",
  13: "sha256",
  14: "sha384",
  15: "sha512",
  16: null,
};
const NAMES: Record<number, string> = {
  1: "MD2-RSA",
  2: "MD5-RSA",
  3: "SHA1-RSA",
  7: "DSA-SHA1",
  9: "ECDSA-SHA1",
};

/** Go's checkSignature (SHA-1 not allowed); throws with Go's error text on failure. */
export function checkSignature(
  algo: number,
  signed: Uint8Array,
  signature: Uint8Array,
  key: PublicKey,
): void {
  if (NAMES[algo] !== undefined) {
    throw new DerError(`x509: cannot verify signature: insecure algorithm ${NAMES[algo]}`);
  }
  if (!(algo in HASH)) throw new DerError("x509: cannot verify signature: algorithm unimplemented");
  const family = algo <= 6 || (algo >= 13 && algo <= 15)
    ? "rsa"
    : algo <= 8
    ? "dsa"
    : algo <= 12
    ? "ecdsa"
    : "ed25519";
  if (family !== key.kind) {
    throw new DerError(
      "x509: signature algorithm specifies an " + family + " public key, but have public key of type " +
        key.kind,
    );
  }
  if (key.kind === "dsa") {
    throw new DerError("x509: cannot verify signature: DSA verification not implemented");
  }
  if (key.kind === "rsa" && (key.rsaBits ?? 0) < 1024) {
    throw new DerError(
      `crypto/rsa: ${key.rsaBits}-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)`,
    );
  }
  if (key.key === undefined) throw new DerError("x509: cannot verify signature: unusable public key");
  const data = Buffer.from(signed);
  const sig = Buffer.from(signature);
  let ok: boolean;
  try {
    if (algo >= 13 && algo <= 15) {
      const saltLength = { 13: 32, 14: 48, 15: 64 }[algo]!;
      ok = verify(
        HASH[algo]!,
        data,
        { key: key.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength },
        sig,
      );
    } else {
      ok = verify(HASH[algo], data, key.key, sig);
    }
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new DerError(
      key.kind === "rsa"
        ? "crypto/rsa: verification error"
        : key.kind === "ecdsa"
        ? "x509: ECDSA verification failure"
        : "x509: Ed25519 verification failure",
    );
  }
}
