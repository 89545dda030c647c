/**
 * uri.parse and uri.is_valid: OPA wraps Go's net/url.Parse, reimplemented here (on UTF-8 bytes,
 * as Go parses). uri.parse gives the components OPA exposes, each only when non-empty: scheme
 * (lowercased), hostname, port, path, raw_path (the path as written when its escaping differs, else
 * the path), raw_query, fragment; userinfo and an opaque part are dropped. A string url.Parse
 * rejects makes uri.parse undefined and uri.is_valid false; so does "" for uri.is_valid (OPA's
 * choice, though url.Parse accepts it).
 */
import type { HostBuiltin } from "./host_builtin.ts";
import { parseIp } from "./net.ts";
import { str } from "./operands.ts";

type Mode = "path" | "host" | "zone" | "userinfo" | "fragment";

class UrlError extends Error {}

const encoder = new TextEncoder();
const decoder = new TextDecoder(); // invalid UTF-8 becomes U+FFFD, as OPA's JSON shows it

const isAlnum = (c: number) =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
const isHex = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const unhex = (c: number) => (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10);

/** Go's shouldEscape for the modes url.Parse uses. */
function shouldEscape(c: number, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  const ch = String.fromCharCode(c);
  if ((mode === "host" || mode === "zone") && `!$&'()*+,;=:[]<>"`.includes(ch)) return false;
  if ("-_.~".includes(ch)) return false;
  if ("$&+,/:;=?@".includes(ch)) {
    if (mode === "path") return ch === "?";
    if (mode === "userinfo") return "@/?:".includes(ch);
    if (mode === "fragment") return false;
    return true;
  }
  if (mode === "fragment" && "!()*".includes(ch)) return false;
  return true;
}

/** Go's unescape: percent-decoding with its validation rules per mode. */
function unescape(s: Uint8Array, mode: Mode): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length;) {
    const c = s[i];
    if (c === 0x25) {
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) throw new UrlError("invalid URL escape");
      const v = (unhex(s[i + 1]) << 4) | unhex(s[i + 2]);
      const is25 = s[i + 1] === 0x32 && s[i + 2] === 0x35;
      if (mode === "host" && unhex(s[i + 1]) < 8 && !is25) throw new UrlError("invalid URL escape");
      if (mode === "zone" && !is25 && v !== 0x20 && shouldEscape(v, "host")) {
        throw new UrlError("invalid URL escape");
      }
      out.push(v);
      i += 3;
      continue;
    }
    if ((mode === "host" || mode === "zone") && c < 0x80 && shouldEscape(c, mode)) {
      throw new UrlError("invalid character in host name");
    }
    out.push(c);
    i++;
  }
  return Uint8Array.from(out);
}

const HEX = "0123456789ABCDEF";

function escapePath(s: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (const c of s) {
    if (shouldEscape(c, "path")) out.push(0x25, HEX.charCodeAt(c >> 4), HEX.charCodeAt(c & 15));
    else out.push(c);
  }
  return Uint8Array.from(out);
}

const text = (b: Uint8Array) => decoder.decode(b);
const bytesEqual = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const indexOf = (b: Uint8Array, c: number, from = 0) => b.indexOf(c, from);
const lastIndexOf = (b: Uint8Array, c: number) => b.lastIndexOf(c);

function validOptionalPort(port: Uint8Array): boolean {
  if (port.length === 0) return true;
  if (port[0] !== 0x3a) return false;
  return port.subarray(1).every((c) => c >= 0x30 && c <= 0x39);
}

/** Go's parseHost, with the IPv6 literal check of current Go (netip.ParseAddr, no bare IPv4). */
function parseHost(host: Uint8Array): Uint8Array {
  if (host[0] === 0x5b) {
    const close = lastIndexOf(host, 0x5d);
    if (close < 0) throw new UrlError("missing ']' in host");
    if (!validOptionalPort(host.subarray(close + 1))) throw new UrlError("invalid port after host");
    const literal = host.subarray(1, close);
    const zoneAt = text(literal).indexOf("%25");
    let address = literal, zone: Uint8Array = new Uint8Array();
    if (zoneAt >= 0) {
      address = literal.subarray(0, zoneAt);
      zone = unescape(literal.subarray(zoneAt), "zone").subarray(1);
      if (zone.length === 0) throw new UrlError("empty zone");
    }
    const addr = text(unescape(address, "host"));
    const ip = parseIp(addr);
    if (ip === undefined || !addr.includes(":")) throw new UrlError("invalid IPv6 host");
    const head = unescape(host.subarray(0, zoneAt >= 0 ? 1 + zoneAt : close), "host");
    const tail = unescape(host.subarray(close), "host");
    return zoneAt >= 0
      ? Uint8Array.from([...head, 0x25, ...zone, ...tail])
      : Uint8Array.from([...head, ...tail]);
  }
  const colon = lastIndexOf(host, 0x3a);
  if (colon >= 0 && !validOptionalPort(host.subarray(colon))) throw new UrlError("invalid port after host");
  return unescape(host, "host");
}

function validUserinfo(s: Uint8Array): boolean {
  return s.every((c) => isAlnum(c) || "-._:~!$&'()*+,;=%@".includes(String.fromCharCode(c)));
}

export interface ParsedUrl {
  scheme: string;
  host: Uint8Array;
  path: Uint8Array;
  rawPath: Uint8Array;
  rawQuery: Uint8Array;
  fragment: Uint8Array;
}

/** Go's url.Parse. Throws UrlError where it returns an error. */
export function parseUrl(raw: string): ParsedUrl {
  const all = encoder.encode(raw);
  const hash = indexOf(all, 0x23);
  const head = hash < 0 ? all : all.subarray(0, hash);
  const fragment = hash < 0 ? new Uint8Array() : unescape(all.subarray(hash + 1), "fragment");
  if (head.some((c) => c < 0x20 || c === 0x7f)) throw new UrlError("invalid control character in URL");
  const url: ParsedUrl = {
    scheme: "",
    host: new Uint8Array(),
    path: new Uint8Array(),
    rawPath: new Uint8Array(),
    rawQuery: new Uint8Array(),
    fragment,
  };
  if (head.length === 1 && head[0] === 0x2a) {
    url.path = url.rawPath = head;
    return url;
  }
  let rest = head;
  for (let i = 0; i < head.length; i++) {
    const c = head[i];
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) continue;
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      if (i === 0) break;
      continue;
    }
    if (c === 0x3a) {
      if (i === 0) throw new UrlError("missing protocol scheme");
      url.scheme = text(head.subarray(0, i)).toLowerCase();
      rest = head.subarray(i + 1);
    }
    break;
  }
  const question = indexOf(rest, 0x3f);
  if (question >= 0) {
    url.rawQuery = rest.subarray(question + 1);
    rest = rest.subarray(0, question);
  }
  if (rest[0] !== 0x2f) {
    if (url.scheme !== "") return url; // opaque
    const slash = indexOf(rest, 0x2f);
    if ((slash < 0 ? rest : rest.subarray(0, slash)).includes(0x3a)) {
      throw new UrlError("first path segment in URL cannot contain colon");
    }
  }
  const hasAuthority = rest[0] === 0x2f && rest[1] === 0x2f &&
    (url.scheme !== "" || !(rest[2] === 0x2f));
  if (hasAuthority) {
    let authority = rest.subarray(2);
    const slash = indexOf(authority, 0x2f);
    rest = slash < 0 ? new Uint8Array() : authority.subarray(slash);
    if (slash >= 0) authority = authority.subarray(0, slash);
    const at = lastIndexOf(authority, 0x40);
    url.host = parseHost(at < 0 ? authority : authority.subarray(at + 1));
    if (at >= 0) {
      const userinfo = authority.subarray(0, at);
      if (!validUserinfo(userinfo)) throw new UrlError("invalid userinfo");
      const colon = indexOf(userinfo, 0x3a);
      unescape(colon < 0 ? userinfo : userinfo.subarray(0, colon), "userinfo");
      if (colon >= 0) unescape(userinfo.subarray(colon + 1), "userinfo");
    }
  }
  url.path = unescape(rest, "path");
  url.rawPath = bytesEqual(escapePath(url.path), rest) ? url.path : rest;
  return url;
}

/** Go's URL.Hostname and URL.Port. */
function splitHostPort(host: Uint8Array): [Uint8Array, Uint8Array] {
  let name = host, port: Uint8Array = new Uint8Array();
  const colon = lastIndexOf(host, 0x3a);
  if (colon >= 0 && validOptionalPort(host.subarray(colon))) {
    name = host.subarray(0, colon);
    port = host.subarray(colon + 1);
  }
  if (name[0] === 0x5b && name[name.length - 1] === 0x5d) name = name.subarray(1, name.length - 1);
  return [name, port];
}

function parsed(s: string): ParsedUrl | undefined {
  try {
    return parseUrl(s);
  } catch (e) {
    if (e instanceof UrlError) return undefined;
    throw e;
  }
}

export const URI_BUILTINS: Record<string, HostBuiltin> = {
  "uri.parse": (s) => {
    const url = parsed(str("uri.parse", s, 1));
    if (url === undefined) return undefined;
    const [hostname, port] = splitHostPort(url.host);
    const out: Record<string, string> = {};
    const put = (key: string, value: string | Uint8Array) => {
      const v = typeof value === "string" ? value : text(value);
      if (v !== "") out[key] = v;
    };
    put("scheme", url.scheme);
    put("hostname", hostname);
    put("port", port);
    put("path", url.path);
    if (url.path.length > 0) put("raw_path", url.rawPath);
    put("raw_query", url.rawQuery);
    put("fragment", url.fragment);
    return out;
  },
  "uri.is_valid": (s) => typeof s === "string" && s !== "" && parsed(s) !== undefined,
};
