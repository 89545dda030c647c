/**
 * Certificate requests (PKCS #10) as Go's x509.ParseCertificateRequest reads them and
 * encoding/json writes x509.CertificateRequest. The signature is not checked (Go does not either).
 */
import { Der, DerError, derInteger, oidComponents, oidString, TAG } from "./der.ts";
import { type Extension, forEachSan, parseExtension } from "./certificate.ts";
import { parseAlgorithm, parsePublicKey, publicKeyAlgorithm } from "./keys.ts";
import { asn1String, parseName } from "./name.ts";
import { encodeStdBase64 } from "./pem.ts";
import { parseUrl, urlJson } from "../go_url.ts";
import { signatureAlgorithm } from "./signature.ts";
import { ipString } from "./names_match.ts";

const EXTENSION_REQUEST = "1.2.840.113549.1.9.14";

/** A value as encoding/asn1 unmarshals it into `any`. */
function anyValue(tag: number, body: Der): unknown {
  const b = body.rest();
  switch (tag) {
    case TAG.BOOLEAN:
      if (b.length !== 1) throw new DerError("invalid boolean");
      return b[0] !== 0;
    case TAG.INTEGER: {
      const n = derInteger(b);
      return n >= -(2n ** 63n) && n < 2n ** 63n ? Number(n) : Number(n);
    }
    case TAG.OCTET_STRING:
      return encodeStdBase64(b);
    case TAG.OID:
      return oidComponents(b);
    case TAG.NULL:
      return null;
    case TAG.UTF8String:
    case TAG.PrintableString:
    case TAG.IA5String:
    case TAG.T61String:
    case TAG.NumericString:
    case TAG.BMPString:
      return asn1String(tag, b);
  }
  throw new DerError("unsupported type");
}

/** pkix.AttributeTypeAndValueSET, or undefined when the attribute does not have that shape. */
function attributeSet(raw: Uint8Array): unknown {
  try {
    const d = Der.of(raw);
    const seq = d.read(TAG.SEQUENCE);
    if (!d.empty()) return undefined;
    const type = seq.oid();
    const set = seq.read(TAG.SET);
    const value: unknown[][] = [];
    while (!set.empty()) {
      const inner = set.read(TAG.SEQUENCE);
      const atvs: unknown[] = [];
      while (!inner.empty()) {
        const atv = inner.read(TAG.SEQUENCE);
        const t = atv.oid();
        const v = atv.any();
        atvs.push({ Type: t, Value: anyValue(v.tag, v.body) });
      }
      value.push(atvs);
    }
    return { Type: type, Value: value };
  } catch {
    return undefined;
  }
}

/** Go's parseCSRExtensions. */
function csrExtensions(rawAttributes: Uint8Array[]): Extension[] {
  const out: Extension[] = [];
  const seen = new Set<string>();
  for (const raw of rawAttributes) {
    let id: number[], firstValue: Uint8Array;
    try {
      const d = Der.of(raw);
      const seq = d.read(TAG.SEQUENCE);
      if (!d.empty()) continue;
      id = seq.oid();
      const values = seq.read(TAG.SET);
      if (values.empty()) continue;
      firstValue = values.any().raw;
    } catch {
      continue;
    }
    if (oidString(id) !== EXTENSION_REQUEST) continue;
    const exts = Der.of(firstValue).read(TAG.SEQUENCE, "asn1: structure error");
    while (!exts.empty()) {
      const ext = parseExtension(exts.read(TAG.SEQUENCE, "asn1: structure error"));
      const key = oidString(ext.id);
      if (seen.has(key)) {
        throw new DerError("x509: certificate request contains duplicate requested extensions");
      }
      seen.add(key);
      out.push(ext);
    }
  }
  return out;
}

/** The request as Go's encoding/json writes x509.CertificateRequest. */
export function parseCertificateRequest(der: Uint8Array): Record<string, unknown> {
  const input = Der.of(der);
  const outerEl = input.element(TAG.SEQUENCE, "asn1: structure error");
  if (!input.empty()) throw new DerError("asn1: syntax error: trailing data");
  const outer = outerEl.body;
  const tbsEl = outer.element(TAG.SEQUENCE, "asn1: structure error");
  const tbs = tbsEl.body;
  const version = tbs.int("asn1: structure error");
  const subjectEl = tbs.element(TAG.SEQUENCE, "asn1: structure error");
  const spkiEl = tbs.element(TAG.SEQUENCE, "asn1: structure error");
  const attrs = tbs.read(0xa0, "asn1: structure error");
  const rawAttributes: Uint8Array[] = [];
  while (!attrs.empty()) rawAttributes.push(attrs.any("asn1: structure error").raw);
  const sigAlg = parseAlgorithm(outer.read(TAG.SEQUENCE, "asn1: structure error"));
  const signature = outer.bitString("asn1: structure error");

  const spki = spkiEl.body;
  const pkAlg = parseAlgorithm(spki.read(TAG.SEQUENCE, "asn1: structure error"));
  const pkBits = spki.bitString("asn1: structure error");
  const pkAlgorithm = publicKeyAlgorithm(pkAlg.oid);
  const publicKey = pkAlgorithm === 0 ? null : parsePublicKey(spkiEl.raw, pkAlg, pkBits.bytes).json;

  const attributes = rawAttributes.map(attributeSet).filter((a) => a !== undefined);
  const extensions = csrExtensions(rawAttributes);
  const dns: string[] = [], emails: string[] = [], ips: string[] = [], uris: unknown[] = [];
  for (const e of extensions) {
    if (oidString(e.id) !== "2.5.29.17") continue;
    forEachSan(e.value, (type, data) => {
      const s = String.fromCharCode(...data);
      if (type === 1) emails.push(s);
      else if (type === 2) dns.push(s);
      else if (type === 6) uris.push(urlJson(parseUrl(s)));
      else if (type === 7) {
        if (data.length !== 4 && data.length !== 16) {
          throw new DerError(`x509: cannot parse IP address of length ${data.length}`);
        }
        ips.push(ipString(data));
      }
    });
  }
  const orNull = <T>(xs: T[]) => (xs.length === 0 ? null : xs);
  return {
    Raw: encodeStdBase64(outerEl.raw),
    RawTBSCertificateRequest: encodeStdBase64(tbsEl.raw),
    RawSubjectPublicKeyInfo: encodeStdBase64(spkiEl.raw),
    RawSubject: encodeStdBase64(subjectEl.raw),
    Version: version,
    Signature: encodeStdBase64(signature.bytes),
    SignatureAlgorithm: signatureAlgorithm(sigAlg),
    PublicKeyAlgorithm: pkAlgorithm,
    PublicKey: publicKey,
    Subject: parseName(subjectEl.raw),
    Attributes: orNull(attributes),
    Extensions: extensions.length === 0
      ? null
      : extensions.map((e) => ({ Id: e.id, Critical: e.critical, Value: encodeStdBase64(e.value) })),
    ExtraExtensions: null,
    DNSNames: orNull(dns),
    EmailAddresses: orNull(emails),
    IPAddresses: orNull(ips),
    URIs: orNull(uris),
  };
}
