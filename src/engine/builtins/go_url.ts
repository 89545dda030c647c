/**
 * Go's net/url Parse, URL.String and EscapedPath (for certificate URIs, JSON Schema formats and
 * AWS request signing):
 * the URL as Go's encoding/json writes it (Scheme, Opaque, User, Host, Path, RawPath, OmitHost,
 * ForceQuery, RawQuery, Fragment, RawFragment; User is `{}` when present, its fields being
 * unexported), and its String() form, which OPA returns as URIStrings.
 */

type Mode = "path" | "host" | "zone" | "userPassword" | "queryComponent" | "fragment";

export class UrlError extends Error {}

export interface GoUrl {
  Scheme: string;
  Opaque: string;
  User: { username: string; password?: string } | null;
  Host: string;
  Path: string;
  RawPath: string;
  OmitHost: boolean;
  ForceQuery: boolean;
  RawQuery: string;
  Fragment: string;
  RawFragment: string;
}

const isAlnum = (c: number) =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
const isHex = (c: string) => /^[0-9a-fA-F]$/.test(c);

function shouldEscape(ch: string, mode: Mode): boolean {
  const c = ch.charCodeAt(0);
  if (isAlnum(c)) return false;
  if ((mode === "host" || mode === "zone") && "!$&'()*+,;=:[]<>\"".includes(ch)) return false;
  if ("-_.~".includes(ch)) return false;
  if ("$&+,/:;=?@".includes(ch)) {
    switch (mode) {
      case "userPassword":
        return ch === "@" || ch === "/" || ch === "?" || ch === ":";
      case "queryComponent":
        return true;
      case "fragment":
        return false;
      case "path":
        return ch === "?";
    }
  }
  if (mode === "fragment" && "!()*".includes(ch)) return false;
  return true;
}

/** Go's escape over the UTF-8 bytes of s. */
function escape(s: string, mode: Mode): string {
  let out = "";
  for (const b of new TextEncoder().encode(s)) {
    const ch = String.fromCharCode(b);
    if (b >= 0x80 || shouldEscape(ch, mode)) {
      out += ch === " " && mode === "queryComponent"
        ? "+"
        : "%" + b.toString(16).toUpperCase().padStart(2, "0");
    } else out += ch;
  }
  return out;
}

/** Go's unescape (percent-decoding, with the host and zone rules), or an error. */
function unescape(s: string, mode: Mode): string {
  for (let i = 0; i < s.length;) {
    const ch = s[i];
    if (ch === "%") {
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) {
        throw new UrlError(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
      }
      const v = parseInt(s.slice(i + 1, i + 3), 16);
      if (mode === "host" && v < 0x80 && s.slice(i, i + 3) !== "%25") {
        throw new UrlError(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
      }
      if (
        mode === "zone" && v < 0x80 && s.slice(i, i + 3) !== "%25" &&
        shouldEscape(String.fromCharCode(v), "host")
      ) {
        throw new UrlError(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
      }
      i += 3;
    } else {
      if ((mode === "host" || mode === "zone") && ch.charCodeAt(0) < 0x80 && shouldEscape(ch, mode)) {
        throw new UrlError(`invalid character ${JSON.stringify(ch)} in host name`);
      }
      i++;
    }
  }
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < s.length;) {
    if (s[i] === "%") {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 3;
    } else if (s[i] === "+" && mode === "queryComponent") {
      bytes.push(0x20);
      i++;
    } else {
      const cp = s.codePointAt(i)!;
      const w = cp > 0xffff ? 2 : 1;
      bytes.push(...enc.encode(s.slice(i, i + w)));
      i += w;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) continue;
    if ((c >= 0x30 && c <= 0x39) || raw[i] === "+" || raw[i] === "-" || raw[i] === ".") {
      if (i === 0) return ["", raw];
      continue;
    }
    if (raw[i] === ":") {
      if (i === 0) throw new UrlError("missing protocol scheme");
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ["", raw];
  }
  return ["", raw];
}

const validOptionalPort = (p: string) => p === "" || /^:\d*$/.test(p);

function parseHost(host: string): string {
  if (host.startsWith("[")) {
    const i = host.lastIndexOf("]");
    if (i < 0) throw new UrlError("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) {
      throw new UrlError(`invalid port ${JSON.stringify(colonPort)} after host`);
    }
    const zone = host.slice(0, i).indexOf("%25");
    if (zone >= 0) {
      return unescape(host.slice(0, zone), "host") + unescape(host.slice(zone, i), "zone") +
        unescape(host.slice(i), "host");
    }
  } else {
    const i = host.lastIndexOf(":");
    if (i >= 0 && !validOptionalPort(host.slice(i))) {
      throw new UrlError(`invalid port ${JSON.stringify(host.slice(i))} after host`);
    }
  }
  return unescape(host, "host");
}

function parseAuthority(authority: string): [GoUrl["User"], string] {
  const i = authority.lastIndexOf("@");
  if (i < 0) return [null, parseHost(authority)];
  const host = parseHost(authority.slice(i + 1));
  const userinfo = authority.slice(0, i);
  if (![...userinfo].every((c) => isAlnum(c.charCodeAt(0)) || "-._:~!$&'()*+,;=%@".includes(c))) {
    throw new UrlError("net/url: invalid userinfo");
  }
  const colon = userinfo.indexOf(":");
  if (colon < 0) return [{ username: unescape(userinfo, "userPassword") }, host];
  return [{
    username: unescape(userinfo.slice(0, colon), "userPassword"),
    password: unescape(userinfo.slice(colon + 1), "userPassword"),
  }, host];
}

/** Go's url.Parse. */
export function parseUrl(rawUrl: string): GoUrl {
  const hash = rawUrl.indexOf("#");
  const [u, frag] = hash < 0 ? [rawUrl, undefined] : [rawUrl.slice(0, hash), rawUrl.slice(hash + 1)];
  if ([...u].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    throw new UrlError("net/url: invalid control character in URL");
  }
  const url: GoUrl = {
    Scheme: "",
    Opaque: "",
    User: null,
    Host: "",
    Path: "",
    RawPath: "",
    OmitHost: false,
    ForceQuery: false,
    RawQuery: "",
    Fragment: "",
    RawFragment: "",
  };
  if (u === "*") url.Path = "*";
  else {
    let rest: string;
    [url.Scheme, rest] = getScheme(u);
    url.Scheme = url.Scheme.toLowerCase();
    if (rest.endsWith("?") && rest.split("?").length === 2) {
      url.ForceQuery = true;
      rest = rest.slice(0, -1);
    } else {
      const q = rest.indexOf("?");
      if (q >= 0) [rest, url.RawQuery] = [rest.slice(0, q), rest.slice(q + 1)];
    }
    let opaque = false;
    if (!rest.startsWith("/")) {
      if (url.Scheme !== "") {
        url.Opaque = rest;
        opaque = true;
      } else if (rest.split("/")[0].includes(":")) {
        throw new UrlError("first path segment in URL cannot contain colon");
      }
    }
    if (!opaque) {
      if ((url.Scheme !== "" || !rest.startsWith("///")) && rest.startsWith("//")) {
        let authority = rest.slice(2);
        rest = "";
        const slash = authority.indexOf("/");
        if (slash >= 0) [authority, rest] = [authority.slice(0, slash), authority.slice(slash)];
        [url.User, url.Host] = parseAuthority(authority);
      } else if (url.Scheme !== "" && rest.startsWith("/")) {
        url.OmitHost = true;
      }
      url.Path = unescape(rest, "path");
      url.RawPath = escape(url.Path, "path") === rest ? "" : rest;
    }
  }
  if (frag !== undefined) {
    url.Fragment = unescape(frag, "fragment");
    url.RawFragment = escape(url.Fragment, "fragment") === frag ? "" : frag;
  }
  return url;
}

function validEncoded(s: string, mode: Mode): boolean {
  for (const ch of s) {
    if ("!$&'()*+,;=:@[]".includes(ch)) continue;
    if (ch === "%") continue;
    if (ch.charCodeAt(0) >= 0x80 || shouldEscape(ch, mode)) return false;
  }
  return true;
}

export function escapedPath(u: GoUrl): string {
  if (u.RawPath !== "" && validEncoded(u.RawPath, "path")) {
    try {
      if (unescape(u.RawPath, "path") === u.Path) return u.RawPath;
    } catch { /* fall through */ }
  }
  if (u.Path === "*") return "*";
  return escape(u.Path, "path");
}

function escapedFragment(u: GoUrl): string {
  if (u.RawFragment !== "" && validEncoded(u.RawFragment, "fragment")) {
    try {
      if (unescape(u.RawFragment, "fragment") === u.Fragment) return u.RawFragment;
    } catch { /* fall through */ }
  }
  return escape(u.Fragment, "fragment");
}

/** Go's URL.String. */
export function urlString(u: GoUrl): string {
  let out = "";
  if (u.Scheme !== "") out += u.Scheme + ":";
  if (u.Opaque !== "") out += u.Opaque;
  else {
    if (u.Scheme !== "" || u.Host !== "" || u.User !== null) {
      if (!(u.OmitHost && u.Host === "" && u.User === null)) {
        if (u.Host !== "" || u.Path !== "" || u.User !== null) out += "//";
        if (u.User !== null) {
          out += escape(u.User.username, "userPassword");
          if (u.User.password !== undefined) out += ":" + escape(u.User.password, "userPassword");
          out += "@";
        }
        if (u.Host !== "") out += escape(u.Host, "host");
      }
    }
    const path = escapedPath(u);
    if (path !== "" && path[0] !== "/" && u.Host !== "") out += "/";
    if (out === "" && path.split("/")[0].includes(":")) out += "./";
    out += path;
  }
  if (u.ForceQuery || u.RawQuery !== "") out += "?" + u.RawQuery;
  if (u.Fragment !== "") out += "#" + escapedFragment(u);
  return out;
}

/** The URL as Go's encoding/json writes it (Userinfo has only unexported fields). */
export function urlJson(u: GoUrl): Record<string, unknown> {
  return { ...u, User: u.User === null ? null : {} };
}
