/**
 * Names in certificate verification, after Go's crypto/x509 verify.go: domain labels, RFC 2821
 * mailboxes, name-constraint matching (DNS, email, URI, IP) and host name matching (wildcards in
 * the left-most label only, ASCII case folding, no Common Name fallback). net.IP's text form too.
 */
import { formatIp, parseIp } from "../net.ts";
import type { GoUrl } from "../go_url.ts";

/** Go's domainToReverseLabels, or undefined when the domain is not acceptable. */
export function domainToReverseLabels(domain: string): string[] | undefined {
  const labels: string[] = [];
  while (domain.length > 0) {
    const i = domain.lastIndexOf(".");
    if (i < 0) {
      labels.push(domain);
      domain = "";
    } else {
      labels.push(domain.slice(i + 1));
      domain = domain.slice(0, i);
    }
  }
  if (labels.length > 0 && labels[0].length === 0) return undefined;
  for (const label of labels) {
    if (label.length === 0) return undefined;
    for (const ch of new TextEncoder().encode(label)) if (ch < 33 || ch > 126) return undefined;
  }
  return labels;
}

export interface Mailbox {
  local: string;
  domain: string;
}

const ATEXT = /[0-9A-Za-z!#$%&'*+\-/=?^_`{|}~.]/;

/** Go's parseRFC2821Mailbox. */
export function parseRfc2821Mailbox(input: string): Mailbox | undefined {
  if (input.length === 0) return undefined;
  let local = "";
  let i = 0;
  const code = (k: number) => input.charCodeAt(k);
  if (input[0] === '"') {
    i = 1;
    for (;;) {
      if (i >= input.length) return undefined;
      const c = code(i++);
      if (c === 0x22) break;
      if (c === 0x5c) {
        if (i >= input.length) return undefined;
        const n = code(i);
        if (n === 11 || n === 12 || (n >= 1 && n <= 9) || (n >= 14 && n <= 127)) {
          local += input[i++];
        } else return undefined;
      } else if (
        c === 11 || c === 12 || c === 32 || c === 33 || c === 127 || (c >= 1 && c <= 8) ||
        (c >= 14 && c <= 31) ||
        (c >= 35 && c <= 91) || (c >= 93 && c <= 126)
      ) {
        local += input[i - 1];
      } else return undefined;
    }
  } else {
    while (i < input.length) {
      const c = input[i];
      if (c === "\\") {
        // Go accepts an escaped character outside quotes, whatever it is (a switch fallthrough).
        i++;
        if (i >= input.length) return undefined;
      } else if (!ATEXT.test(c)) break;
      local += input[i];
      i++;
    }
    if (local.length === 0) return undefined;
    if (local.startsWith(".") || local.endsWith(".") || local.includes("..")) return undefined;
  }
  if (i >= input.length || input[i] !== "@") return undefined;
  const domain = input.slice(i + 1);
  if (domainToReverseLabels(domain) === undefined) return undefined;
  return { local, domain };
}

const foldEqual = (a: string, b: string) => a.toLowerCase() === b.toLowerCase() && a.length === b.length;

/** Go's matchDomainConstraint; throws for a domain it cannot parse. */
export function matchDomainConstraint(domain: string, constraint: string): boolean {
  if (constraint.length === 0) return true;
  const domainLabels = domainToReverseLabels(domain);
  if (domainLabels === undefined) {
    throw new Error(`x509: internal error: cannot parse domain ${JSON.stringify(domain)}`);
  }
  let mustHaveSubdomains = false;
  if (constraint[0] === ".") {
    mustHaveSubdomains = true;
    constraint = constraint.slice(1);
  }
  const constraintLabels = domainToReverseLabels(constraint);
  if (constraintLabels === undefined) {
    throw new Error(`x509: internal error: cannot parse domain ${JSON.stringify(constraint)}`);
  }
  if (
    domainLabels.length < constraintLabels.length ||
    (mustHaveSubdomains && domainLabels.length === constraintLabels.length)
  ) return false;
  return constraintLabels.every((l, i) => foldEqual(l, domainLabels[i]));
}

export function matchEmailConstraint(mailbox: Mailbox, constraint: string): boolean {
  if (constraint.includes("@")) {
    const c = parseRfc2821Mailbox(constraint);
    if (c === undefined) {
      throw new Error(`x509: internal error: cannot parse constraint ${JSON.stringify(constraint)}`);
    }
    return mailbox.local === c.local && foldEqual(mailbox.domain, c.domain);
  }
  return matchDomainConstraint(mailbox.domain, constraint);
}

export function matchUriConstraint(uri: GoUrl, constraint: string, uriText: string): boolean {
  let host = uri.Host;
  if (host.length === 0) {
    throw new Error(`URI with empty host (${JSON.stringify(uriText)}) cannot be matched against constraints`);
  }
  if (host.includes(":") && !host.endsWith("]")) {
    const i = host.lastIndexOf(":");
    host = host.slice(0, i);
    if (host.includes(":")) throw new Error(`address ${uri.Host}: too many colons in address`);
  }
  if ((host.startsWith("[") && host.endsWith("]")) || parseIp(host) !== undefined) {
    throw new Error(`URI with IP (${JSON.stringify(uriText)}) cannot be matched against constraints`);
  }
  return matchDomainConstraint(host, constraint);
}

export function matchIpConstraint(ip: Uint8Array, net: { ip: Uint8Array; mask: Uint8Array }): boolean {
  if (ip.length !== net.ip.length) return false;
  return ip.every((b, i) => (b & net.mask[i]) === (net.ip[i] & net.mask[i]));
}

/** Go's net.IP.String for a 4- or 16-byte address (IPv4-mapped addresses in dotted form). */
export function ipString(ip: Uint8Array): string {
  let v = 0n;
  for (const b of ip) v = (v << 8n) | BigInt(b);
  if (ip.length === 4) return formatIp({ v4: true, value: v });
  if (ip.length === 16 && ip.subarray(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff) {
    return formatIp({ v4: true, value: v & 0xffffffffn });
  }
  if (ip.length !== 16) return "?" + [...ip].map((b) => b.toString(16).padStart(2, "0")).join("");
  return formatIp({ v4: false, value: v });
}

/** An IP address as (v4, value), IPv4-mapped IPv6 as IPv4: net.IP's Equal. */
function ipKey(ip: Uint8Array): string {
  return ipString(ip);
}

function toLowerAscii(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function validHostname(host: string, isPattern: boolean): boolean {
  if (!isPattern && host.endsWith(".")) host = host.slice(0, -1);
  if (host.length === 0) return false;
  return host.split(".").every((part, i) => {
    if (part === "") return false;
    if (isPattern && i === 0 && part === "*") return true;
    return [...part].every((c, j) => /[a-zA-Z0-9_]/.test(c) || (c === "-" && j !== 0));
  });
}

function matchExactly(a: string, b: string): boolean {
  if (a === "" || a === "." || b === "" || b === ".") return false;
  return toLowerAscii(a) === toLowerAscii(b);
}

function matchHostnames(pattern: string, host: string): boolean {
  pattern = toLowerAscii(pattern);
  host = toLowerAscii(host.endsWith(".") ? host.slice(0, -1) : host);
  if (pattern.length === 0 || host.length === 0) return false;
  const p = pattern.split("."), h = host.split(".");
  if (p.length !== h.length) return false;
  return p.every((part, i) => (i === 0 && part === "*") || part === h[i]);
}

/** Go's Certificate.VerifyHostname: whether the certificate is valid for host. */
export function verifyHostname(dnsNames: string[], ips: Uint8Array[], host: string): boolean {
  const candidateIp = host.length >= 3 && host[0] === "[" && host.endsWith("]") ? host.slice(1, -1) : host;
  const ip = parseIp(candidateIp);
  if (ip !== undefined) {
    const want = formatIp(ip);
    return ips.some((c) => ipKey(c) === want);
  }
  const name = toLowerAscii(host);
  const validName = validHostname(name, false);
  return dnsNames.some((m) =>
    validName && validHostname(m, true) ? matchHostnames(m, name) : matchExactly(m, name)
  );
}
