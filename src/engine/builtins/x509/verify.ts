/**
 * Go's Certificate.Verify as OPA calls it (verifyX509CertificateChain): the first certificate is
 * the only root, the last the leaf, the others intermediates. Chains are built as Go builds them
 * (candidate parents by subject, key identifiers first; signature, validity period, name
 * constraints, CA and path length checks), then filtered by certificate policies and by extended
 * key usage (default: server authentication). The first chain found is returned, leaf first.
 *
 * Policy processing is RFC 5280 with RFC 9618 in Go; chains that could only fail it (a
 * requireExplicitPolicy constraint, or a policy mapping of anyPolicy) are refused with an error
 * instead, as this gateway does not reproduce that part.
 */
import { DerError } from "./der.ts";
import type { Certificate } from "./certificate.ts";
import { forEachSan } from "./certificate.ts";
import { checkSignature } from "./signature.ts";
import { parseUrl } from "../go_url.ts";
import {
  domainToReverseLabels,
  matchDomainConstraint,
  matchEmailConstraint,
  matchIpConstraint,
  matchUriConstraint,
  parseRfc2821Mailbox,
  verifyHostname,
} from "./names_match.ts";

export interface VerifyOptions {
  dnsName: string;
  /** Nanoseconds since the epoch; undefined: now. */
  currentTimeNs?: bigint;
  keyUsages: number[];
  maxConstraintComparisons: number;
}

export class VerifyError extends Error {}

const wallClock = () => BigInt(Date.now()) * 1_000_000n;
let clock = wallClock;

/** Replaces the clock verification reads when no CurrentTime is given (tests); undefined restores it. */
export function setVerificationClock(now?: () => bigint): void {
  clock = now ?? wallClock;
}

/** A certificate of the chain that OPA cannot judge as Go would: an error, not an answer. */
export class UnsupportedError extends Error {}

const LEAF = 0, INTERMEDIATE = 1, ROOT = 2;
const KEY_USAGE_CERT_SIGN = 1 << 5;
const EKU_ANY = 0, EKU_SERVER_AUTH = 1;
const ANY_POLICY = "2.5.29.32.0";

const sameBytes = (a?: Uint8Array, b?: Uint8Array) =>
  (a?.length ?? 0) === (b?.length ?? 0) && (a ?? []).every((x, i) => x === b![i]);

function pool(certs: Certificate[]): Certificate[] {
  const out: Certificate[] = [];
  for (const c of certs) if (!out.some((o) => sameBytes(o.raw, c.raw))) out.push(c);
  return out;
}

/** Go's CertPool.findPotentialParents: same subject as the issuer; matching key ids first. */
function potentialParents(pool: Certificate[], cert: Certificate): Certificate[] {
  const match: Certificate[] = [], one: Certificate[] = [], mismatch: Certificate[] = [];
  for (const c of pool) {
    if (!sameBytes(c.rawSubject, cert.rawIssuer)) continue;
    const skid = c.subjectKeyId ?? new Uint8Array(), akid = cert.authorityKeyId ?? new Uint8Array();
    if (sameBytes(skid, akid)) match.push(c);
    else if ((skid.length === 0) !== (akid.length === 0)) one.push(c);
    else mismatch.push(c);
  }
  return [...match, ...one, ...mismatch];
}

function checkSignatureFrom(c: Certificate, parent: Certificate): void {
  if (
    (parent.version === 3 && !parent.basicConstraintsValid) || (parent.basicConstraintsValid && !parent.isCA)
  ) {
    throw new VerifyError("x509: invalid signature: parent certificate cannot sign this kind of certificate");
  }
  if (parent.keyUsage !== 0 && (parent.keyUsage & KEY_USAGE_CERT_SIGN) === 0) {
    throw new VerifyError("x509: invalid signature: parent certificate cannot sign this kind of certificate");
  }
  if (parent.publicKeyAlgorithm === 0 || parent.publicKey === undefined) {
    throw new VerifyError("x509: cannot verify signature: algorithm unimplemented");
  }
  checkSignature(c.signatureAlgorithm, c.rawTbs, c.signature, parent.publicKey);
}

function checkNameConstraints(
  c: Certificate,
  count: { n: number },
  max: number,
  match: (constraint: never) => boolean,
  permitted: unknown[],
  excluded: unknown[],
  what: string,
): void {
  count.n += excluded.length;
  if (count.n > max) throw new VerifyError("x509: too many constraints");
  for (const x of excluded) {
    if (match(x as never)) {
      throw new VerifyError(`x509: ${what} is excluded by a constraint of ${c.subject.CommonName}`);
    }
  }
  count.n += permitted.length;
  if (count.n > max) throw new VerifyError("x509: too many constraints");
  if (permitted.length > 0 && !permitted.some((p) => match(p as never))) {
    throw new VerifyError(`x509: ${what} is not permitted by any constraint`);
  }
}

function isValid(c: Certificate, type: number, chain: Certificate[], opts: VerifyOptions): void {
  if (c.unhandledCritical.length > 0) throw new VerifyError("x509: unhandled critical extension");
  if (chain.length > 0 && !sameBytes(chain[chain.length - 1].rawIssuer, c.rawSubject)) {
    throw new VerifyError("x509: issuer name does not match subject from issuing certificate");
  }
  const now = opts.currentTimeNs ?? clock();
  if (now < BigInt(c.notBefore.ms) * 1_000_000n || now > BigInt(c.notAfter.ms) * 1_000_000n) {
    throw new VerifyError("x509: certificate has expired or is not yet valid");
  }
  const max = opts.maxConstraintComparisons === 0 ? 250000 : opts.maxConstraintComparisons;
  if ((type === INTERMEDIATE || type === ROOT) && c.hasNameConstraints) {
    const count = { n: 0 };
    for (const sanCert of chain) {
      if (sanCert.san === undefined) continue;
      forEachSan(sanCert.san, (tag, data) => {
        const name = String.fromCharCode(...data);
        try {
          switch (tag) {
            case 1: {
              const mailbox = parseRfc2821Mailbox(name);
              if (mailbox === undefined) {
                throw new VerifyError(`x509: cannot parse rfc822Name ${JSON.stringify(name)}`);
              }
              checkNameConstraints(
                c,
                count,
                max,
                (k: string) => matchEmailConstraint(mailbox, k),
                c.permittedEmails,
                c.excludedEmails,
                `email address ${JSON.stringify(name)}`,
              );
              break;
            }
            case 2:
              if (domainToReverseLabels(name) === undefined) {
                throw new VerifyError(`x509: cannot parse dnsName ${JSON.stringify(name)}`);
              }
              checkNameConstraints(
                c,
                count,
                max,
                (k: string) => matchDomainConstraint(name, k),
                c.permittedDns,
                c.excludedDns,
                `DNS name ${JSON.stringify(name)}`,
              );
              break;
            case 6: {
              const uri = parseUrl(name);
              checkNameConstraints(
                c,
                count,
                max,
                (k: string) => matchUriConstraint(uri, k, name),
                c.permittedUris,
                c.excludedUris,
                `URI ${JSON.stringify(name)}`,
              );
              break;
            }
            case 7:
              if (data.length !== 4 && data.length !== 16) {
                throw new VerifyError("x509: internal error: IP SAN failed to parse");
              }
              checkNameConstraints(
                c,
                count,
                max,
                (k: { ip: Uint8Array; mask: Uint8Array }) => matchIpConstraint(data, k),
                c.permittedIps,
                c.excludedIps,
                "IP address",
              );
              break;
          }
        } catch (e) {
          if (e instanceof VerifyError) throw e;
          throw new VerifyError((e as Error).message);
        }
      });
    }
  }
  if (type === INTERMEDIATE && (!c.basicConstraintsValid || !c.isCA)) {
    throw new VerifyError("x509: certificate is not authorized to sign other certificates");
  }
  if (c.basicConstraintsValid && c.maxPathLen >= 0 && chain.length - 1 > c.maxPathLen) {
    throw new VerifyError("x509: too many intermediates for path length constraint");
  }
}

/** Go's alreadyInChain: same subject, same public key, same SAN extension. */
function alreadyInChain(candidate: Certificate, chain: Certificate[]): boolean {
  return chain.some((c) =>
    sameBytes(candidate.rawSubject, c.rawSubject) && sameBytes(candidate.rawSpki, c.rawSpki) &&
    (candidate.san === undefined && c.san === undefined ||
      candidate.san !== undefined && c.san !== undefined && sameBytes(candidate.san, c.san))
  );
}

interface Pools {
  roots: Certificate[];
  intermediates: Certificate[];
}

function buildChains(
  chain: Certificate[],
  pools: Pools,
  sigChecks: { n: number },
  opts: VerifyOptions,
): Certificate[][] {
  const c = chain[chain.length - 1];
  const chains: Certificate[][] = [];
  let error: Error | undefined;
  const consider = (type: number, candidate: Certificate) => {
    if (alreadyInChain(candidate, chain)) return;
    if (++sigChecks.n > 100) {
      error = new VerifyError(
        "x509: signature check attempts limit reached while verifying certificate chain",
      );
      return;
    }
    try {
      checkSignatureFrom(c, candidate);
    } catch {
      return;
    }
    try {
      isValid(candidate, type, chain, opts);
    } catch (e) {
      error = e as Error;
      return;
    }
    if (type === ROOT) chains.push([...chain, candidate]);
    else {
      try {
        chains.push(...buildChains([...chain, candidate], pools, sigChecks, opts));
      } catch (e) {
        error = e as Error;
      }
    }
  };
  for (const root of potentialParents(pools.roots, c)) consider(ROOT, root);
  for (const inter of potentialParents(pools.intermediates, c)) consider(INTERMEDIATE, inter);
  if (chains.length === 0) throw error ?? new VerifyError("x509: certificate signed by unknown authority");
  return chains;
}

/** Whether Go's policy processing can only accept the chain (see the module comment). */
function policiesValid(chain: Certificate[]): boolean {
  if (chain.length === 1) return true;
  for (const cert of chain.slice(0, -1)) {
    if (cert.requireExplicitPolicy > 0 || cert.requireExplicitPolicyZero) {
      throw new UnsupportedError("certificate policy constraints (requireExplicitPolicy) are not supported");
    }
    const mapsAny = cert.policyMappings.some((m) =>
      m.issuer.join(".") === ANY_POLICY || m.subject.join(".") === ANY_POLICY
    );
    if (mapsAny) throw new UnsupportedError("policy mappings of anyPolicy are not supported");
  }
  return true;
}

/** Go's checkChainForKeyUsage. */
function chainAllowsKeyUsage(chain: Certificate[], keyUsages: number[]): boolean {
  const usages = [...keyUsages];
  let remaining = usages.length;
  for (let i = chain.length - 1; i >= 0; i--) {
    const cert = chain[i];
    if (cert.extKeyUsage.length === 0 && cert.unknownExtKeyUsage.length === 0) continue;
    if (cert.extKeyUsage.includes(EKU_ANY)) continue;
    for (let j = 0; j < usages.length; j++) {
      if (usages[j] === -1 || cert.extKeyUsage.includes(usages[j])) continue;
      usages[j] = -1;
      if (--remaining === 0) return false;
    }
  }
  return true;
}

/** OPA's verifyX509CertificateChain: the verified chain, leaf first; throws when it does not verify. */
export function verifyChain(certs: Certificate[], opts: VerifyOptions): Certificate[] {
  if (certs.length < 2) throw new VerifyError("must supply at least two certificates to be able to verify");
  const pools = { roots: pool([certs[0]]), intermediates: pool(certs.slice(1, -1)) };
  const leaf = certs[certs.length - 1];
  isValid(leaf, LEAF, [], opts);
  if (opts.dnsName.length > 0 && !verifyHostname(leaf.dnsNames, leaf.ips, opts.dnsName)) {
    throw new VerifyError(`x509: certificate is not valid for ${opts.dnsName}`);
  }
  let chains = pools.roots.some((r) => sameBytes(r.raw, leaf.raw))
    ? [[leaf]]
    : buildChains([leaf], pools, { n: 0 }, opts);
  chains = chains.filter(policiesValid);
  if (opts.keyUsages.includes(EKU_ANY)) return chains[0];
  const usages = opts.keyUsages.length === 0 ? [EKU_SERVER_AUTH] : opts.keyUsages;
  chains = chains.filter((chain) => chainAllowsKeyUsage(chain, usages));
  if (chains.length === 0) throw new VerifyError("x509: certificate specifies an incompatible key usage");
  return chains[0];
}

export { DerError };
