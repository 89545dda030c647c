/**
 * Header handling at the proxy, per RFC 9110 §7.6.1: hop-by-hop fields (Connection, the fields it
 * lists, Keep-Alive, Proxy-Connection, TE, Transfer-Encoding, Upgrade) are not forwarded in either
 * direction. Towards the upstream the caller's credentials are removed and replaced by the
 * gateway's JWT, and the request id, forwarding fields and Via are the gateway's own.
 */

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

/** Fields the gateway sets itself towards the upstream; the caller's and the policy's are dropped. */
const GATEWAY_OWNED = [
  "host",
  "authorization",
  "x-api-key",
  "x-request-id",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "via",
  "content-length",
];

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
}

export type HeaderPairs = [string, string][];

export class HeaderRules {
  readonly #dropUp: Set<string>;
  readonly #dropDown: Set<string>;
  readonly #jwtHeader: string;
  readonly #jwtPrefix: string;
  readonly #via: string;

  constructor(opts: UpstreamHeaderOptions) {
    this.#jwtHeader = opts.jwtHeader.toLowerCase();
    this.#jwtPrefix = opts.jwtPrefix;
    this.#via = opts.via;
    this.#dropUp = new Set([...HOP_BY_HOP, ...GATEWAY_OWNED, this.#jwtHeader]);
    this.#dropDown = new Set(HOP_BY_HOP);
  }

  /**
   * Fields for the upstream request, from the caller's (lower-case names, as Headers yields them).
   * Policy headers may add fields, never gateway-owned or hop-by-hop ones.
   */
  upstream(incoming: HeaderPairs, r: UpstreamRequestFacts): HeaderPairs {
    const drop = withConnectionTokens(this.#dropUp, incoming);
    const out: HeaderPairs = [];
    for (const pair of incoming) if (!drop.has(pair[0])) out.push(pair);
    if (r.policyHeaders) {
      for (const name in r.policyHeaders) {
        const lower = name.toLowerCase();
        if (drop.has(lower)) continue;
        const i = out.findIndex((p) => p[0] === lower);
        if (i !== -1) out.splice(i, 1);
        out.push([lower, r.policyHeaders[name]]);
      }
    }
    out.push(
      [this.#jwtHeader, this.#jwtPrefix + r.token],
      ["x-request-id", r.requestId],
      ["via", this.#via],
      [
        "x-forwarded-proto",
        r.proto,
      ],
    );
    if (r.clientAddress) out.push(["x-forwarded-for", r.clientAddress]);
    if (r.host) out.push(["x-forwarded-host", r.host]);
    if (r.contentLength !== null) out.push(["content-length", r.contentLength]);
    return out;
  }

  /** Headers for the caller's response: the upstream's, without hop-by-hop fields. */
  downstream(upstream: Headers): Headers {
    const out = new Headers();
    const connection = upstream.get("connection");
    const drop = connection === null ? this.#dropDown : withTokens(this.#dropDown, connection);
    upstream.forEach((value, name) => {
      if (!drop.has(name)) out.append(name, value);
    });
    return out;
  }
}

function withConnectionTokens(base: Set<string>, pairs: HeaderPairs): Set<string> {
  let set = base;
  for (const [name, value] of pairs) if (name === "connection") set = withTokens(set, value);
  return set;
}

function withTokens(base: Set<string>, connection: string): Set<string> {
  const set = new Set(base);
  for (const token of connection.split(",")) {
    const t = token.trim().toLowerCase();
    if (t) set.add(t);
  }
  return set;
}
