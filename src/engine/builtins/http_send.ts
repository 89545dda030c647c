/**
 * http.send, when the operator enables it (policy.httpSend in the gateway configuration; the
 * compiler refuses it otherwise). OPA's request object and response document, with the limits a
 * gateway needs:
 *
 * - only hosts on the allow-list (`host` or `host:port`); others fail with OPA's "unallowed host";
 * - each request is bounded by the configured timeout (a request's own `timeout` may only lower
 *   it) and the response body by `maxResponseBytes`;
 * - TLS options that name files or environment variables, or that weaken verification, are refused:
 *   a policy must not read the gateway's files or secrets, nor turn off certificate checks;
 * - the serving thread waits for the answer (sync_fetch.ts): keep the allow-list short, the timeout
 *   low, and use `cache` / `force_cache` where the answers allow it.
 *
 * Caching as OPA: within one evaluation the same request gets the same answer; across evaluations
 * (`cache: true`: by the response's Cache-Control max-age or Expires; `force_cache: true`: for
 * `force_cache_duration_seconds`) responses with a cacheable status are reused, in a bounded cache.
 * `raise_error: false` turns failures into `{status_code: 0, error: {code, message}}`.
 */
import type { HostBuiltin } from "./host_builtin.ts";
import { goYamlToJson } from "./go_yaml.ts";
import { fail, isObject, obj } from "./operands.ts";
import {
  fetchSync,
  type RawResponse,
  startFetchWorker,
  SyncFetchError,
  type WorkerRequest,
} from "./sync_fetch.ts";
import { parseDuration } from "./time.ts";
import { canonicalJson } from "./values.ts";

export interface HttpSendOptions {
  /** Hosts a policy may call: "api.example.com" or "api.example.com:8443". */
  allowedHosts: string[];
  /** Upper bound of every request, in milliseconds. */
  timeoutMs: number;
  /** Larger response bodies fail the call. */
  maxResponseBytes: number;
  /** Responses kept across evaluations (cache / force_cache). */
  cacheEntries: number;
  /** Performs a request; tests replace it. Default: a worker and Atomics.wait (sync_fetch.ts). */
  transport?: (request: WorkerRequest) => RawResponse;
}

const NAME = "http.send";
/** The request keys http.send accepts (also checked by providers.aws.sign_req). */
export const HTTP_REQUEST_KEYS: ReadonlySet<string> = new Set([
  "method",
  "url",
  "body",
  "raw_body",
  "headers",
  "enable_redirect",
  "force_json_decode",
  "force_yaml_decode",
  "timeout",
  "raise_error",
  "cache",
  "force_cache",
  "force_cache_duration_seconds",
  "caching_mode",
  "max_retry_attempts",
  "cache_ignored_headers",
  "tls_use_system_certs",
  "tls_ca_cert",
  "tls_ca_cert_file",
  "tls_ca_cert_env_variable",
  "tls_client_cert",
  "tls_client_cert_file",
  "tls_client_cert_env_variable",
  "tls_client_key",
  "tls_client_key_file",
  "tls_client_key_env_variable",
  "tls_insecure_skip_verify",
  "tls_server_name",
]);
const CACHEABLE = new Set([200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501]);
const MAX_RETRIES = 3;

const decoder = new TextDecoder();

/** The per-evaluation cache is dropped when an evaluation starts (index.ts beginEvaluation). */
let evaluation = 0;
export function resetHttpSend(): void {
  evaluation++;
}

function list(v: unknown): string {
  return `{${(v as string[]).map((k) => JSON.stringify(k)).join(", ")}}`;
}

function flag(req: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = req[key];
  if (v === undefined) return fallback;
  if (typeof v !== "boolean") fail(NAME, `invalid value for "${key}" field`);
  return v as boolean;
}

/** The request's own timeout in ms (a number is nanoseconds, a string a Go duration). */
function requestTimeout(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "number") return v / 1e6;
  if (typeof v === "string") {
    const d = parseDuration(v);
    if (typeof d === "string") fail(NAME, d);
    return Number(d) / 1e6;
  }
  return fail(NAME, `invalid value for "timeout" field`);
}

function freshFor(raw: RawResponse, req: Record<string, unknown>, now: number): number | undefined {
  if (!CACHEABLE.has(raw.status)) return undefined;
  if (flag(req, "force_cache", false)) {
    const seconds = req.force_cache_duration_seconds;
    if (typeof seconds !== "number" || seconds <= 0) {
      fail(NAME, "'force_cache' set but 'force_cache_duration_seconds' parameter is missing or not positive");
    }
    return now + (seconds as number) * 1000;
  }
  if (!flag(req, "cache", false)) return undefined;
  const header = (name: string) => raw.headers.find(([k]) => k === name)?.[1];
  const control = (header("cache-control") ?? "").toLowerCase();
  if (/\bno-store\b|\bno-cache\b/.test(control)) return undefined;
  const maxAge = /\bmax-age=(\d+)/.exec(control);
  const date = Date.parse(header("date") ?? "") || now;
  if (maxAge) return date + Number(maxAge[1]) * 1000;
  const expires = Date.parse(header("expires") ?? "");
  return Number.isNaN(expires) ? undefined : now + (expires - date);
}

/** OPA's response document. */
function responseDocument(raw: RawResponse, req: Record<string, unknown>): Record<string, unknown> {
  const headers: Record<string, string[]> = {};
  for (const [k, v] of raw.headers) (headers[k.toLowerCase()] ??= []).push(v);
  if (raw.setCookies.length > 0) headers["set-cookie"] = raw.setCookies;
  const text = decoder.decode(raw.body);
  const type = (headers["content-type"] ?? []).join(",").toLowerCase();
  let body: unknown = null;
  try {
    if (text.length > 0 && (type.includes("application/json") || flag(req, "force_json_decode", false))) {
      body = JSON.parse(text);
    } else if (/application\/(x-)?yaml/.test(type) || flag(req, "force_yaml_decode", false)) {
      body = goYamlToJson(text);
    }
  } catch (e) {
    fail(NAME, `could not decode the response body: ${(e as Error).message}`);
  }
  return {
    status: `${raw.status} ${raw.statusText}`.trim(),
    status_code: raw.status,
    body,
    raw_body: text,
    headers,
  };
}

export function createHttpSend(options: HttpSendOptions): HostBuiltin {
  const allowed = new Set(options.allowedHosts.map((h) => h.toLowerCase()));
  const transport = options.transport ?? fetchSync;
  if (options.transport === undefined) startFetchWorker();
  const shared = new Map<string, { expires: number; document: Record<string, unknown> }>();
  let perEvaluation = new Map<string, Record<string, unknown>>();
  let seenEvaluation = -1;

  function send(req: Record<string, unknown>): RawResponse {
    const unknown = Object.keys(req).filter((k) => !HTTP_REQUEST_KEYS.has(k));
    if (unknown.length > 0) fail(NAME, `invalid request parameters(s): ${list(unknown)}`);
    const missing = ["method", "url"].filter((k) => req[k] === undefined);
    if (missing.length > 0) fail(NAME, `missing required request parameters(s): ${list(missing)}`);
    const tls = Object.keys(req).filter((k) => k.startsWith("tls_") && k !== "tls_use_system_certs");
    if (tls.length > 0) fail(NAME, `request parameters ${list(tls)} are not supported by this gateway`);
    if (typeof req.method !== "string" || typeof req.url !== "string") {
      fail(NAME, `invalid value for "method" or "url" field`);
    }
    let url: URL;
    try {
      url = new URL(req.url as string);
    } catch {
      return fail(NAME, `invalid url ${JSON.stringify(req.url)}`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      fail(NAME, `unsupported scheme ${url.protocol}`);
    }
    if (!allowed.has(url.hostname.toLowerCase()) && !allowed.has(url.host.toLowerCase())) {
      fail(NAME, `unallowed host: ${url.hostname}`);
    }
    const headers: [string, string][] = [];
    if (req.headers !== undefined) {
      for (const [k, v] of Object.entries(obj(NAME, req.headers, 1))) {
        if (typeof v !== "string") fail(NAME, `invalid value for header ${JSON.stringify(k)}`);
        headers.push([k, v as string]);
      }
    }
    let body: string | undefined;
    if (req.raw_body !== undefined) {
      if (typeof req.raw_body !== "string") fail(NAME, `invalid value for "raw_body" field`);
      body = req.raw_body as string;
    } else if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      if (!headers.some(([k]) => k.toLowerCase() === "content-type")) {
        headers.push(["Content-Type", "application/json"]);
      }
    }
    const own = requestTimeout(req.timeout);
    const timeoutMs = Math.max(1, Math.min(options.timeoutMs, own ?? options.timeoutMs));
    const retries = Math.min(
      MAX_RETRIES,
      typeof req.max_retry_attempts === "number" ? req.max_retry_attempts : 0,
    );
    const request: WorkerRequest = {
      method: (req.method as string).toUpperCase(),
      url: url.href,
      headers,
      body,
      redirect: flag(req, "enable_redirect", false),
      timeoutMs,
      maxBytes: options.maxResponseBytes,
    };
    for (let attempt = 0;; attempt++) {
      try {
        return transport(request);
      } catch (e) {
        if (!(e instanceof SyncFetchError) || attempt >= retries) throw e;
      }
    }
  }

  return (request) => {
    const req = obj(NAME, request, 1);
    if (seenEvaluation !== evaluation) {
      perEvaluation = new Map();
      seenEvaluation = evaluation;
    }
    const ignored = Array.isArray(req.cache_ignored_headers) ? new Set(req.cache_ignored_headers) : new Set();
    const keyed = isObject(req.headers)
      ? { ...req, headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => !ignored.has(k))) }
      : req;
    const key = canonicalJson(keyed);
    const cached = perEvaluation.get(key);
    if (cached) return cached;
    const now = Date.now();
    const hit = shared.get(key);
    if (hit && hit.expires > now) {
      perEvaluation.set(key, hit.document);
      return hit.document;
    }
    let document: Record<string, unknown>;
    try {
      const raw = send(req);
      document = responseDocument(raw, req);
      const expires = freshFor(raw, req, now);
      if (expires !== undefined && expires > now && options.cacheEntries > 0) {
        shared.delete(key);
        shared.set(key, { expires, document });
        if (shared.size > options.cacheEntries) shared.delete(shared.keys().next().value!);
      }
    } catch (e) {
      if (flag(req, "raise_error", true)) {
        if (e instanceof SyncFetchError) fail(NAME, e.message);
        throw e;
      }
      const message = e instanceof Error ? e.message.replace(/^http\.send: /, "") : String(e);
      document = { status_code: 0, error: { code: "eval_http_send_network_error", message } };
    }
    perEvaluation.set(key, document);
    return document;
  };
}
