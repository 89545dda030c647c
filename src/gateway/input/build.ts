/**
 * Builds the policy's input document (schema/input.v1.json). Pure: everything it needs comes in as
 * arguments, so the same request always yields the same document. A new field must also be taught
 * to the decision cache (decision/cache.ts, keyParts), which until then does not cache policies
 * reading it.
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
}

export function buildInput(p: InputParts): InputV1 {
  const headers: Record<string, string> = {};
  for (const name of p.headerAllowList) {
    const v = p.headers.get(name);
    if (v !== null) headers[name] = v;
  }
  return {
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
