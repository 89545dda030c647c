/**
 * Builds the policy's input document (schema/input.v1.json). Pure: everything it needs comes in as
 * arguments, so the same request always yields the same document. A new field must also be taught
 * to the decision cache (decision/cache.ts, keyParts), which until then does not cache policies
 * reading it.
 *
 * With `policy.inputFormat: envoy` the document also carries OPA-Envoy's shape (the ext_authz v3
 * CheckRequest as OPA-Envoy gives it: `attributes.request.http`, `attributes.source`, `parsed_path`,
 * `parsed_query`, and `parsed_body` / `truncated_body` when the body is read), made from the same
 * canonical request the gateway's own fields are: the same allow-listed headers (never a credential),
 * the same query without credential parameters. OPA-Envoy's `input.version` object is not given:
 * `version` stays the gateway's schema version.
 */
import type { KeyRecord } from "../../keys/types.ts";
import type { CompiledRoute } from "../routes/table.ts";

export const INPUT_VERSION = 1;

export interface InputV1 {
  version: 1;
  identity: {
    key_id: string;
    org: string;
    subject: string;
    type: string;
    scopes: string[];
    plan: string;
    env: string;
    /** The key's operator-set metadata (keys/manage.ts: bounded string map; {} when none). */
    metadata: Record<string, string>;
  };
  request: {
    id: string;
    method: string;
    path: string;
    host: string;
    query: Record<string, string[]>;
    headers: Record<string, string>;
    client: { address: string };
    /** RFC 3339, UTC. */
    time: string;
  };
  route: { id: string; upstream: string; prefix: string };
  /** OPA-Envoy's fields (inputFormat envoy only). */
  attributes?: EnvoyAttributes;
  parsed_path?: string[];
  parsed_query?: Record<string, string[]>;
  parsed_body?: unknown;
  truncated_body?: boolean;
}

/** `input.attributes` as OPA-Envoy gives it (ext_authz v3 AttributeContext, protojson names). */
export interface EnvoyAttributes {
  source: { address: { socketAddress: { address: string; portValue: number } } };
  request: {
    time: string;
    http: {
      id: string;
      method: string;
      /** Lower-case names, with Envoy's pseudo-headers (:authority, :method, :path, :scheme). */
      headers: Record<string, string>;
      /** Path and query, as Envoy's `path` is. */
      path: string;
      host: string;
      scheme: string;
      /** The query without its "?" (credential parameters removed). */
      query: string;
    };
  };
}

/** What OPA-Envoy's shape needs beyond the gateway's parts. */
export interface EnvoyParts {
  scheme: string;
  clientPort: number;
  /** The request body, when the policy asked for it (policy.envoy.parseBody) and it is JSON. */
  body?: { parsed: unknown; truncated: boolean };
}

/** Where the input's header values come from: the request's headers, less hop-by-hop ones. */
export interface HeaderSource {
  get(name: string): string | null;
}

export interface InputParts {
  key: KeyRecord;
  route: CompiledRoute;
  requestId: string;
  method: string;
  path: string;
  host: string;
  /** The URL's search part, "?a=1" or "" (canonical: credential parameters removed). */
  search: string;
  headers: HeaderSource;
  /** Lower-case header names copied into `request.headers`. */
  headerAllowList: readonly string[];
  clientAddress: string;
  now: Date;
  /** Also OPA-Envoy's input shape (policy.inputFormat: envoy). */
  envoy?: EnvoyParts;
}

export function buildInput(p: InputParts): InputV1 {
  const headers: Record<string, string> = {};
  for (const name of p.headerAllowList) {
    const v = p.headers.get(name);
    if (v !== null) headers[name] = v;
  }
  const doc: InputV1 = {
    version: INPUT_VERSION,
    identity: {
      key_id: p.key.id,
      org: p.key.org,
      subject: p.key.subject,
      type: p.key.identityType,
      scopes: p.key.scopes,
      plan: p.key.plan,
      env: p.key.env,
      metadata: p.key.metadata ?? {},
    },
    request: {
      id: p.requestId,
      method: p.method,
      path: p.path,
      host: p.host,
      query: parseQuery(p.search),
      headers,
      client: { address: p.clientAddress },
      time: p.now.toISOString(),
    },
    route: { id: p.route.id, upstream: p.route.upstream, prefix: p.route.prefix },
  };
  const envoy = p.envoy;
  if (envoy === undefined) return doc;
  doc.attributes = {
    source: { address: { socketAddress: { address: p.clientAddress, portValue: envoy.clientPort } } },
    request: {
      time: doc.request.time,
      http: {
        id: p.requestId,
        method: p.method,
        headers: {
          ":authority": p.host,
          ":method": p.method,
          ":path": p.path + p.search,
          ":scheme": envoy.scheme,
          ...headers,
        },
        path: p.path + p.search,
        host: p.host,
        scheme: envoy.scheme,
        query: p.search.slice(1),
      },
    },
  };
  doc.parsed_path = parsedPath(p.path);
  doc.parsed_query = parseQuery(p.search);
  if (envoy.body !== undefined) {
    doc.parsed_body = envoy.body.parsed;
    doc.truncated_body = envoy.body.truncated;
  }
  return doc;
}

/**
 * The path's segments after its leading slashes, each percent-decoded, as OPA-Envoy splits the
 * decoded URL path ("/" gives [""]). The canonical path has no encoded slash (target/normalize.ts),
 * so decoding cannot make new segments; a segment that does not decode stays as it is.
 */
export function parsedPath(path: string): string[] {
  let i = 0;
  while (path.charCodeAt(i) === 47) i++; // "/"
  return path.slice(i).split("/").map((seg) => {
    if (!seg.includes("%")) return seg;
    try {
      return decodeURIComponent(seg);
    } catch {
      return seg;
    }
  });
}

function parseQuery(search: string): Record<string, string[]> {
  // No prototype: "__proto__" or "constructor" in a query string are plain keys here.
  const out: Record<string, string[]> = Object.create(null);
  if (search.length <= 1) return out;
  for (const [k, v] of new URLSearchParams(search)) {
    const list = out[k];
    if (list) list.push(v);
    else out[k] = [v];
  }
  return out;
}
