// net.cidr_contains, net.cidr_intersects and the deprecated net.cidr_overlap, as OPA computes them
// with Go's net package: addresses parsed as netip.ParseAddr does (IPv4 dotted decimal without
// leading zeros, IPv6 with one `::` and an optional trailing IPv4, no zones), prefixes as
// net.ParseCIDR reads them, containment as net.IPNet.Contains (IPv4 networks contain IPv4-mapped
// IPv6 addresses; an IPv4-mapped IPv6 network acts on IPv4 addresses with the mask's last 32 bits).
// Like OPA, a non-string operand is reported as "operand 1" whichever it is.
import { lenOf, strPtr, boolValue, T_STRING } from "./value";
import { is, typeError } from "./bi_common";
import { heapTop, pushByte, pushBytes, pushStatic, finishText } from "./heap";
import { rt_builtin_error } from "./host";

// Scratch: two networks (A, B) and two addresses, 16 bytes each.
const A_IP: usize = memory.data(16);
const B_IP: usize = memory.data(16);
const X_IP: usize = memory.data(16);
const LAST: usize = memory.data(16);
let aPrefix: i32 = 0;
let aBits: i32 = 0;
let bPrefix: i32 = 0;
let bBits: i32 = 0;

// @ts-ignore: decorator
@inline function ch(p: usize, i: u32): u32 {
  return <u32>load<u8>(p + i);
}

/** netip's parseIPv4Fields over [from, to) into out[0..4]. */
function parseV4(p: usize, from: u32, to: u32, out: usize): bool {
  let val: u32 = 0;
  let pos: u32 = 0;
  let digits: u32 = 0;
  for (let i = from; i < to; i++) {
    const c = ch(p, i);
    if (c >= 48 && c <= 57) {
      if (digits == 1 && val == 0) return false; // leading zero
      val = val * 10 + c - 48;
      digits++;
      if (val > 255) return false;
    } else if (c == 46) {
      if (i == from || i == to - 1 || ch(p, i - 1) == 46) return false;
      if (pos == 3) return false;
      store<u8>(out + pos, <u8>val);
      pos++;
      val = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  if (pos < 3) return false;
  store<u8>(out + 3, <u8>val);
  return true;
}

/** netip's parseIPv6 (zones rejected) over [0, n) into out (16 bytes). */
function parseV6(p: usize, n: u32, out: usize): bool {
  memory.fill(out, 0, 16);
  for (let k: u32 = 0; k < n; k++) if (ch(p, k) == 37) return false; // % zone: not for CIDRs or IPs here
  let s: u32 = 0;
  let ellipsis: i32 = -1;
  if (n >= 2 && ch(p, 0) == 58 && ch(p, 1) == 58) {
    ellipsis = 0;
    s = 2;
    if (s == n) return true;
  }
  let i: i32 = 0;
  while (i < 16) {
    let off: u32 = 0;
    let acc: u32 = 0;
    while (s + off < n) {
      const c = ch(p, s + off);
      let d: u32 = 0;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (c >= 97 && c <= 102) d = c - 87;
      else if (c >= 65 && c <= 70) d = c - 55;
      else break;
      acc = (acc << 4) + d;
      if (off > 3) return false;
      if (acc > 0xffff) return false;
      off++;
    }
    if (off == 0) return false;
    if (s + off < n && ch(p, s + off) == 46) {
      if (ellipsis < 0 && i != 12) return false;
      if (i + 4 > 16) return false;
      if (!parseV4(p, s, n, out + <usize>i)) return false;
      s = n;
      i += 4;
      break;
    }
    store<u8>(out + <usize>i, <u8>(acc >> 8));
    store<u8>(out + <usize>i + 1, <u8>acc);
    i += 2;
    s += off;
    if (s == n) break;
    if (ch(p, s) != 58) return false;
    if (s + 1 == n) return false;
    s++;
    if (ch(p, s) == 58) {
      if (ellipsis >= 0) return false;
      ellipsis = i;
      s++;
      if (s == n) break;
    }
  }
  if (s != n) return false;
  if (i < 16) {
    if (ellipsis < 0) return false;
    const shift = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) store<u8>(out + <usize>(j + shift), load<u8>(out + <usize>j));
    memory.fill(out + <usize>ellipsis, 0, <usize>shift);
  } else if (ellipsis >= 0) {
    return false;
  }
  return true;
}

/**
 * netip.ParseAddr over [0, n) into out as its 16-byte form (IPv4 mapped). Returns 32 or 128 (the
 * bit length), or 0 when invalid.
 */
function parseAddr(p: usize, n: u32, out: usize): i32 {
  for (let i: u32 = 0; i < n; i++) {
    const c = ch(p, i);
    if (c == 46) {
      memory.fill(out, 0, 10);
      store<u8>(out, 0xff, 10);
      store<u8>(out, 0xff, 11);
      return parseV4(p, 0, n, out + 12) ? 32 : 0;
    }
    if (c == 58) return parseV6(p, n, out) ? 128 : 0;
    if (c == 37) return 0;
  }
  return 0;
}

/** net.ParseCIDR: the masked network into ip; sets gPrefix/gBits. */
let gPrefix: i32 = 0;
let gBits: i32 = 0;
function parseCidr(p: usize, n: u32, ip: usize): bool {
  let slash: u32 = 0;
  while (slash < n && ch(p, slash) != 47) slash++;
  if (slash == n) return false;
  const bits = parseAddr(p, slash, ip);
  if (bits == 0) return false;
  // dtoi: decimal digits (leading zeros allowed), all of the rest
  let i = slash + 1;
  let v: i32 = 0;
  while (i < n && ch(p, i) >= 48 && ch(p, i) <= 57) {
    v = v * 10 + <i32>ch(p, i) - 48;
    if (v >= 0xffffff) return false;
    i++;
  }
  if (i == slash + 1 || i != n || v > bits) return false;
  // mask the 16-byte form (an IPv4 mask covers the last 32 bits)
  const keep = bits == 32 ? v + 96 : v;
  for (let k: i32 = 0; k < 16; k++) {
    const from = k * 8;
    let m: u32 = 0;
    if (keep >= from + 8) m = 0xff;
    else if (keep > from) m = (0xff00 >> (keep - from)) & 0xff;
    store<u8>(ip + <usize>k, load<u8>(ip + <usize>k) & <u8>m);
  }
  gPrefix = v;
  gBits = bits;
  return true;
}

function isMapped(ip: usize): bool {
  for (let k: usize = 0; k < 10; k++) if (load<u8>(ip + k) != 0) return false;
  return load<u8>(ip + 10) == 0xff && load<u8>(ip + 11) == 0xff;
}

/** Mask byte k (of `len` bytes) for a prefix over `bits`, taken from the end when shorter. */
function maskByte(prefix: i32, bits: i32, len: i32, k: i32): u32 {
  // the mask is bits/8 bytes long; when the network is 4 bytes and the mask 16, its last 4 count
  const skip = bits / 8 - len;
  const from = (k + skip) * 8;
  if (prefix >= from + 8) return 0xff;
  if (prefix > from) return (0xff00 >> (prefix - from)) & 0xff;
  return 0;
}

/**
 * net.IPNet.Contains for the network (ip, prefix, bits) and the address x (16 bytes, or 4 when
 * xLen is 4).
 */
function contains(ip: usize, prefix: i32, bits: i32, x: usize, xLen: i32): bool {
  // networkNumberAndMask
  let nn = ip;
  let nLen: i32 = 16;
  if (isMapped(ip)) {
    nn = ip + 12;
    nLen = 4;
  }
  if (bits == 32 && nLen != 4) return false;
  // the address: To4
  let xp = x;
  let xl = xLen;
  if (xl == 16 && isMapped(x)) {
    xp = x + 12;
    xl = 4;
  }
  if (xl != nLen) return false;
  for (let k: i32 = 0; k < nLen; k++) {
    const m = maskByte(prefix, bits, nLen, k);
    if ((<u32>load<u8>(nn + <usize>k) & m) != (<u32>load<u8>(xp + <usize>k) & m)) return false;
  }
  return true;
}

/** "<name>: invalid CIDR address: <s>" and friends: name, text, quoted value. */
function netError(name: string, msg: string, s: usize): usize {
  const p = heapTop();
  pushStatic(name);
  pushStatic(": ");
  pushStatic(msg);
  pushBytes(strPtr(s), lenOf(s));
  pushByte(0);
  finishText();
  return rt_builtin_error(p);
}

function cidrContains(name: string, a: usize, b: usize): usize {
  if (!is(a, T_STRING)) return typeError(name, 1, "string", a);
  if (!parseCidr(strPtr(a), lenOf(a), A_IP)) return netError(name, "invalid CIDR address: ", a);
  aPrefix = gPrefix;
  aBits = gBits;
  if (!is(b, T_STRING)) return typeError(name, 1, "string", b);
  if (parseAddr(strPtr(b), lenOf(b), X_IP) != 0) return boolValue(contains(A_IP, aPrefix, aBits, X_IP, 16));
  if (!parseCidr(strPtr(b), lenOf(b), B_IP)) {
    return netError(name, "not a valid textual representation of an IP address or CIDR: ", b);
  }
  bPrefix = gPrefix;
  bBits = gBits;
  if (!contains(A_IP, aPrefix, aBits, B_IP, 16)) return boolValue(false);
  // the last address of B: host bits set; an IPv4 network's last address is 4 bytes
  memory.copy(LAST, B_IP, 16);
  if (bPrefix < bBits) {
    const keep = bBits == 32 ? bPrefix + 96 : bPrefix;
    for (let k: i32 = 0; k < 16; k++) {
      const from = k * 8;
      let m: u32 = 0;
      if (keep >= from + 8) m = 0xff;
      else if (keep > from) m = (0xff00 >> (keep - from)) & 0xff;
      store<u8>(LAST + <usize>k, load<u8>(LAST + <usize>k) | <u8>(~m & 0xff));
    }
  }
  if (bBits == 32) return boolValue(contains(A_IP, aPrefix, aBits, LAST + 12, 4));
  return boolValue(contains(A_IP, aPrefix, aBits, LAST, 16));
}

export function bi_net_cidr_contains(a: usize, b: usize): usize {
  return cidrContains("net.cidr_contains", a, b);
}

export function bi_net_cidr_overlap(a: usize, b: usize): usize {
  return cidrContains("net.cidr_overlap", a, b);
}

export function bi_net_cidr_intersects(a: usize, b: usize): usize {
  const name = "net.cidr_intersects";
  if (!is(a, T_STRING)) return typeError(name, 1, "string", a);
  if (!parseCidr(strPtr(a), lenOf(a), A_IP)) return netError(name, "invalid CIDR address: ", a);
  aPrefix = gPrefix;
  aBits = gBits;
  if (!is(b, T_STRING)) return typeError(name, 1, "string", b);
  if (!parseCidr(strPtr(b), lenOf(b), B_IP)) return netError(name, "invalid CIDR address: ", b);
  bPrefix = gPrefix;
  bBits = gBits;
  return boolValue(contains(A_IP, aPrefix, aBits, B_IP, 16) || contains(B_IP, bPrefix, bBits, A_IP, 16));
}
