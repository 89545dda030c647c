/**
 * CIDR built-ins with Go's net package semantics: IPv4 and IPv6 (IPv4-mapped IPv6 addresses match
 * IPv4 networks), no leading zeros in IPv4 octets, no zones. Sets come back as sorted arrays.
 * net.cidr_expand refuses networks of more than 2^16 addresses (OPA has no limit, but a gateway
 * must not allocate millions of strings for one call). Not implemented: net.lookup_ip_addr.
 */
import type { HostBuiltin } from "./host_builtin.ts";
import { fail, isObject, str, typeError } from "./operands.ts";
import { toSet } from "./values.ts";

const EXPAND_LIMIT = 1n << 16n;

interface Addr {
  v4: boolean;
  value: bigint;
}

interface Net {
  v4: boolean;
  start: bigint;
  prefix: number;
}

const bits = (v4: boolean) => (v4 ? 32 : 128);

function parseV4(s: string): bigint | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === "0") || Number(p) > 255) return undefined;
    v = (v << 8n) | BigInt(p);
  }
  return v;
}

function parseV6(s: string): bigint | undefined {
  let tail: bigint | undefined;
  let text = s;
  const lastColon = s.lastIndexOf(":");
  if (s.includes(".")) {
    tail = parseV4(s.slice(lastColon + 1));
    if (tail === undefined) return undefined;
    text = s.slice(0, lastColon + 1) + "0:0";
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]), rest = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  let v = 0n;
  for (const g of all) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail !== undefined) v = (v & ~0xffffffffn) | tail;
  return v;
}

/** Go's net.ParseIP; IPv4-mapped IPv6 addresses are reported as IPv4 (Go's To4). */
export function parseIp(s: string): Addr | undefined {
  const v4 = parseV4(s);
  if (v4 !== undefined) return { v4: true, value: v4 };
  if (!s.includes(":")) return undefined;
  const v6 = parseV6(s);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === 0xffffn) return { v4: true, value: v6 & 0xffffffffn };
  return { v4: false, value: v6 };
}

/** Go's net.ParseCIDR: the network, masked. */
export function parseCidr(s: string): Net | undefined {
  const slash = s.indexOf("/");
  if (slash < 0) return undefined;
  const ipText = s.slice(0, slash), prefixText = s.slice(slash + 1);
  const v4 = parseV4(ipText);
  const addr = v4 !== undefined
    ? { v4: true, value: v4 }
    : ipText.includes(":")
    ? parseV6Addr(ipText)
    : undefined;
  if (!addr || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > bits(addr.v4) || (prefixText.length > 1 && prefixText[0] === "0")) return undefined;
  return { v4: addr.v4, start: addr.value & mask(addr.v4, prefix), prefix };
}

function parseV6Addr(s: string): Addr | undefined {
  const v = parseV6(s);
  return v === undefined ? undefined : { v4: false, value: v };
}

function mask(v4: boolean, prefix: number): bigint {
  const n = BigInt(bits(v4));
  return ((1n << n) - 1n) ^ ((1n << (n - BigInt(prefix))) - 1n);
}

const lastOf = (n: Net): bigint => n.start | ((1n << BigInt(bits(n.v4) - n.prefix)) - 1n);

function contains(n: Net, a: Addr): boolean {
  return n.v4 === a.v4 && (a.value & mask(n.v4, n.prefix)) === n.start;
}

export function formatIp(a: Addr): string {
  if (a.v4) return [24n, 16n, 8n, 0n].map((s) => String((a.value >> s) & 0xffn)).join(".");
  if (a.value >> 32n === 0xffffn && (a.value & ~0xffffffffffffn) === 0n) {
    return "::ffff:" + formatIp({ v4: true, value: a.value & 0xffffffffn });
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((a.value >> BigInt(112 - 16 * i)) & 0xffffn));
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(":");
  return hex.slice(0, bestStart).join(":") + "::" + hex.slice(bestStart + bestLen).join(":");
}

const formatNet = (n: Net): string => `${formatIp({ v4: n.v4, value: n.start })}/${n.prefix}`;

function cidrOperand(name: string, v: unknown, pos: number): Net {
  const s = str(name, v, pos);
  const n = parseCidr(s);
  if (!n) fail(name, `invalid CIDR address: ${s}`);
  return n!;
}

/** A CIDR contains an IP, or all of another CIDR. */
function containsIpOrCidr(name: string, n: Net, target: string): boolean {
  const ip = parseIp(target);
  if (ip) return contains(n, ip);
  const other = parseCidr(target);
  if (!other) fail(name, `not a valid textual representation of an IP address or CIDR: ${target}`);
  return contains(n, { v4: other!.v4, value: other!.start }) &&
    contains(n, { v4: other!.v4, value: lastOf(other!) });
}

/** Elements of a cidr_contains_matches operand: [key, address]. */
function matchTerms(name: string, v: unknown, pos: number): [unknown, string][] {
  const address = (x: unknown): string => {
    if (typeof x === "string") return x;
    if (Array.isArray(x) && typeof x[0] === "string") return x[0];
    return fail(name, `operand ${pos} must be string, array of strings, or object of strings`);
  };
  if (typeof v === "string") return [[v, v]];
  if (Array.isArray(v)) return v.map((x, i) => [i, address(x)]);
  if (isObject(v)) return Object.entries(v).map(([k, x]) => [k, address(x)]);
  return typeError(name, pos, v, "string", "array", "set", "object");
}

function merge(nets: Net[]): Net[] {
  const out: Net[] = [];
  for (const v4 of [true, false]) {
    let list = nets.filter((n) => n.v4 === v4).sort((
      a,
      b,
    ) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.prefix - b.prefix));
    let changed = true;
    while (changed) {
      changed = false;
      const next: Net[] = [];
      for (const n of list) {
        const prev = next[next.length - 1];
        if (prev && contains(prev, { v4, value: n.start })) {
          continue;
        }
        if (prev && prev.prefix === n.prefix && prev.prefix > 0) {
          const size = 1n << BigInt(bits(v4) - n.prefix);
          const parentMask = mask(v4, n.prefix - 1);
          if (prev.start + size === n.start && (prev.start & parentMask) === prev.start) {
            next[next.length - 1] = { v4, start: prev.start, prefix: n.prefix - 1 };
            changed = true;
            continue;
          }
        }
        next.push(n);
      }
      list = next;
    }
    out.push(...list);
  }
  return out;
}

export const NET_BUILTINS: Record<string, HostBuiltin> = {
  "net.cidr_contains": (cidr, target) => {
    const name = "net.cidr_contains";
    return containsIpOrCidr(name, cidrOperand(name, cidr, 1), str(name, target, 2));
  },
  "net.cidr_intersects": (a, b) => {
    const name = "net.cidr_intersects";
    const x = cidrOperand(name, a, 1), y = cidrOperand(name, b, 2);
    return contains(x, { v4: y.v4, value: y.start }) || contains(y, { v4: x.v4, value: x.start });
  },
  "net.cidr_is_valid": (cidr) => typeof cidr === "string" && parseCidr(cidr) !== undefined,
  "net.cidr_expand": (cidr) => {
    const name = "net.cidr_expand";
    const n = cidrOperand(name, cidr, 1);
    const count = lastOf(n) - n.start + 1n;
    if (count > EXPAND_LIMIT) fail(name, `CIDR ${formatNet(n)} has more than ${EXPAND_LIMIT} addresses`);
    const out: string[] = [];
    for (let v = n.start; v <= lastOf(n); v++) out.push(formatIp({ v4: n.v4, value: v }));
    return toSet(out);
  },
  "net.cidr_merge": (addrs) => {
    const name = "net.cidr_merge";
    if (!Array.isArray(addrs)) typeError(name, 1, addrs, "array", "set");
    const nets = (addrs as unknown[]).map((x) => {
      if (typeof x !== "string") return fail(name, "operand 1 must be array of strings");
      const ip = parseIp(x);
      if (ip) return { v4: ip.v4, start: ip.value, prefix: bits(ip.v4) };
      const n = parseCidr(x);
      if (!n) fail(name, `${x} is not a valid IP address or CIDR`);
      return n!;
    });
    return toSet(merge(nets).map(formatNet));
  },
  "net.cidr_contains_matches": (cidrs, targets) => {
    const name = "net.cidr_contains_matches";
    const nets = matchTerms(name, cidrs, 1).map(([k, s]): [unknown, Net] => {
      const n = parseCidr(s);
      if (!n) fail(name, `invalid CIDR address: ${s}`);
      return [k, n!];
    });
    const out: unknown[] = [];
    for (const [k2, target] of matchTerms(name, targets, 2)) {
      for (const [k1, n] of nets) if (containsIpOrCidr(name, n, target)) out.push([k1, k2]);
    }
    return toSet(out);
  },
};
