/**
 * Certificates as Go's crypto/x509 ParseCertificate reads them (same checks, same error texts
 * where they surface) and as encoding/json writes x509.Certificate (every exported field, the
 * field set of Go 1.24: Policies, PolicyMappings and the policy constraint fields included).
 */
import {
  Der,
  DerError,
  type GoTime,
  goTimeJson,
  latin1,
  oidBigComponents,
  oidComponents,
  oidString,
  sameOid,
  TAG,
} from "./der.ts";
import { bigJson, parseAlgorithm, parsePublicKey, type PublicKey, publicKeyAlgorithm } from "./keys.ts";
import { type GoName, parseName } from "./name.ts";
import { encodeStdBase64 } from "./pem.ts";
import { type GoUrl, parseUrl, urlJson } from "../go_url.ts";
import { signatureAlgorithm } from "./signature.ts";
import { domainToReverseLabels, ipString, parseRfc2821Mailbox } from "./names_match.ts";

export interface Extension {
  id: number[];
  critical: boolean;
  value: Uint8Array;
}

export interface IpNet {
  ip: Uint8Array;
  mask: Uint8Array;
}

/** What verification needs, next to the JSON. */
export interface Certificate {
  raw: Uint8Array;
  rawTbs: Uint8Array;
  rawSpki: Uint8Array;
  rawSubject: Uint8Array;
  rawIssuer: Uint8Array;
  signature: Uint8Array;
  signatureAlgorithm: number;
  publicKeyAlgorithm: number;
  publicKey?: PublicKey;
  version: number;
  serial: bigint;
  subject: GoName;
  issuer: GoName;
  notBefore: GoTime;
  notAfter: GoTime;
  keyUsage: number;
  extensions: Extension[];
  unhandledCritical: number[][];
  extKeyUsage: number[];
  unknownExtKeyUsage: number[][];
  basicConstraintsValid: boolean;
  isCA: boolean;
  maxPathLen: number;
  subjectKeyId?: Uint8Array;
  authorityKeyId?: Uint8Array;
  ocsp: string[];
  issuingUrls: string[];
  dnsNames: string[];
  emails: string[];
  ips: Uint8Array[];
  uris: GoUrl[];
  /** The raw value of the subjectAltName extension, if any. */
  san?: Uint8Array;
  permittedCritical: boolean;
  permittedDns: string[];
  excludedDns: string[];
  permittedIps: IpNet[];
  excludedIps: IpNet[];
  permittedEmails: string[];
  excludedEmails: string[];
  permittedUris: string[];
  excludedUris: string[];
  hasNameConstraints: boolean;
  crlDistributionPoints: string[];
  policies?: bigint[][];
  policyIdentifiers?: bigint[][];
  policyMappings: { issuer: bigint[]; subject: bigint[] }[];
  inhibitAnyPolicy: number;
  inhibitAnyPolicyZero: boolean;
  inhibitPolicyMapping: number;
  inhibitPolicyMappingZero: boolean;
  requireExplicitPolicy: number;
  requireExplicitPolicyZero: boolean;
}

function fail(message: string): never {
  throw new DerError(message);
}

/** Re-labels a reader error with Go's message for the field. */
function field<T>(message: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof DerError && e.message.startsWith("x509:")) throw e;
    return fail(message);
  }
}

const EKU_OIDS: [number, string][] = [
  [0, "2.5.29.37.0"],
  [1, "1.3.6.1.5.5.7.3.1"],
  [2, "1.3.6.1.5.5.7.3.2"],
  [3, "1.3.6.1.5.5.7.3.3"],
  [4, "1.3.6.1.5.5.7.3.4"],
  [5, "1.3.6.1.5.5.7.3.5"],
  [6, "1.3.6.1.5.5.7.3.6"],
  [7, "1.3.6.1.5.5.7.3.7"],
  [8, "1.3.6.1.5.5.7.3.8"],
  [9, "1.3.6.1.5.5.7.3.9"],
  [10, "1.3.6.1.4.1.311.10.3.3"],
  [11, "2.16.840.1.113730.4.1"],
  [12, "1.3.6.1.4.1.311.2.1.22"],
  [13, "1.3.6.1.4.1.311.61.1.1"],
];

const ia5 = (b: Uint8Array) => b.every((c) => c < 0x80);
const text = latin1;

/** Go's forEachSAN: (name type, data) for each GeneralName. */
export function forEachSan(value: Uint8Array, f: (type: number, data: Uint8Array) => void): void {
  const seq = field("x509: invalid subject alternative names", () => Der.of(value).read(TAG.SEQUENCE));
  while (!seq.empty()) {
    const el = field("x509: invalid subject alternative name", () => seq.any());
    f(el.tag ^ 0x80, el.body.rest());
  }
}

function parseSan(cert: Certificate, value: Uint8Array): void {
  forEachSan(value, (type, data) => {
    switch (type) {
      case 1:
        if (!ia5(data)) fail("x509: SAN rfc822Name is malformed");
        cert.emails.push(text(data));
        break;
      case 2:
        if (!ia5(data)) fail("x509: SAN dNSName is malformed");
        cert.dnsNames.push(text(data));
        break;
      case 6: {
        if (!ia5(data)) fail("x509: SAN uniformResourceIdentifier is malformed");
        const s = text(data);
        let uri: GoUrl;
        try {
          uri = parseUrl(s);
        } catch (e) {
          return fail(`x509: cannot parse URI ${JSON.stringify(s)}: ${(e as Error).message}`);
        }
        if (uri.Host.length > 0 && domainToReverseLabels(uri.Host) === undefined) {
          fail(`x509: cannot parse URI ${JSON.stringify(s)}: invalid domain`);
        }
        cert.uris.push(uri);
        break;
      }
      case 7:
        if (data.length !== 4 && data.length !== 16) {
          fail(`x509: cannot parse IP address of length ${data.length}`);
        }
        cert.ips.push(data);
        break;
    }
  });
}

function validMask(mask: Uint8Array): boolean {
  let seenZero = false;
  for (const b of mask) {
    if (seenZero) {
      if (b !== 0) return false;
      continue;
    }
    if ([0x00, 0x80, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc, 0xfe].includes(b)) seenZero = true;
    else if (b !== 0xff) return false;
  }
  return true;
}

/** Go's parseNameConstraintsExtension; true when it holds a name type Go does not handle. */
function parseNameConstraints(cert: Certificate, ext: Extension): boolean {
  let unhandled = false;
  const invalid = "x509: invalid NameConstraints extension";
  const outer = Der.of(ext.value);
  const top = field(invalid, () => outer.read(TAG.SEQUENCE));
  if (!outer.empty()) fail(invalid);
  const permitted = field(invalid, () => top.optional(0xa0));
  const excluded = field(invalid, () => top.optional(0xa1));
  if (!top.empty()) fail(invalid);
  if ((!permitted && !excluded) || ((permitted?.empty() ?? true) && (excluded?.empty() ?? true))) {
    fail("x509: empty name constraints extension");
  }
  const values = (subtrees: Der | undefined) => {
    const out = { dns: [] as string[], ips: [] as IpNet[], emails: [] as string[], uris: [] as string[] };
    while (subtrees && !subtrees.empty()) {
      const seq = field(invalid, () => subtrees.read(TAG.SEQUENCE));
      const el = field(invalid, () => seq.any());
      const v = el.body.rest();
      switch (el.tag) {
        case 0x82: {
          if (!ia5(v)) fail("x509: invalid constraint value: x509: SAN dNSName is malformed");
          const domain = text(v);
          const trimmed = domain.startsWith(".") ? domain.slice(1) : domain;
          if (domainToReverseLabels(trimmed) === undefined) {
            fail(`x509: failed to parse dnsName constraint ${JSON.stringify(domain)}`);
          }
          out.dns.push(domain);
          break;
        }
        case 0x87: {
          if (v.length !== 8 && v.length !== 32) {
            fail(`x509: IP constraint contained value of length ${v.length}`);
          }
          const half = v.length / 2;
          const mask = v.subarray(half);
          if (!validMask(mask)) fail("x509: IP constraint contained invalid mask");
          out.ips.push({ ip: v.subarray(0, half), mask });
          break;
        }
        case 0x81: {
          if (!ia5(v)) fail("x509: invalid constraint value");
          const c = text(v);
          if (c.includes("@")) {
            if (parseRfc2821Mailbox(c) === undefined) {
              fail(`x509: failed to parse rfc822Name constraint ${JSON.stringify(c)}`);
            }
          } else if (domainToReverseLabels(c.startsWith(".") ? c.slice(1) : c) === undefined) {
            fail(`x509: failed to parse rfc822Name constraint ${JSON.stringify(c)}`);
          }
          out.emails.push(c);
          break;
        }
        case 0x86: {
          if (!ia5(v)) fail("x509: invalid constraint value");
          const domain = text(v);
          if (/^[\d.]+$/.test(domain) || domain.includes(":")) {
            // net.ParseIP would accept it: an IP address is not a URI constraint.
            fail(`x509: failed to parse URI constraint ${JSON.stringify(domain)}: cannot be IP address`);
          }
          const trimmed = domain.startsWith(".") ? domain.slice(1) : domain;
          if (domainToReverseLabels(trimmed) === undefined) {
            fail(`x509: failed to parse URI constraint ${JSON.stringify(domain)}`);
          }
          out.uris.push(domain);
          break;
        }
        default:
          unhandled = true;
      }
    }
    return out;
  };
  const p = values(permitted), x = values(excluded);
  cert.permittedDns = p.dns;
  cert.permittedIps = p.ips;
  cert.permittedEmails = p.emails;
  cert.permittedUris = p.uris;
  cert.excludedDns = x.dns;
  cert.excludedIps = x.ips;
  cert.excludedEmails = x.emails;
  cert.excludedUris = x.uris;
  cert.permittedCritical = ext.critical;
  cert.hasNameConstraints = true;
  return unhandled;
}

const AIA = [1, 3, 6, 1, 5, 5, 7, 1, 1];
const AIA_OCSP = [1, 3, 6, 1, 5, 5, 7, 48, 1];
const AIA_ISSUERS = [1, 3, 6, 1, 5, 5, 7, 48, 2];

function processExtensions(cert: Certificate): void {
  for (const e of cert.extensions) {
    let unhandled = false;
    const id = e.id;
    if (id.length === 4 && id[0] === 2 && id[1] === 5 && id[2] === 29) {
      switch (id[3]) {
        case 15: {
          const bits = field("x509: invalid key usage", () => Der.of(e.value).bitString());
          let usage = 0;
          for (let i = 0; i < 9; i++) {
            if (i < bits.bitLength && (bits.bytes[i >> 3] >> (7 - (i & 7))) & 1) usage |= 1 << i;
          }
          cert.keyUsage = usage;
          break;
        }
        case 19: {
          const invalid = "x509: invalid basic constraints";
          const seq = field(invalid, () => Der.of(e.value).read(TAG.SEQUENCE));
          cert.isCA = seq.peek(TAG.BOOLEAN) ? field(invalid, () => seq.boolean()) : false;
          let maxPathLen = -1;
          if (seq.peek(TAG.INTEGER)) {
            const n = field(invalid, () => seq.integer());
            if (n < 0n || n >= 1n << 63n) fail(invalid);
            maxPathLen = Number(n);
          }
          cert.maxPathLen = maxPathLen;
          cert.basicConstraintsValid = true;
          break;
        }
        case 17:
          parseSan(cert, e.value);
          cert.san = e.value;
          if (!cert.dnsNames.length && !cert.emails.length && !cert.ips.length && !cert.uris.length) {
            unhandled = true;
          }
          break;
        case 30:
          unhandled = parseNameConstraints(cert, e);
          break;
        case 31: {
          const invalid = "x509: invalid CRL distribution point";
          const seq = field(
            "x509: invalid CRL distribution points",
            () => Der.of(e.value).read(TAG.SEQUENCE),
          );
          while (!seq.empty()) {
            const dp = field(invalid, () => seq.read(TAG.SEQUENCE));
            const name = field(invalid, () => dp.optional(0xa0));
            if (!name) continue;
            const full = field(invalid, () => name.read(0xa0));
            while (!full.empty() && full.peek(0x86)) {
              cert.crlDistributionPoints.push(text(field(invalid, () => full.bytes(0x86))));
            }
          }
          break;
        }
        case 35: {
          if (e.critical) fail("x509: authority key identifier incorrectly marked critical");
          const invalid = "x509: invalid authority key identifier";
          const akid = field(invalid, () => Der.of(e.value).read(TAG.SEQUENCE));
          if (akid.peek(0x80)) cert.authorityKeyId = field(invalid, () => akid.bytes(0x80));
          break;
        }
        case 36: {
          const invalid = "x509: invalid policy constraints extension";
          const seq = field(invalid, () => Der.of(e.value).read(TAG.SEQUENCE));
          if (seq.peek(0x80)) {
            cert.requireExplicitPolicy = field(invalid, () => seq.int(invalid, 0x80));
            cert.requireExplicitPolicyZero = cert.requireExplicitPolicy === 0;
          }
          if (seq.peek(0x81)) {
            cert.inhibitPolicyMapping = field(invalid, () => seq.int(invalid, 0x81));
            cert.inhibitPolicyMappingZero = cert.inhibitPolicyMapping === 0;
          }
          break;
        }
        case 37: {
          const invalid = "x509: invalid extended key usages";
          const seq = field(invalid, () => Der.of(e.value).read(TAG.SEQUENCE));
          while (!seq.empty()) {
            const oid = field(invalid, () => seq.oid());
            const known = EKU_OIDS.find(([, s]) => s === oidString(oid));
            if (known) cert.extKeyUsage.push(known[0]);
            else cert.unknownExtKeyUsage.push(oid);
          }
          break;
        }
        case 14: {
          if (e.critical) fail("x509: subject key identifier incorrectly marked critical");
          cert.subjectKeyId = field(
            "x509: invalid subject key identifier",
            () => Der.of(e.value).bytes(TAG.OCTET_STRING),
          );
          break;
        }
        case 32: {
          const invalid = "x509: invalid certificate policies";
          const seq = field(invalid, () => Der.of(e.value).read(TAG.SEQUENCE));
          const seen = new Set<string>();
          const policies: bigint[][] = [];
          while (!seq.empty()) {
            const oidBytes = field(invalid, () => seq.read(TAG.SEQUENCE).bytes(TAG.OID));
            const key = oidBytes.join(",");
            if (seen.has(key)) fail(invalid);
            seen.add(key);
            policies.push(field(invalid, () => oidBigComponents(oidBytes)));
          }
          cert.policies = policies;
          cert.policyIdentifiers = policies.filter((p) => p.every((c) => c < 1n << 63n));
          break;
        }
        case 33: {
          const invalid = "x509: invalid policy mappings extension";
          const seq = field(invalid, () => Der.of(e.value).read(TAG.SEQUENCE));
          while (!seq.empty()) {
            const m = field(invalid, () => seq.read(TAG.SEQUENCE));
            const issuer = field(invalid, () => oidBigComponents(m.bytes(TAG.OID)));
            const subject = field(invalid, () => oidBigComponents(m.bytes(TAG.OID)));
            cert.policyMappings.push({ issuer, subject });
          }
          break;
        }
        case 54: {
          const invalid = "x509: invalid inhibit any policy extension";
          const n = field(invalid, () => Der.of(e.value).integer());
          if (n < 0n || n >= 1n << 63n) fail(invalid);
          cert.inhibitAnyPolicy = Number(n);
          cert.inhibitAnyPolicyZero = n === 0n;
          break;
        }
        default:
          unhandled = true;
      }
    } else if (sameOid(id, AIA)) {
      if (e.critical) fail("x509: authority info access incorrectly marked critical");
      const invalid = "x509: invalid authority info access";
      const seq = field(invalid, () => Der.of(e.value).read(TAG.SEQUENCE));
      while (!seq.empty()) {
        const ad = field(invalid, () => seq.read(TAG.SEQUENCE));
        const method = field(invalid, () => ad.oid());
        if (!ad.peek(0x86)) continue;
        const uri = text(field(invalid, () => ad.bytes(0x86)));
        if (sameOid(method, AIA_OCSP)) cert.ocsp.push(uri);
        else if (sameOid(method, AIA_ISSUERS)) cert.issuingUrls.push(uri);
      }
    } else {
      unhandled = true;
    }
    if (e.critical && unhandled) cert.unhandledCritical.push(e.id);
  }
}

/** Go's parseCertificate: one certificate at the start of der (its length is raw.length). */
export function parseCertificate(der: Uint8Array): Certificate {
  const input = Der.of(der);
  const outerEl = field("x509: malformed certificate", () => input.element(TAG.SEQUENCE));
  const outer = outerEl.body;
  const tbsEl = field("x509: malformed tbs certificate", () => outer.element(TAG.SEQUENCE));
  const tbs = tbsEl.body;
  let version = 0;
  if (tbs.peek(0xa0)) {
    version = field("x509: malformed version", () => {
      const v = tbs.read(0xa0);
      const n = v.int();
      if (!v.empty()) throw new DerError("");
      return n;
    });
  }
  if (version < 0) fail("x509: malformed version");
  version++;
  if (version > 3) fail("x509: invalid version");
  const serial = field("x509: malformed serial number", () => tbs.integer());
  if (serial < 0n) fail("x509: negative serial number");
  const sigAI = field("x509: malformed signature algorithm identifier", () => tbs.read(TAG.SEQUENCE).rest());
  const outerSigAI = field("x509: malformed algorithm identifier", () => outer.read(TAG.SEQUENCE).rest());
  if (sigAI.length !== outerSigAI.length || sigAI.some((b, i) => b !== outerSigAI[i])) {
    fail("x509: inner and outer signature algorithm identifiers don't match");
  }
  const sigAlg = parseAlgorithm(Der.of(sigAI));
  const issuerEl = field("x509: malformed issuer", () => tbs.element(TAG.SEQUENCE));
  const issuer = parseNameOrFail(issuerEl.raw);
  const validity = field("x509: malformed validity", () => tbs.read(TAG.SEQUENCE));
  const notBefore = timeOrFail(validity);
  const notAfter = timeOrFail(validity);
  const subjectEl = field("x509: malformed issuer", () => tbs.element(TAG.SEQUENCE));
  const subject = parseNameOrFail(subjectEl.raw);
  const spkiEl = field("x509: malformed spki", () => tbs.element(TAG.SEQUENCE));
  const spki = spkiEl.body;
  const pkAlg = parseAlgorithm(
    field("x509: malformed public key algorithm identifier", () => spki.read(TAG.SEQUENCE)),
  );
  const pkBits = field("x509: malformed subjectPublicKey", () => spki.bitString());
  const cert: Certificate = {
    raw: outerEl.raw,
    rawTbs: tbsEl.raw,
    rawSpki: spkiEl.raw,
    rawSubject: subjectEl.raw,
    rawIssuer: issuerEl.raw,
    signature: new Uint8Array(),
    signatureAlgorithm: signatureAlgorithm(sigAlg),
    publicKeyAlgorithm: publicKeyAlgorithm(pkAlg.oid),
    version,
    serial,
    subject,
    issuer,
    notBefore,
    notAfter,
    keyUsage: 0,
    extensions: [],
    unhandledCritical: [],
    extKeyUsage: [],
    unknownExtKeyUsage: [],
    basicConstraintsValid: false,
    isCA: false,
    maxPathLen: 0,
    ocsp: [],
    issuingUrls: [],
    dnsNames: [],
    emails: [],
    ips: [],
    uris: [],
    permittedCritical: false,
    permittedDns: [],
    excludedDns: [],
    permittedIps: [],
    excludedIps: [],
    permittedEmails: [],
    excludedEmails: [],
    permittedUris: [],
    excludedUris: [],
    hasNameConstraints: false,
    crlDistributionPoints: [],
    policyMappings: [],
    inhibitAnyPolicy: 0,
    inhibitAnyPolicyZero: false,
    inhibitPolicyMapping: 0,
    inhibitPolicyMappingZero: false,
    requireExplicitPolicy: 0,
    requireExplicitPolicyZero: false,
  };
  if (cert.publicKeyAlgorithm !== 0) cert.publicKey = parsePublicKey(spkiEl.raw, pkAlg, pkBits.bytes);
  if (version > 1) {
    field("x509: malformed issuerUniqueID", () => tbs.optional(0x81));
    field("x509: malformed subjectUniqueID", () => tbs.optional(0x82));
    if (version === 3) {
      const exts = field("x509: malformed extensions", () => tbs.optional(0xa3));
      if (exts) {
        const seq = field("x509: malformed extensions", () => exts.read(TAG.SEQUENCE));
        const seen = new Set<string>();
        while (!seq.empty()) {
          const ext = parseExtension(field("x509: malformed extension", () => seq.read(TAG.SEQUENCE)));
          const key = oidString(ext.id);
          if (seen.has(key)) {
            fail(`x509: certificate contains duplicate extension with OID ${JSON.stringify(key)}`);
          }
          seen.add(key);
          cert.extensions.push(ext);
        }
        processExtensions(cert);
      }
    }
  }
  cert.signature = field("x509: malformed signature", () => outer.bitString()).bytes;
  return cert;
}

function parseNameOrFail(raw: Uint8Array): GoName {
  try {
    return parseName(raw);
  } catch (e) {
    return fail(`x509: ${(e as Error).message.replace(/^malformed /, "invalid ")}`);
  }
}

function timeOrFail(d: Der): GoTime {
  try {
    return d.time();
  } catch (e) {
    const m = (e as Error).message;
    return fail(m.startsWith("unsupported") ? "x509: unsupported time format" : `x509: ${m}`);
  }
}

export function parseExtension(seq: Der): Extension {
  const id = field("x509: malformed extension OID field", () => seq.oid());
  const critical = seq.peek(TAG.BOOLEAN)
    ? field("x509: malformed extension critical field", () => seq.boolean())
    : false;
  const value = field("x509: malformed extension value field", () => seq.bytes(TAG.OCTET_STRING));
  return { id, critical, value };
}

/** Go's ParseCertificates: certificates concatenated with nothing between them. */
export function parseCertificates(der: Uint8Array): Certificate[] {
  const out: Certificate[] = [];
  let rest = der;
  while (rest.length > 0) {
    const cert = parseCertificate(rest);
    out.push(cert);
    rest = rest.subarray(cert.raw.length);
  }
  return out;
}

const b64 = (b: Uint8Array | undefined) => (b === undefined ? null : encodeStdBase64(b));
const orNull = <T>(xs: T[]) => (xs.length === 0 ? null : xs);
const bigOid = (o: bigint[]) => o.map((c) => (c < 1n << 53n ? Number(c) : bigJson(c)));
const oidText = (o: bigint[]) => o.join(".");

function ipNetJson(n: IpNet) {
  return { IP: ipString(n.ip), Mask: encodeStdBase64(n.mask) };
}

/** The certificate as Go's encoding/json writes x509.Certificate. */
export function certificateJson(c: Certificate): Record<string, unknown> {
  return {
    Raw: b64(c.raw),
    RawTBSCertificate: b64(c.rawTbs),
    RawSubjectPublicKeyInfo: b64(c.rawSpki),
    RawSubject: b64(c.rawSubject),
    RawIssuer: b64(c.rawIssuer),
    Signature: b64(c.signature),
    SignatureAlgorithm: c.signatureAlgorithm,
    PublicKeyAlgorithm: c.publicKeyAlgorithm,
    PublicKey: c.publicKey?.json ?? null,
    Version: c.version,
    SerialNumber: bigJson(c.serial),
    Issuer: c.issuer,
    Subject: c.subject,
    NotBefore: goTimeJson(c.notBefore),
    NotAfter: goTimeJson(c.notAfter),
    KeyUsage: c.keyUsage,
    Extensions: c.extensions.length === 0
      ? null
      : c.extensions.map((e) => ({ Id: e.id, Critical: e.critical, Value: encodeStdBase64(e.value) })),
    ExtraExtensions: null,
    UnhandledCriticalExtensions: orNull(c.unhandledCritical),
    ExtKeyUsage: orNull(c.extKeyUsage),
    UnknownExtKeyUsage: orNull(c.unknownExtKeyUsage),
    BasicConstraintsValid: c.basicConstraintsValid,
    IsCA: c.isCA,
    MaxPathLen: c.maxPathLen,
    MaxPathLenZero: c.basicConstraintsValid && c.maxPathLen === 0,
    SubjectKeyId: b64(c.subjectKeyId),
    AuthorityKeyId: b64(c.authorityKeyId),
    OCSPServer: orNull(c.ocsp),
    IssuingCertificateURL: orNull(c.issuingUrls),
    DNSNames: orNull(c.dnsNames),
    EmailAddresses: orNull(c.emails),
    IPAddresses: c.ips.length === 0 ? null : c.ips.map(ipString),
    URIs: c.uris.length === 0 ? null : c.uris.map(urlJson),
    PermittedDNSDomainsCritical: c.permittedCritical,
    PermittedDNSDomains: orNull(c.permittedDns),
    ExcludedDNSDomains: orNull(c.excludedDns),
    PermittedIPRanges: c.permittedIps.length === 0 ? null : c.permittedIps.map(ipNetJson),
    ExcludedIPRanges: c.excludedIps.length === 0 ? null : c.excludedIps.map(ipNetJson),
    PermittedEmailAddresses: orNull(c.permittedEmails),
    ExcludedEmailAddresses: orNull(c.excludedEmails),
    PermittedURIDomains: orNull(c.permittedUris),
    ExcludedURIDomains: orNull(c.excludedUris),
    CRLDistributionPoints: orNull(c.crlDistributionPoints),
    PolicyIdentifiers: c.policyIdentifiers === undefined ? null : c.policyIdentifiers.map(bigOid),
    Policies: c.policies === undefined || c.policies.length === 0 ? null : c.policies.map(oidText),
    InhibitAnyPolicy: c.inhibitAnyPolicy,
    InhibitAnyPolicyZero: c.inhibitAnyPolicyZero,
    InhibitPolicyMapping: c.inhibitPolicyMapping,
    InhibitPolicyMappingZero: c.inhibitPolicyMappingZero,
    RequireExplicitPolicy: c.requireExplicitPolicy,
    RequireExplicitPolicyZero: c.requireExplicitPolicyZero,
    PolicyMappings: c.policyMappings.length === 0 ? null : c.policyMappings.map((m) => ({
      IssuerDomainPolicy: oidText(m.issuer),
      SubjectDomainPolicy: oidText(m.subject),
    })),
  };
}

export { oidComponents };
