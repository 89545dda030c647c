/**
 * The request's one canonical target — method, host, path and query — read from the raw request
 * once and then used by every stage: routing, the policy input, the decision cache key, the
 * decision log and the upstream URL. Nothing downstream reads `Request.url` or Hono's `c.req.path`
 * (which percent-decodes) to decide anything.
 *
 * Deno's server gives `Request.url` as scheme + "://" + authority + the raw request target, with no
 * normalisation at all: the authority is the Host header (or, for an absolute-form target, the
 * target's own authority; or "localhost:PORT" when the request has neither). Hence:
 * - the authority must be a plain host[:port] (letters, digits, `-._~`, or a bracketed IPv6
 *   literal) and equal the Host header when there is one. This refuses an absolute-form target
 *   naming another host than Host (the gateway is not a forward proxy), a target with userinfo,
 *   and a Host header that would shift where the path starts (`Host: x/api` makes the URL
 *   `http://x/api/…`). An absolute-form target naming the Host's own authority cannot be told
 *   from origin-form and is served as such. The asterisk-form (`OPTIONS *`) reaches us as the path
 *   `/*` and is treated as that path, consistently everywhere;
 * - a fragment (`#`) is refused: it has no place in a request target (RFC 9112 §3.2);
 * - the path is normalised or refused (normalize.ts); raw non-ASCII is refused there;
 * - the method is upper-cased (the policy, routing and the upstream see the same method);
 *   CONNECT, TRACE and TRACK are refused (405): the gateway proxies none of them;
 * - credential parameters are removed from the query (query.ts).
 * The host is lower-cased. The result is cached on the request: Hono's router asks for the path
 * first (app.ts passes `hostPath` as its getPath), the pipeline's first stage reads the rest.
 */
import type { ReasonId } from "../errors/reasons.ts";
import { normalizePath, PathRefusal } from "./normalize.ts";
import { stripCredentialParams } from "./query.ts";

export interface RequestTarget {
  /** Upper-cased. */
  method: string;
  /** host[:port], lower-cased. */
  host: string;
  /** Canonical (normalize.ts). */
  path: string;
  /** "" or "?…", credential parameters removed. */
  search: string;
}

export class TargetRefusal {
  constructor(readonly reason: ReasonId, readonly detail: string) {}
}

export interface TargetOptions {
  /** The listener's scheme: a URL with another one is an absolute-form target claiming it. */
  scheme: "http" | "https";
  /** Lower-case query parameter names removed as credentials. */
  credentialParams: ReadonlySet<string>;
}

const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

/** Parses the target (no cache: see `targetOf`). */
export function parseTarget(req: Request, opts: TargetOptions): RequestTarget | TargetRefusal {
  let method = req.method;
  if (!isUpperCase(method)) method = method.toUpperCase();
  if (FORBIDDEN_METHODS.has(method)) return new TargetRefusal("method_not_allowed", `method ${method}`);

  const url = req.url;
  const scheme = opts.scheme;
  // url = scheme "://" authority path-abempty [ "?" query ] [ "#" fragment ]
  if (!url.startsWith(scheme) || !url.startsWith("://", scheme.length)) {
    return new TargetRefusal("target_invalid", "absolute-form target with another scheme");
  }
  const authorityStart = scheme.length + 3;
  const pathStart = url.indexOf("/", authorityStart);
  if (pathStart === -1) return new TargetRefusal("target_invalid", "no path in the request target");
  const authority = url.slice(authorityStart, pathStart);
  const hostHeader = req.headers.get("host");
  if (hostHeader !== null && hostHeader !== authority) {
    return new TargetRefusal("target_invalid", "the target's authority is not the Host header");
  }
  if (!isHostPort(authority)) return new TargetRefusal("target_invalid", "Host is not a host[:port]");

  if (url.indexOf("#", pathStart) !== -1) {
    return new TargetRefusal("target_invalid", "fragment in the request target");
  }
  const q = url.indexOf("?", pathStart);
  const path = normalizePath(q === -1 ? url.slice(pathStart) : url.slice(pathStart, q));
  if (path instanceof PathRefusal) return new TargetRefusal("path_invalid", path.problem);
  const search = q === -1 || q === url.length - 1
    ? ""
    : stripCredentialParams(url.slice(q), opts.credentialParams);
  return { method, host: isLowerCase(authority) ? authority : authority.toLowerCase(), path, search };
}

const CACHED = Symbol("gateway.target");

/** The request's target, parsed once per Request object. */
export function targetOf(req: Request, opts: TargetOptions): RequestTarget | TargetRefusal {
  const holder = req as unknown as { [CACHED]?: RequestTarget | TargetRefusal };
  return holder[CACHED] ??= parseTarget(req, opts);
}

/**
 * Hono's `getPath`: the canonical path, so that Hono routes the operational endpoints on the same
 * path as the pipeline. A refused target gets a path no route but the pipeline's catch-all matches
 * (its first stage then answers the refusal).
 */
export function honoGetPath(opts: TargetOptions): (req: Request) => string {
  return (req) => {
    const t = targetOf(req, opts);
    return t instanceof TargetRefusal ? REFUSED_PATH : t.path;
  };
}

export const REFUSED_PATH = "/\u0000refused";

function isUpperCase(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) return false;
  }
  return true;
}

function isLowerCase(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return false;
  }
  return true;
}

/** host [":" port]: a reg-name of unreserved characters or a bracketed IPv6 literal; port digits. */
export function isHostPort(s: string): boolean {
  let i = 0;
  const n = s.length;
  if (n === 0) return false;
  if (s.charCodeAt(0) === 0x5b) { // "["
    const close = s.indexOf("]");
    if (close < 2) return false;
    for (i = 1; i < close; i++) {
      const c = s.charCodeAt(i);
      if (!(isHexDigit(c) || c === 0x3a || c === 0x2e)) return false; // hex, ":", "."
    }
    i = close + 1;
  } else {
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x3a) break; // ":"
      if (
        !((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d ||
          c === 0x2e || c === 0x5f || c === 0x7e)
      ) return false;
    }
    if (i === 0) return false;
  }
  if (i === n) return true;
  if (s.charCodeAt(i) !== 0x3a || i + 1 === n || n - i - 1 > 5) return false;
  for (i++; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
