/**
 * The policy input (the same document as buildInput) written straight to JSON text, which the
 * engine encodes into the module's memory as is: no object tree to build and stringify per request.
 * The identity part depends only on the key record and the route part only on the route, so their
 * JSON is made once per record / route object (weakly held: a record refreshed by the key cache is
 * a new object and gets a new fragment). `JSON.parse(inputJson(p))` deep-equals `buildInput(p)`,
 * with the same key order (tested).
 */
import type { KeyRecord } from "../../keys/types.ts";
import type { CompiledRoute } from "../routes/table.ts";
import { type HeaderSource, INPUT_VERSION, type InputParts, parsedPath } from "./build.ts";

const identityJson = new WeakMap<KeyRecord, string>();
const routeJson = new WeakMap<CompiledRoute, string>();

function identityOf(key: KeyRecord): string {
  let json = identityJson.get(key);
  if (json === undefined) {
    json = JSON.stringify({
      key_id: key.id,
      org: key.org,
      subject: key.subject,
      type: key.identityType,
      scopes: key.scopes,
      plan: key.plan,
      env: key.env,
      metadata: key.metadata ?? {},
    });
    identityJson.set(key, json);
  }
  return json;
}

function routeOf(route: CompiledRoute): string {
  let json = routeJson.get(route);
  if (json === undefined) {
    json = JSON.stringify({ id: route.id, upstream: route.upstream, prefix: route.prefix });
    routeJson.set(route, json);
  }
  return json;
}

function headersOf(headers: HeaderSource, allowList: readonly string[]): string {
  let out = "{";
  for (const name of allowList) {
    const v = headers.get(name);
    if (v === null) continue;
    if (out.length > 1) out += ",";
    out += JSON.stringify(name) + ":" + JSON.stringify(v);
  }
  return out + "}";
}

function queryOf(search: string): string {
  if (search.length <= 1) return "{}";
  // Keys in first-seen order with all their values, as buildInput's parseQuery yields them.
  const lists = new Map<string, string[]>();
  for (const [k, v] of new URLSearchParams(search)) {
    const list = lists.get(k);
    if (list) list.push(v);
    else lists.set(k, [v]);
  }
  let out = "{";
  for (const [k, list] of lists) {
    if (out.length > 1) out += ",";
    out += JSON.stringify(k) + ":" + JSON.stringify(list);
  }
  return out + "}";
}

/** The input document as JSON text. */
export function inputJson(p: InputParts): string {
  const headers = headersOf(p.headers, p.headerAllowList);
  const query = queryOf(p.search);
  const time = p.now.toISOString();
  const gateway = `{"version":${INPUT_VERSION},"identity":${identityOf(p.key)},"request":{"id":${
    JSON.stringify(p.requestId)
  },"method":${JSON.stringify(p.method)},"path":${JSON.stringify(p.path)},"host":${
    JSON.stringify(p.host)
  },"query":${query},"headers":${headers},"client":{"address":${
    JSON.stringify(p.clientAddress)
  }},"time":"${time}"},"route":${routeOf(p.route)}`;
  return p.envoy === undefined ? gateway + "}" : gateway + envoyJson(p, headers, query, time) + "}";
}

/** OPA-Envoy's fields, from `,"attributes"` on (buildInput's order). */
function envoyJson(p: InputParts, headers: string, query: string, time: string): string {
  const envoy = p.envoy!;
  const method = JSON.stringify(p.method);
  const target = JSON.stringify(p.path + p.search);
  const host = JSON.stringify(p.host);
  const scheme = JSON.stringify(envoy.scheme);
  const pseudo = `{":authority":${host},":method":${method},":path":${target},":scheme":${scheme}`;
  let out = `,"attributes":{"source":{"address":{"socketAddress":{"address":${
    JSON.stringify(p.clientAddress)
  },"portValue":${envoy.clientPort}}}},"request":{"time":"${time}","http":{"id":${
    JSON.stringify(p.requestId)
  },"method":${method},"headers":${
    headers.length > 2 ? pseudo + "," + headers.slice(1) : pseudo + "}"
  },"path":${target},"host":${host},"scheme":${scheme},"query":${
    JSON.stringify(p.search.slice(1))
  }}}},"parsed_path":${JSON.stringify(parsedPath(p.path))},"parsed_query":${query}`;
  const body = envoy.body;
  if (body !== undefined) {
    out += `,"parsed_body":${JSON.stringify(body.parsed) ?? "null"},"truncated_body":${body.truncated}`;
  }
  return out;
}
