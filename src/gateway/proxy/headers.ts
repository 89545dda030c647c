/**
 * Header handling at the proxy, per RFC 9110 §7.6.1: hop-by-hop fields (Connection, the fields it
 * lists, Keep-Alive, Proxy-Connection, TE, Transfer-Encoding, Upgrade) are not forwarded in either
 * direction. Towards the upstream the caller's credentials are removed and replaced by the
 * gateway's JWT, and the request id, forwarding fields and Via are the gateway's own.
 *
 * - The caller's `Connection` only removes the caller's own fields: never one the gateway or the
 *   policy sets (`Connection: x-gateway-org` cannot delete the policy's X-Gateway-Org).
 * - Fields a caller could use to claim another client address, another URL or another method
 *   (`Forwarded`, every `X-Forwarded-*`, `X-Real-IP`, `True-Client-IP`, `X-Original-URL`,
 *   `X-HTTP-Method-Override`, …) are removed; the gateway sets `X-Forwarded-For/-Host/-Proto`
 *   itself. A policy cannot set them either.
 * - `Accept-Encoding: identity` goes to the upstream whatever the caller asked: Deno's fetch
 *   decompresses a gzip or br response unless the request's Accept-Encoding is exactly
 *   `identity`, and then still reports the upstream's Content-Encoding and Content-Length, so a
 *   compressed answer would reach the client decoded under headers saying otherwise (pinned by
 *   fetch_encoding.test.ts). With `identity` the upstream's bytes pass untouched (an upstream
 *   that compresses anyway is passed through compressed, with its own, true, headers).
 */

import type { RateLimitOutcome } from "../ratelimit/types.ts";
import { rateLimitHeaders } from "../throttle/headers.ts";

/**
 * The fields the throttle sets on an answer to a request it let through (throttle/headers.ts;
 * Retry-After only on its own 429, so an upstream's passes).
 */
const RATE_LIMIT_FIELDS = ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"];

const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "transfer-encoding",
  "upgrade",
  "trailer",
  "proxy-authorization",
  "proxy-authenticate",
];

/**
 * Fields the gateway sets itself towards the upstream, or that nobody but the gateway may set:
 * the caller's and the policy's are dropped. Every `x-forwarded-*` field is dropped too
 * (isForwardingField).
 */
const GATEWAY_OWNED = [
  "host",
  "authorization",
  "x-api-key",
  "x-request-id",
  "via",
  "content-length",
  "accept-encoding",
  // An expectation is between the caller and the gateway, whose server has answered a
  // `100-continue` already (and undici refuses to send one).
  "expect",
  // Client address and forwarding claims.
  "forwarded",
  "x-real-ip",
  "true-client-ip",
  "x-client-ip",
  "x-cluster-client-ip",
  "cf-connecting-ip",
  "fastly-client-ip",
  "x-original-forwarded-for",
  // URL and method overrides some frameworks honour.
  "x-original-url",
  "x-original-uri",
  "x-rewrite-url",
  "x-http-method-override",
  "x-http-method",
  "x-method-override",
];

/** `x-forwarded-for`, `-host`, `-proto`, `-port`, `-prefix`, `-server`, …: never the caller's. */
function isForwardingField(name: string): boolean {
  return name.charCodeAt(0) === 120 && name.startsWith("x-forwarded-"); // "x"
}

/** The names a `Connection` field lists (lower-case), or null when it lists none. */
export function connectionTokens(value: string): Set<string> | null {
  let set: Set<string> | null = null;
  for (const token of value.split(",")) {
    const t = token.trim().toLowerCase();
    if (t) (set ??= new Set()).add(t);
  }
  return set;
}

export interface UpstreamHeaderOptions {
  /** Header carrying the JWT; "authorization" by default. */
  jwtHeader: string;
  /** Prefix of the JWT value, e.g. "Bearer " (with the space), or "". */
  jwtPrefix: string;
  /** Value of the `Via` field, e.g. "1.1 policy-gateway". */
  via: string;
}

export interface UpstreamRequestFacts {
  token: string;
  requestId: string;
  clientAddress: string;
  host: string;
  proto: string;
  contentLength: string | null;
  policyHeaders?: Record<string, string>;
  /** Lower-case names of the caller's fields the policy removed (OPA-Envoy's request_headers_to_remove). */
  removeHeaders?: readonly string[];
  /** What the caller's Connection field lists; read from `incoming` when not given. */
  connectionTokens?: ReadonlySet<string> | null;
}

export type HeaderPairs = [string, string][];

/** Response fields as undici gives them: lower-case names, repeated fields as arrays. */
export type FieldRecord = Record<string, string | string[] | undefined>;

export class HeaderRules {
  readonly #dropUp: Set<string>;
  readonly #dropDown: Set<string>;
  readonly #dropDownStamped: Set<string>;
  readonly #dropDownStampedLimited: Set<string>;
  readonly #jwtHeader: string;
  readonly #jwtPrefix: string;
  readonly #via: string;

  constructor(opts: UpstreamHeaderOptions) {
    this.#jwtHeader = opts.jwtHeader.toLowerCase();
    this.#jwtPrefix = opts.jwtPrefix;
    this.#via = opts.via;
    this.#dropUp = new Set([...HOP_BY_HOP, ...GATEWAY_OWNED, this.#jwtHeader]);
    this.#dropDown = new Set(HOP_BY_HOP);
    this.#dropDownStamped = new Set([...HOP_BY_HOP, "x-request-id"]);
    this.#dropDownStampedLimited = new Set([...this.#dropDownStamped, ...RATE_LIMIT_FIELDS]);
  }

  /**
   * Fields for the upstream request, from the caller's (lower-case names, as Headers yields them).
   * Policy headers may add fields, never gateway-owned, forwarding or hop-by-hop ones.
   */
  upstream(incoming: HeaderPairs, r: UpstreamRequestFacts): HeaderPairs {
    const drop = this.#dropUp;
    const tokens = r.connectionTokens === undefined ? tokensOf(incoming) : r.connectionTokens;
    const removed = r.removeHeaders !== undefined && r.removeHeaders.length > 0 ? r.removeHeaders : null;
    const out: HeaderPairs = [];
    for (const pair of incoming) {
      const name = pair[0];
      if (drop.has(name) || isForwardingField(name) || (tokens !== null && tokens.has(name))) continue;
      if (removed !== null && removed.includes(name)) continue;
      out.push(pair);
    }
    if (r.policyHeaders) {
      for (const name in r.policyHeaders) {
        const lower = name.toLowerCase();
        if (drop.has(lower) || isForwardingField(lower)) continue;
        const i = out.findIndex((p) => p[0] === lower);
        if (i !== -1) out.splice(i, 1);
        out.push([lower, r.policyHeaders[name]]);
      }
    }
    out.push(
      [this.#jwtHeader, this.#jwtPrefix + r.token],
      ["x-request-id", r.requestId],
      ["via", this.#via],
      ["x-forwarded-proto", r.proto],
      ["accept-encoding", "identity"],
    );
    if (r.clientAddress) out.push(["x-forwarded-for", r.clientAddress]);
    if (r.host) out.push(["x-forwarded-host", r.host]);
    if (r.contentLength !== null) out.push(["content-length", r.contentLength]);
    return out;
  }

  /**
   * Fields for the caller's response: the upstream's (a Headers, or undici's record with repeated
   * fields as arrays), without hop-by-hop fields.
   */
  downstream(upstream: Headers | FieldRecord): HeaderPairs {
    return this.#downstream(upstream, this.#dropDown);
  }

  /**
   * The caller's response fields with the gateway's own set in them at once, as the pipeline and
   * the throttle would set them afterwards (replacing the upstream's): X-Request-Id, and the
   * RateLimit-* fields when the request was limited.
   */
  downstreamStamped(upstream: Headers | FieldRecord, requestId: string, rateLimit: RateLimitOutcome | null) {
    const out = this.#downstream(
      upstream,
      rateLimit === null ? this.#dropDownStamped : this.#dropDownStampedLimited,
    );
    out.push(["x-request-id", requestId]);
    if (rateLimit !== null) {
      const h = rateLimitHeaders(rateLimit);
      for (const name in h) out.push([name, h[name]]);
    }
    return out;
  }

  #downstream(upstream: Headers | FieldRecord, base: Set<string>): HeaderPairs {
    const out: HeaderPairs = [];
    if (upstream instanceof Headers) {
      const connection = upstream.get("connection");
      const drop = connection === null ? base : withTokens(base, connection);
      upstream.forEach((value, name) => {
        if (!drop.has(name)) out.push([name, value]);
      });
      return out;
    }
    const connection = upstream["connection"];
    const drop = connection === undefined
      ? base
      : withTokens(base, typeof connection === "string" ? connection : connection.join(","));
    for (const name in upstream) {
      const value = upstream[name];
      if (value === undefined || drop.has(name)) continue;
      if (typeof value === "string") out.push([name, value]);
      else for (const v of value) out.push([name, v]);
    }
    return out;
  }
}

function tokensOf(pairs: HeaderPairs): Set<string> | null {
  for (const [name, value] of pairs) if (name === "connection") return connectionTokens(value);
  return null;
}

function withTokens(base: Set<string>, connection: string): Set<string> {
  const set = new Set(base);
  for (const token of connection.split(",")) {
    const t = token.trim().toLowerCase();
    if (t) set.add(t);
  }
  return set;
}
