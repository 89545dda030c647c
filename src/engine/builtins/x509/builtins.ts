/**
 * crypto.x509.* and crypto.parse_private_keys as OPA implements them (topdown/crypto.go): the
 * input handling (PEM, base64 of PEM, base64 of DER), Go's structures as encoding/json writes them,
 * and verification with the first certificate as root and the last as leaf.
 */
import type { HostBuiltin } from "../host_builtin.ts";
import { fail, isObject, obj, str } from "../operands.ts";
import { RegoSet } from "../rego_set.ts";
import { bigJson, parsePkcs1, parsePkcs8, parseSec1, type PrivateKey } from "./keys.ts";
import { type Certificate, certificateJson, parseCertificate, parseCertificates } from "./certificate.ts";
import { parseCertificateRequest } from "./csr.ts";
import { decodeStdBase64, encodeStdBase64, pemDecode, startsWith, utf8 } from "./pem.ts";
import { urlString } from "../go_url.ts";
import { UnsupportedError, verifyChain, type VerifyOptions } from "./verify.ts";

/** Any failure of Go's parsing as a built-in error with its message. */
function guard<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Error && !(e instanceof TypeError) && !(e instanceof RangeError)) fail(name, e.message);
    throw e;
  }
}

function base64OrFail(s: string | Uint8Array): Uint8Array {
  const b = decodeStdBase64(s);
  if (b === undefined) throw new Error("illegal base64 data at input byte 0");
  return b;
}

/** OPA's getX509CertsFromPem: every block must be a CERTIFICATE. */
function certsFromPem(data: Uint8Array): Certificate[] {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const r = pemDecode(data);
    if (r !== undefined && r.block.type !== "CERTIFICATE") {
      throw new Error(`PEM block type is '${r.block.type}', expected CERTIFICATE`);
    }
    if (r === undefined) break;
    data = r.rest;
    chunks.push(r.block.bytes);
  }
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return parseCertificates(all);
}

/** OPA's getX509CertsFromString. */
function certsFromString(s: string): Certificate[] {
  if (s.startsWith("-----BEGIN")) return certsFromPem(utf8(s));
  const der = base64OrFail(s);
  if (startsWith(der, "-----BEGIN")) return certsFromPem(der);
  return parseCertificates(der);
}

/** OPA's extendedCert: the certificate with URIStrings. */
function extendedJson(c: Certificate): Record<string, unknown> {
  return { ...certificateJson(c), URIStrings: c.uris.length === 0 ? null : c.uris.map(urlString) };
}

/** OPA's getPrivateKeysFromPEMData. */
function privateKeysFromPem(input: string): PrivateKey[] {
  let bs = decodeStdBase64(input) ?? utf8(input);
  const keys: PrivateKey[] = [];
  while (bs.length > 0) {
    const r = pemDecode(bs);
    if (r === undefined) break; // pem.Decode leaves the input as it was: the loop ends
    bs = r.rest;
    switch (r.block.type) {
      case "RSA PRIVATE KEY":
        keys.push(parsePkcs1(r.block.bytes));
        break;
      case "PRIVATE KEY":
        keys.push(parsePkcs8(r.block.bytes));
        break;
      case "EC PRIVATE KEY":
        keys.push(parseSec1(r.block.bytes));
        break;
    }
  }
  return keys;
}

const KEY_USAGES: Record<string, number> = {
  KeyUsageAny: 0,
  KeyUsageServerAuth: 1,
  KeyUsageClientAuth: 2,
  KeyUsageCodeSigning: 3,
  KeyUsageEmailProtection: 4,
  KeyUsageIPSECEndSystem: 5,
  KeyUsageIPSECTunnel: 6,
  KeyUsageIPSECUser: 7,
  KeyUsageTimeStamping: 8,
  KeyUsageOCSPSigning: 9,
  KeyUsageMicrosoftServerGatedCrypto: 10,
  KeyUsageNetscapeServerGatedCrypto: 11,
  KeyUsageMicrosoftCommercialCodeSigning: 12,
  KeyUsageMicrosoftKernelCodeSigning: 13,
};

const trimQuotes = (s: string) => s.replace(/^"+|"+$/g, "");

/** OPA's extractVerifyOpts, with its error texts. */
function verifyOptions(name: string, options: Record<string, unknown>): VerifyOptions {
  const opts: VerifyOptions = { dnsName: "", keyUsages: [], maxConstraintComparisons: 0 };
  for (const key of Object.keys(options).sort()) {
    const v = options[key];
    switch (key) {
      case "DNSName":
        if (typeof v !== "string") fail(name, "'DNSName' should be a string");
        opts.dnsName = trimQuotes(v as string);
        break;
      case "CurrentTime":
        if (typeof v !== "number") fail(name, "'CurrentTime' should be a number");
        if (!Number.isInteger(v) || Math.abs(v as number) >= 2 ** 63) {
          fail(name, "'CurrentTime' should be a valid int64 number");
        }
        opts.currentTimeNs = BigInt(v as number);
        break;
      case "MaxConstraintComparisons":
        if (typeof v !== "number") fail(name, "'MaxConstraintComparisons' should be a number");
        if (!Number.isInteger(v)) fail(name, "'MaxConstraintComparisons' should be a valid number");
        opts.maxConstraintComparisons = v as number;
        break;
      case "KeyUsages": {
        const items = v instanceof RegoSet
          ? v.items
          : Array.isArray(v)
          ? v
          : fail(name, "'KeyUsages' should be an Array or Set");
        const invalid: string[] = [];
        for (const u of items) {
          if (typeof u !== "string") continue;
          const k = trimQuotes(u);
          if (k in KEY_USAGES) opts.keyUsages.push(KEY_USAGES[k]);
          else invalid.push(k);
        }
        if (invalid.length > 0) fail(name, `invalid entries for 'KeyUsages' found: [${invalid.join(" ")}]`);
        break;
      }
      default:
        fail(name, "invalid key option");
    }
  }
  return opts;
}

/** Verifies; [true, chain] or [false, []] as OPA answers, an error where this gateway cannot judge. */
function verified(name: string, input: string, opts: VerifyOptions, json: (c: Certificate) => unknown) {
  let certs: Certificate[];
  try {
    certs = certsFromString(input);
  } catch {
    return [false, []];
  }
  try {
    return [true, verifyChain(certs, opts).map(json)];
  } catch (e) {
    if (e instanceof UnsupportedError) fail(name, e.message);
    return [false, []];
  }
}

/** OPA's getTLSx509KeyPairFromString and Go's tls.X509KeyPair. */
function keyPair(certIn: string, keyIn: string): Record<string, unknown> {
  let certPem = utf8(certIn), keyPem = utf8(keyIn);
  if (!startsWith(certPem, "-----BEGIN ")) certPem = base64OrFail(certIn);
  if (!startsWith(keyPem, "-----BEGIN ")) keyPem = base64OrFail(keyIn);
  const wrap = (type: string, der: Uint8Array) =>
    utf8(
      `-----BEGIN ${type}-----\n${encodeStdBase64(der).replace(/.{1,64}/g, "$&\n")}-----END ${type}-----\n`,
    );
  if (!startsWith(certPem, "-----BEGIN ")) certPem = wrap("CERTIFICATE", certPem);
  if (!startsWith(keyPem, "-----BEGIN")) keyPem = wrap("PRIVATE KEY", keyPem);

  const ders: Uint8Array[] = [];
  let skipped: string[] = [];
  for (let r = pemDecode(certPem); r !== undefined; r = pemDecode(r.rest)) {
    if (r.block.type === "CERTIFICATE") ders.push(r.block.bytes);
    else skipped.push(r.block.type);
  }
  if (ders.length === 0) {
    if (skipped.length === 0) throw new Error("tls: failed to find any PEM data in certificate input");
    if (skipped.length === 1 && skipped[0].endsWith("PRIVATE KEY")) {
      throw new Error(
        "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched",
      );
    }
    throw new Error(
      `tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [${
        skipped.join(" ")
      }]`,
    );
  }
  skipped = [];
  let keyDer: Uint8Array | undefined;
  for (let r = pemDecode(keyPem);; r = pemDecode(r.rest)) {
    if (r === undefined) {
      if (skipped.length === 0) throw new Error("tls: failed to find any PEM data in key input");
      if (skipped.length === 1 && skipped[0] === "CERTIFICATE") {
        throw new Error("tls: found a certificate rather than a key in the PEM for the private key");
      }
      throw new Error(
        `tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [${
          skipped.join(" ")
        }]`,
      );
    }
    if (r.block.type === "PRIVATE KEY" || r.block.type.endsWith(" PRIVATE KEY")) {
      keyDer = r.block.bytes;
      break;
    }
    skipped.push(r.block.type);
  }
  const leaf = parseCertificate(ders[0]);
  if (leaf.raw.length !== ders[0].length) throw new Error("x509: trailing data");
  const key = tlsPrivateKey(keyDer);
  const pub = leaf.publicKey;
  if (pub === undefined || pub.kind === "dsa") throw new Error("tls: unknown public key algorithm");
  if (pub.kind !== key.kind) throw new Error("tls: private key type does not match public key type");
  const certSpki = pub.key?.export({ format: "der", type: "spki" });
  const same = certSpki !== undefined && key.publicSpki !== undefined &&
    certSpki.length === key.publicSpki.length && key.publicSpki.every((b, i) => b === certSpki[i]);
  if (!same) throw new Error("tls: private key does not match public key");
  return {
    Certificate: ders.map(encodeStdBase64),
    PrivateKey: key.json,
    SupportedSignatureAlgorithms: null,
    OCSPStaple: null,
    SignedCertificateTimestamps: null,
    Leaf: certificateJson(leaf),
  };
}

/** crypto/tls parsePrivateKey: PKCS #1, then PKCS #8 (RSA, ECDSA, Ed25519), then SEC 1. */
function tlsPrivateKey(der: Uint8Array): PrivateKey {
  try {
    return parsePkcs1(der);
  } catch { /* next */ }
  try {
    const k = parsePkcs8(der);
    if (k.kind === "x25519") throw new Error("tls: found unknown private key type in PKCS#8 wrapping");
    return k;
  } catch (e) {
    if ((e as Error).message.startsWith("tls:")) throw e;
  }
  try {
    return parseSec1(der);
  } catch {
    throw new Error("tls: failed to parse private key");
  }
}

const b64url = (n: bigint) => {
  let hex = n.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  const bytes = Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
  return encodeStdBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

/** OPA's internal jwk.New as JSON: RSA keys in full, EC keys as only their type. */
function jwkOf(key: PrivateKey): unknown {
  if (key.kind === "rsa" && key.rsa) {
    const k = key.rsa;
    return {
      kty: "RSA",
      n: b64url(k.n),
      e: b64url(BigInt(k.e)),
      d: b64url(k.d),
      p: b64url(k.p),
      q: b64url(k.q),
      dp: b64url(k.dp),
      dq: b64url(k.dq),
      qi: b64url(k.qi),
    };
  }
  if (key.kind === "ecdsa") return { kty: "EC" };
  throw new Error(`invalid key type ${key.kind === "ed25519" ? "ed25519.PrivateKey" : "*ecdh.PrivateKey"}`);
}

export const X509_BUILTINS: Record<string, HostBuiltin> = {
  "crypto.x509.parse_certificates": (input) => {
    const name = "crypto.x509.parse_certificates";
    const s = str(name, input, 1);
    return guard(name, () => certsFromString(s).map(extendedJson));
  },
  "crypto.x509.parse_and_verify_certificates": (input) => {
    const name = "crypto.x509.parse_and_verify_certificates";
    const s = str(name, input, 1);
    return verified(name, s, { dnsName: "", keyUsages: [], maxConstraintComparisons: 0 }, extendedJson);
  },
  "crypto.x509.parse_and_verify_certificates_with_options": (input, options) => {
    const name = "crypto.x509.parse_and_verify_certificates_with_options";
    const s = str(name, input, 1);
    const o = obj(name, options, 2);
    let certs: Certificate[];
    try {
      certs = certsFromString(s);
    } catch {
      return [false, []];
    }
    const opts = verifyOptions(name, o);
    try {
      return [true, verifyChain(certs, opts).map(certificateJson)];
    } catch (e) {
      if (e instanceof UnsupportedError) fail(name, e.message);
      return [false, []];
    }
  },
  "crypto.x509.parse_keypair": (cert, key) => {
    const name = "crypto.x509.parse_keypair";
    const c = str(name, cert, 1);
    const k = str(name, key, 1);
    return guard(name, () => keyPair(c, k));
  },
  "crypto.x509.parse_certificate_request": (input) => {
    const name = "crypto.x509.parse_certificate_request";
    const s = str(name, input, 1);
    return guard(name, () => {
      let bytes = utf8(s);
      if (!s.startsWith("-----BEGIN CERTIFICATE REQUEST-----")) bytes = base64OrFail(s);
      const p = pemDecode(bytes);
      if (p !== undefined && p.block.type !== "CERTIFICATE REQUEST") {
        throw new Error("invalid PEM-encoded certificate signing request");
      }
      return parseCertificateRequest(p !== undefined ? p.block.bytes : bytes);
    });
  },
  "crypto.x509.parse_rsa_private_key": (input) => {
    const name = "crypto.x509.parse_rsa_private_key";
    let s = str(name, input, 1);
    return guard(name, () => {
      if (s === "") throw new Error("input PEM data was empty");
      if (!s.startsWith("-----BEGIN")) s = new TextDecoder().decode(base64OrFail(s));
      const keys = privateKeysFromPem(s);
      return keys.length === 0 ? null : jwkOf(keys[0]);
    });
  },
  "crypto.parse_private_keys": (input) => {
    const name = "crypto.parse_private_keys";
    const s = str(name, input, 1);
    if (s === "") return null;
    return guard(name, () => privateKeysFromPem(s).map((k) => k.json));
  },
};

export { bigJson, isObject };
