/**
 * The gateway's configuration file (YAML or JSON), checked with zod. Every field has a default, so
 * an empty file (or none) is a working demo configuration. Secrets never go in this file: they
 * come from environment variables (README.md, "Environment variables").
 */
import { z } from "zod";
import { DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT_MS } from "../engine/instance/limits.ts";

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FORBIDDEN_INPUT_HEADERS = new Set(["authorization", "x-api-key", "proxy-authorization", "cookie"]);
/**
 * Client-address and forwarding fields: a caller sets them at will and the gateway removes them
 * before the upstream (src/gateway/proxy/headers.ts), so a policy must not decide on them
 * (`input.request.client.address` is the address the gateway saw). Every `x-forwarded-*` too.
 */
const FORWARDING_INPUT_HEADERS = new Set([
  "forwarded",
  "x-real-ip",
  "true-client-ip",
  "x-client-ip",
  "x-cluster-client-ip",
  "cf-connecting-ip",
  "fastly-client-ip",
  "x-original-url",
  "x-original-uri",
  "x-rewrite-url",
  "x-http-method-override",
  "x-http-method",
  "x-method-override",
  "host",
]);
const ms = (def: number) => z.number().int().positive().default(def);

function urlWithCredentials(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return url.username !== "" || url.password !== "";
  } catch {
    return false;
  }
}

/**
 * An OPA-style HTTP service (decision-log upload, status reports): a base URL without credentials
 * (a bearer token comes from the environment variable the section names), and the path under it.
 */
const serviceSchema = (resource: string, tokenEnv: string) =>
  z.object({
    url: z.url({ protocol: /^https?$/, error: "an http(s) URL" }).refine(
      (v) => !urlWithCredentials(v),
      `the URL must not carry credentials (user:password@): set $${tokenEnv}`,
    ),
    /** Path under `url` the reports are POSTed to (OPA's `resource`). */
    resource: z.string().startsWith("/").default(resource),
    /** Deadline of one upload. */
    timeoutMs: ms(10_000),
  }).strict();

const routeSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "an id of letters, digits, . _ -"),
  prefix: z.string().startsWith("/", 'a path prefix starts with "/"'),
  hosts: z.array(z.string().min(1)).optional(),
  methods: z.array(z.string().regex(/^[A-Za-z]+$/)).optional(),
  upstream: z.url({ protocol: /^https?$/, error: "an http(s) URL" }),
  stripPrefix: z.boolean().optional(),
  audience: z.string().min(1).optional(),
}).strict();

export const configSchema = z.object({
  server: z.object({
    hostname: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(8080),
    /**
     * Keep a caller's well-formed X-Request-Id instead of making one. Only behind a proxy that
     * sets it: a caller could otherwise reuse another request's id in the logs.
     */
    trustRequestId: z.boolean().default(false),
    /**
     * A listener of its own for /healthz, /readyz, /metrics and the admin API (/admin), e.g. on
     * an internal interface; the main listener then answers 404 for them. The JWKS stays on the
     * main listener (upstreams fetch it).
     */
    admin: z.object({
      hostname: z.string().default("127.0.0.1"),
      port: z.number().int().min(0).max(65535),
    }).strict().optional(),
    /** Let several gateway processes listen on the same port (Linux SO_REUSEPORT; src/cli/processes.ts). */
    reusePort: z.boolean().default(false),
  }).strict().prefault({}).refine(
    (s) => s.admin === undefined || s.admin.port === 0 || s.admin.port !== s.port,
    { message: "must differ from server.port", path: ["admin", "port"] },
  ),
  policy: z.object({
    /** A .tar.gz bundle, a directory of .rego files, or an http(s) URL. Default: build/bundle.tar.gz when
     * it exists, else the policies/ directory compiled at start. A URL carries no credentials: they
     * come from $GATEWAY_BUNDLE_TOKEN or $GATEWAY_BUNDLE_HEADERS (engine/reload/credentials.ts). */
    bundle: z.string().min(1).refine(
      (v) => !urlWithCredentials(v),
      "a bundle URL must not carry credentials (user:password@): set $GATEWAY_BUNDLE_TOKEN or $GATEWAY_BUNDLE_HEADERS",
    ).optional(),
    /**
     * Where the bundle in force is kept (written atomically after each activation): when the source
     * fails at start (unreachable, broken bundle), this copy is served instead, after the same
     * checks (src/engine/reload/manager.ts). Unset: no copy; a gateway that never loaded a bundle
     * refuses every request (503 no_policy_loaded).
     */
    lastGoodPath: z.string().min(1).optional(),
    /** Bounds on a bundle, each checked before the bytes it bounds are read (unset: the defaults of
     * src/engine/bundle/limits.ts, with their reasons: 32 MiB archive, 128 MiB unpacked, 10,000
     * files, 16 MiB of data). */
    bundleLimits: z.object({
      maxArchiveBytes: z.number().int().positive().optional(),
      maxUncompressedBytes: z.number().int().positive().optional(),
      maxFiles: z.number().int().positive().optional(),
      maxDataBytes: z.number().int().positive().optional(),
    }).strict().prefault({}),
    entrypoint: z.string().min(1).default("gateway/decision"),
    /**
     * "envoy": the input also has OPA-Envoy's shape (attributes.request.http, parsed_path, …) and an
     * object answer is read as OPA-Envoy's result (src/gateway/decision/envoy_result.ts). An
     * entrypoint may answer a boolean in either format.
     */
    inputFormat: z.enum(["gateway", "envoy"]).default("gateway"),
    /** With inputFormat envoy: OPA-Envoy's parsed_body (Envoy's with_request_body). */
    envoy: z.object({
      /** Read a JSON request body (up to maxBodyBytes) into input.parsed_body before the policy. */
      parseBody: z.boolean().default(false),
      /** Longer bodies give truncated_body: true and parsed_body: null, as OPA-Envoy does. */
      maxBodyBytes: z.number().int().min(1).max(16 * 1024 * 1024).default(64 * 1024),
      /** The body must arrive within this (else 408 body_timeout). */
      bodyTimeoutMs: z.number().int().min(1).max(60_000).default(5_000),
    }).strict().prefault({}),
    watch: z.boolean().default(true),
    pollSeconds: z.number().int().min(0).default(30),
    /**
     * OPA's long polling of an http(s) bundle (its `long_polling_timeout_seconds`): the server may
     * hold a request for an unchanged bundle this long; a server answering with
     * application/vnd.openpolicyagent.bundles is asked again at once instead of every pollSeconds.
     * 0: off.
     */
    longPollSeconds: z.number().int().min(0).max(3600).default(0),
    /**
     * Sign requests for an http(s) bundle with AWS SigV4 (S3), with credentials from the environment
     * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION), as OPA's
     * s3_signing.environment_credentials does.
     */
    awsSigning: z.object({
      service: z.string().regex(/^[a-z0-9-]+$/).default("s3"),
      region: z.string().regex(/^[a-z0-9-]+$/).optional(),
    }).strict().optional(),
    /** Require bundles signed with this algorithm; the key comes from $GATEWAY_BUNDLE_KEY. */
    verifyAlg: z.enum(["HS256", "RS256", "ES256", "EdDSA"]).optional(),
    /** Deadline of one evaluation: past it the request is answered 503 policy_timeout. */
    timeoutMs: z.number().int().min(1).max(60_000).default(DEFAULT_TIMEOUT_MS),
    /** Memory cap of the policy module's instance, MiB: past it 503 policy_memory_exceeded. */
    maxMemoryMB: z.number().int().min(1).max(4096).default(DEFAULT_MAX_MEMORY_MB),
    /** Reuse decisions for inputs equal on every path the policy reads (src/gateway/decision/cache.ts). */
    decisionCache: z.object({
      enabled: z.boolean().default(true),
      maxEntries: z.number().int().min(1).default(10_000),
    }).strict().prefault({}),
    /**
     * http.send for policies (src/engine/builtins/http_send.ts). Off by default: each call holds up
     * the serving thread until it answers, so it is bounded by a host allow-list, a timeout and a
     * response size; decisions of a policy calling it are never cached.
     */
    httpSend: z.object({
      enabled: z.boolean().default(false),
      /** "host" or "host:port"; nothing else may be called. */
      allowedHosts: z.array(z.string().min(1)).default([]),
      timeoutMs: z.number().int().min(1).max(30_000).default(2_000),
      maxResponseBytes: z.number().int().min(1).max(16 * 1024 * 1024).default(1024 * 1024),
      /** Responses kept across requests (http.send's cache / force_cache). */
      cacheEntries: z.number().int().min(0).default(1_000),
    }).strict().refine((h) => !h.enabled || h.allowedHosts.length > 0, {
      message: "enabled http.send needs allowedHosts",
    }).prefault({}),
    /**
     * net.lookup_ip_addr for policies (src/engine/builtins/net_lookup.ts). Off by default for the
     * reason http.send is: each lookup holds up the serving thread until it answers or times out.
     */
    lookupIpAddr: z.object({
      enabled: z.boolean().default(false),
      /** Names that may be resolved; nothing else may be. */
      allowedNames: z.array(z.string().min(1)).default([]),
      timeoutMs: z.number().int().min(1).max(30_000).default(1_000),
    }).strict().refine((l) => !l.enabled || l.allowedNames.length > 0, {
      message: "enabled net.lookup_ip_addr needs allowedNames",
    }).prefault({}),
  }).strict().prefault({}),
  keys: z.object({
    /** "kv": an embedded Deno KV file (per machine); "postgres": shared by every replica ($DATABASE_URL). */
    store: z.enum(["kv", "postgres"]).default("kv"),
    /** Deno KV file of the key store (":memory:" for none). GATEWAY_KEYS_DB overrides. */
    db: z.string().min(1).optional(),
    cacheTtlMs: z.number().int().min(0).default(1000),
    /**
     * How often the last use of keys is written (one batch, at most one write per key per interval;
     * keys/last_used.ts); 0: not recorded.
     */
    lastUsedFlushMs: z.number().int().min(0).max(86_400_000).default(60_000),
    /** With store "postgres" (src/keys/postgres/settings.ts). The connection string is $DATABASE_URL only. */
    postgres: z.object({
      schema: z.string().regex(/^[a-z_][a-z0-9_]{0,47}$/, "a lower-case SQL name of at most 48 characters")
        .default("gateway"),
      poolSize: z.number().int().min(1).max(100).default(4),
      /** Deadline of one key lookup; past it the request fails closed (503 key_store_unavailable). */
      queryTimeoutMs: ms(1000),
      connectTimeoutMs: ms(2000),
      /** Apply pending schema migrations at start (else run `deno task keys migrate`). */
      migrate: z.boolean().default(true),
    }).strict().prefault({}),
  }).strict().prefault({}),
  jwt: z.object({
    issuer: z.string().min(1).default("policy-gateway"),
    ttlSeconds: z.number().int().min(5).max(3600).default(60),
    alg: z.enum(["EdDSA", "ES256", "RS256"]).default("EdDSA"),
    /** Header that carries the token to the upstream. */
    header: z.string().regex(HEADER_NAME).default("Authorization"),
    /** Scheme before the token ("Bearer"); "" for the bare token. */
    scheme: z.string().regex(/^[A-Za-z-]*$/).default("Bearer"),
  }).strict().prefault({}),
  upstream: z.object({
    /** Until the upstream's response head arrives (connect + first byte). */
    connectTimeoutMs: ms(5_000),
    /** The whole exchange, streamed response body included. */
    timeoutMs: ms(30_000),
    /**
     * Query parameters removed as credentials before the policy, the log and the upstream see the
     * query, besides the built-in ones (api_key, apikey, api-key, x-api-key, access_token, and any
     * parameter holding a gateway API key). Compared case-insensitively.
     */
    stripQueryParams: z.array(z.string().min(1).transform((n) => n.toLowerCase())).default([]),
    /**
     * The upstream HTTP client: "undici" (undici's Pool: the faster one, needs node:net), "fetch"
     * (the runtime's), or "auto": undici, except on Deno Deploy (fetch).
     */
    client: z.enum(["auto", "undici", "fetch"]).default("auto"),
    /** Connections per upstream origin at most (undici; fetch pools on its own). */
    maxConnections: z.number().int().min(1).max(10_000).default(128),
  }).strict().prefault({}),
  limits: z.object({
    maxUrlLength: z.number().int().min(64).default(8192),
    maxHeaderCount: z.number().int().min(8).default(100),
    maxHeaderBytes: z.number().int().min(1024).default(32 * 1024),
    maxBodyBytes: z.number().int().min(0).default(10 * 1024 * 1024),
  }).strict().prefault({}),
  input: z.object({
    /** Request headers copied into the policy input (lower-cased). Credentials are refused. */
    headers: z.array(
      z.string().regex(HEADER_NAME).transform((h) => h.toLowerCase()).refine(
        (h) => !FORBIDDEN_INPUT_HEADERS.has(h),
        "credentials never go into the policy input",
      ).refine(
        (h) => !FORWARDING_INPUT_HEADERS.has(h) && !h.startsWith("x-forwarded-"),
        "a caller sets this field at will and the upstream never gets it: use input.request.client / host",
      ),
    ).default(["user-agent", "content-type", "accept"]),
  }).strict().prefault({}),
  /** Empty: the built-in demo upstream is started and every path routes to it. */
  routes: z.array(routeSchema).default([]).refine(
    (routes) => new Set(routes.map((r) => r.id)).size === routes.length,
    "route ids must be unique",
  ),
  rateLimit: z.object({
    /** "memory": counted per process; "redis": one budget shared by every replica (uses `redis`). */
    store: z.enum(["memory", "redis"]).default("memory"),
  }).strict().prefault({}),
  /**
   * Redis, for the shared rate limiter and for key revocation across replicas. The gateway connects
   * when this section is present or rateLimit.store is "redis". $REDIS_URL, when set, replaces
   * `url`, and is the only place for a password.
   */
  redis: z.object({
    /** redis:// or rediss:// (TCP), or https:// for Upstash's REST API (token: $UPSTASH_REDIS_REST_TOKEN). */
    url: z.url({ protocol: /^(rediss?|https?)$/, error: "a redis://, rediss:// or https:// URL" }).refine(
      (url) => !URL.canParse(url) || new URL(url).password === "",
      "no password in this file: put the URL with its password in $REDIS_URL",
    ).refine(
      (url) =>
        !url.startsWith("http:") || /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:|\/|$)/.test(url),
      "plain http:// only to a loopback host: use https://",
    ).optional(),
    /** Deadline of one Redis operation; past it a rate-limited request fails closed (503). */
    commandTimeoutMs: ms(50),
    connectTimeoutMs: ms(1000),
    /** Prefix of every key and channel, so deployments can share a server. */
    keyPrefix: z.string().max(64).default("gw:"),
    /** Over Upstash REST (no pub/sub): how often the key-change log is read. */
    changePollMs: ms(500),
  }).strict().optional(),
  log: z.object({
    level: z.enum(["debug", "info", "warning", "error"]).default("info"),
    /** Write the decision log (one JSON line per request) to stdout. */
    decisions: z.boolean().default(true),
  }).strict().prefault({}),
  /**
   * The decision log's format and upload (src/gateway/observe/opa/). "gateway": the line described
   * in decision_log.ts; "opa": OPA's decision-log event (decision_id, path, input, result, bundles,
   * labels, …), masked by the policy's `system.log.mask` rule, with the gateway's own facts under
   * `gateway`. With `upload`, events are also POSTed as OPA does: gzip'd JSON arrays to
   * `<url><resource>` (bearer token: $GATEWAY_DECISION_LOG_TOKEN).
   */
  decisionLog: z.object({
    format: z.enum(["gateway", "opa"]).default("gateway"),
    upload: serviceSchema("/logs", "GATEWAY_DECISION_LOG_TOKEN").extend({
      /** Longest an event waits before its batch is sent. */
      maxDelayMs: ms(10_000),
      /** A batch is sent once its events' JSON reaches this size (OPA's upload_size_limit_bytes). */
      uploadSizeLimitBytes: z.number().int().min(1024).default(32 * 1024),
      /** Events held while the service is slow or down; past it the oldest are dropped and counted. */
      bufferSizeLimitEvents: z.number().int().min(1).default(10_000),
      /** First retry delay after a failed upload; doubled on each failure up to maxDelayMs. */
      minRetryDelayMs: ms(100),
    }).strict().optional(),
  }).strict().prefault({}).refine((d) => d.upload === undefined || d.format === "opa", {
    message: "an upload service receives OPA events: set decisionLog.format to opa",
    path: ["format"],
  }),
  /**
   * OPA's status API: a report of the bundle in force (revision, activation and download times,
   * errors) POSTed to `<url><resource>` at start, on each activation and on each failure (bearer
   * token: $GATEWAY_STATUS_TOKEN).
   */
  status: serviceSchema("/status", "GATEWAY_STATUS_TOKEN").optional(),
  /**
   * OPA's labels for decision-log events and status reports; `id` (this process's) and `version`
   * are added. The bundle is reported under `bundleName` (OPA's bundle name).
   */
  labels: z.record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/), z.string().max(256)).default({}).refine(
    (l) => !("id" in l) && !("version" in l),
    "id and version are set by the gateway",
  ),
  bundleName: z.string().min(1).max(128).default("gateway"),
}).strict();

export type GatewayConfig = z.infer<typeof configSchema>;
export type RouteConfigInput = z.infer<typeof routeSchema>;
