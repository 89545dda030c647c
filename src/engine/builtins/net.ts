/**
 * CIDR built-ins with Go's net package semantics: IPv4 and IPv6 (IPv4-mapped IPv6 addresses match
 * IPv4 networks), no leading zeros in IPv4 octets, no zones. Sets come back as sorted arrays.
 * net.cidr_expand refuses networks of more than 2^16 addresses (OPA has no limit, but a gateway
 * must not allocate millions of strings for one call). net.lookup_ip_addr is refused at compile
 * time (registry.ts): a DNS lookup cannot run synchronously on the serving thread.
 */
import { RegoSet, takesSets } from "./rego_set.ts";
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
  if (v instanceof RegoSet) return v.items.map((x) => [x, address(x)]); // a set member is its own key
  if (Array.isArray(v)) return v.map((x, i) => [i, address(x)]);
  if (isObject(v)) return Object.entries(v).map(([k, x]) => [k, address(x)]);
  return typeError(name, pos, v, "string", "array", "set", "object");
}

/** A network as OPA's net.cidr_merge holds it: `ip` as given (a bare address keeps its host bits). */
interface MergeNet {
  v4: boolean;
  ip: bigint;
  prefix: number;
}

/** Go's net.IP.DefaultMask: the classful prefix of an IPv4 address. */
function defaultPrefix(ip: bigint): number {
  const first = Number(ip >> 24n);
  return first < 0x80 ? 8 : first < 0xc0 ? 16 : 24;
}

/** The fewest CIDRs covering first..last exactly (OPA's cidr/merge RangeToCIDRs). */
function rangeToCidrs(v4: boolean, first: bigint, last: bigint): MergeNet[] {
  const out: MergeNet[] = [];
  const width = bits(v4);
  while (first <= last) {
    let prefix = width;
    while (prefix > 0) {
      const size = 1n << BigInt(width - prefix + 1);
      if ((first & (size - 1n)) !== 0n || first + size - 1n > last) break;
      prefix--;
    }
    out.push({ v4, ip: first, prefix });
    first += 1n << BigInt(width - prefix);
  }
  return out;
}

/**
 * OPA's evalNetCIDRMerge: ranges sorted by (last, first) and merged from the end when the address
 * before one range's first (0 stays 0) is within the previous range; unmerged
 * networks are returned as given, merged ranges as their fewest CIDRs. Families are merged apart.
 */
function merge(nets: MergeNet[]): MergeNet[] {
  const out: MergeNet[] = [];
  for (const v4 of [true, false]) {
    const width = bits(v4);
    const top = (1n << BigInt(width)) - 1n;
    type Range = { first: bigint; last: bigint; net?: MergeNet };
    const ranges: Range[] = nets.filter((n) => n.v4 === v4).map((n) => {
      const first = n.ip & mask(v4, n.prefix);
      return { first, last: first | (top >> BigInt(n.prefix)), net: n };
    });
    ranges.sort((
      a,
      b,
    ) => (a.last !== b.last
      ? (a.last < b.last ? -1 : 1)
      : a.first < b.first
      ? -1
      : a.first > b.first
      ? 1
      : 0)
    );
    for (let i = ranges.length - 1; i > 0; i--) {
      const previous = ranges[i].first === 0n ? 0n : ranges[i].first - 1n; // OPA's GetPreviousIP stops at 0
      if (previous <= ranges[i - 1].last) {
        const first = ranges[i - 1].first < ranges[i].first ? ranges[i - 1].first : ranges[i].first;
        ranges[i - 1] = { first, last: ranges[i].last };
        ranges.splice(i, 1);
      }
    }
    for (const r of ranges) out.push(...(r.net ? [r.net] : rangeToCidrs(v4, r.first, r.last)));
  }
  return out;
}

export const NET_BUILTINS: Record<string, HostBuiltin> = {
  "net.cidr_contains": (cidr, target) => {
    const name = "net.cidr_contains";
    return containsIpOrCidr(name, cidrOperand(name, cidr, 1), str(name, target, 2));
  },
  // Deprecated (Rego v0): OPA registers net.cidr_contains's implementation under this name.
  "net.cidr_overlap": (cidr, target) => {
    const name = "net.cidr_overlap";
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
    const nets = (addrs as unknown[]).map((x): MergeNet => {
      if (typeof x !== "string") return fail(name, "element must be string");
      // OPA's generateIPNet: an address first (IPv4 gets its classful mask), else a CIDR.
      const ip = parseIp(x);
      if (ip) {
        if (!ip.v4) fail(name, "IPv6 invalid: needs prefix length");
        return { v4: true, ip: ip.value, prefix: defaultPrefix(ip.value) };
      }
      const n = parseCidr(x);
      if (!n) fail(name, `invalid CIDR address: ${x}`);
      return { v4: n!.v4, ip: n!.start, prefix: n!.prefix };
    });
    return toSet(merge(nets).map((n) => `${formatIp({ v4: n.v4, value: n.ip })}/${n.prefix}`));
  },
  "net.cidr_contains_matches": takesSets((cidrs, targets) => {
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
  }),
};
