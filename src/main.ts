/**
 * Start-up wiring: configuration → logging → key store → signer → policy engine → (demo upstream)
 * → the Hono app → Deno.serve. `deno task start` with no configuration runs the demo: the default
 * policy from policies/ (or build/bundle.tar.gz) in front of a built-in upstream that echoes the
 * verified claims, with a demo key created and printed on first run.
 *
 * Secrets come from the environment only: GATEWAY_KEY_SECRET (API-key HMAC; else a generated file
 * beside the key store), GATEWAY_ADMIN_TOKEN (enables /admin), GATEWAY_JWT_KEYS (private JWKs; else
 * an ephemeral key), GATEWAY_BUNDLE_KEY (bundle signature verification), GATEWAY_BUNDLE_TOKEN /
 * GATEWAY_BUNDLE_HEADERS (credentials for an http(s) bundle server), GATEWAY_DECISION_LOG_TOKEN /
 * GATEWAY_STATUS_TOKEN (bearer tokens for OPA-style log and status services). GATEWAY_CONFIG names the
 * configuration file; GATEWAY_HOST / GATEWAY_PORT override where it listens (logged when they
 * change the file's value); GATEWAY_KEYS_DB where the Deno KV key store lives; DATABASE_URL the
 * PostgreSQL key store (keys.store: postgres); REDIS_URL (may hold the password) where Redis is, or
 * an https:// Upstash REST URL with UPSTASH_REDIS_REST_TOKEN; GATEWAY_PROCESS labels this process's
 * metrics when several share a port (cli/processes.ts).
 */
import { cliMain, parseCliArgs } from "./cli/cli_args.ts";
import { ConfigError } from "./config/errors.ts";
import { loadConfig } from "./config/load.ts";
import type { GatewayConfig } from "./config/schema.ts";
import {
  awsSignerFromEnv,
  builtBundleIsStale,
  bundleHeadersFromEnv,
  CredentialsError,
  type RequestSigner,
  setPrintHook,
  shownBundleUrl,
  startEngine,
} from "./engine/mod.ts";
import { policyView } from "./gateway/admin/policy_view.ts";
import { adminRoutes } from "./gateway/admin/routes.ts";
import { createGatewayApp, createOpsApp, type GatewayDeps } from "./gateway/app.ts";
import { DEFAULT_CREDENTIAL_PARAMS } from "./gateway/target/query.ts";
import { startDemoUpstream } from "./gateway/demo/upstream.ts";
import { ClaimsSigner } from "./gateway/jwt/signer.ts";
import { signingKeysFromEnv } from "./gateway/jwt/signing_keys.ts";
import { LineWriter } from "./gateway/observe/line_writer.ts";
import { closeLogging, configureLogging, opsLogger } from "./gateway/observe/logging.ts";
import type { DependencyCheck } from "./gateway/health/dependencies.ts";
import { GatewayMetrics } from "./gateway/observe/metrics.ts";
import { opaReporting } from "./gateway/observe/opa/setup.ts";
import { countingStore } from "./gateway/observe/store_metrics.ts";
import { MemoryRateLimiter } from "./gateway/ratelimit/memory_limiter.ts";
import { RedisRateLimiter } from "./gateway/ratelimit/redis_limiter.ts";
import type { RateLimiter } from "./gateway/ratelimit/types.ts";
import { redactUrl, redactUrlsIn } from "./gateway/observe/redact.ts";
import { routeProblems, RouteTable } from "./gateway/routes/table.ts";
import { KeyError } from "./keys/errors.ts";
import { LastUsedRecorder } from "./keys/last_used.ts";
import { createKey } from "./keys/manage.ts";
import { openKeys } from "./keys/open.ts";
import { publishingKeyStore, subscribeKeyChangesFromRedis } from "./keys/redis_changes.ts";
import { extractApiKey, KeyVerifier } from "./keys/verifier.ts";
import { resolveRedisSettings } from "./redis/config.ts";
import { RedisError } from "./redis/errors.ts";
import { redisHealth } from "./redis/health.ts";
import { openRedis, type RedisTransport, waitUntilUp } from "./redis/transport.ts";

const DEFAULT_BUNDLE = "build/bundle.tar.gz";
const DEFAULT_POLICY_DIR = "policies";
const DEMO_SCOPES = ["demo:read", "demo:write"];
/** How long a start waits for an unreachable key store (PostgreSQL) before giving up. */
const KEY_STORE_WAIT_MS = 30_000;

/** How `main` serves: on a port of its own (the default), or as Deno Deploy does (src/deploy.ts). */
export interface MainOptions {
  /** Deno Deploy: the platform assigns the address, there are no signals to catch, no banner. */
  deploy?: boolean;
}

export async function main(args: string[], opts: MainOptions = {}): Promise<void> {
  const configPath = flagValue(args, "--config");
  let config: GatewayConfig;
  let file: string | null;
  try {
    ({ config, file } = await loadConfig({ path: configPath }));
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(redactUrlsIn(e.message));
      Deno.exit(2);
    }
    throw e;
  }
  // Routes are checked against the gateway's own paths and canonical form before anything starts.
  const routeErrors = routeProblems(config.routes);
  if (routeErrors.length > 0) {
    console.error(new ConfigError(file ?? "(defaults)", routeErrors).message);
    Deno.exit(2);
  }
  // Container-friendly overrides of the listening address, never silent: the log names each one
  // that changes what the file says.
  const envHost = Deno.env.get("GATEWAY_HOST"), envPort = Deno.env.get("GATEWAY_PORT");
  const fileServer = { ...config.server };
  if (envHost) config.server.hostname = envHost;
  if (envPort) config.server.port = Number(envPort);
  await configureLogging({ level: config.log.level });
  // A policy's print() lines, at debug level only: they may carry request data.
  if (config.log.level === "debug") {
    const printLog = opsLogger("policy", "print");
    setPrintHook((line) => printLog.debug("print", { line }));
  }
  const decisionWriter = new LineWriter(Deno.stdout);
  const log = opsLogger("start");
  const env = (name: string) => Deno.env.get(name);
  for (const [name, field] of [["GATEWAY_HOST", "hostname"], ["GATEWAY_PORT", "port"]] as const) {
    if (env(name) && file !== null && config.server[field] !== fileServer[field]) {
      log.warn(`${name} overrides server.${field} of the configuration file`, {
        file: fileServer[field],
        used: config.server[field],
      });
    }
  }

  // Redis, when the rate limiter is shared or the section is configured (redis/connection.ts).
  // Once the key-change subscription is back after a loss, every cached key lookup is dropped: the
  // changes announced meanwhile were missed (set below, once the verifier exists).
  let onResubscribed = () => {};
  const redis = config.rateLimit.store === "redis" || config.redis !== undefined
    ? await connectRedis(config, file, () => onResubscribed())
    : null;

  // Keys: the configured store (Deno KV file, or PostgreSQL shared by every replica), its HMAC
  // secret, the verifier (store reads are counted). With Redis, every write is announced to the
  // other replicas (keys/redis_changes.ts); PostgreSQL announces its own (LISTEN/NOTIFY).
  const keysLog = opsLogger("keys");
  let opened;
  for (const started = Date.now();;) {
    try {
      opened = await openKeys({ ...config.keys, deploy: opts.deploy });
      break;
    } catch (e) {
      // A key store still starting (e.g. containers started together) is waited for, a while.
      if (
        e instanceof KeyError && e.code === "key_store_unavailable" &&
        Date.now() - started < KEY_STORE_WAIT_MS
      ) {
        keysLog.warn("key store unreachable at start: retrying", { code: e.code });
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (e instanceof KeyError) {
        throw new ConfigError(file ?? "(defaults)", [`keys: ${e.code}: ${e.message}`]);
      }
      throw e;
    }
  }
  const store = redis === null ? opened.store : publishingKeyStore(opened.store, {
    redis,
    onPublishError: (e, change) =>
      keysLog.warn("key change not announced: other replicas see it within keys.cacheTtlMs", {
        key_id: change.id,
        code: e.code,
      }),
  });
  const metricsRef: { reloads: () => { ok: number; failed: number } } = {
    reloads: () => ({ ok: 0, failed: 0 }),
  };
  const metrics = new GatewayMetrics({ reloads: () => metricsRef.reloads() });
  // Several processes on one port: each labels its samples, as a scrape reaches any one of them.
  const reusePort = config.server.reusePort || env("GATEWAY_REUSE_PORT") === "1";
  const processLabel = env("GATEWAY_PROCESS") || (reusePort ? String(Deno.pid) : "");
  if (reusePort && config.rateLimit.store === "memory") {
    log.warn(
      "several processes share this port but rate limits are counted per process: set rateLimit.store redis",
    );
  }
  if (processLabel) metrics.registry.setDefaultLabels({ process: processLabel });
  // Last use of each key: noted in memory per accepted request, written at most once per key per
  // keys.lastUsedFlushMs (and once at stop); a failed write is logged and retried, never a request's.
  const lastUsed = new LastUsedRecorder({
    store: opened.store,
    intervalMs: config.keys.lastUsedFlushMs,
    onError: (e, keys) =>
      keysLog.warn("last use of keys not saved: retried at the next flush", {
        keys,
        code: e instanceof KeyError ? e.code : "key_store_failed",
      }),
  });
  const verifier = new KeyVerifier({
    store: countingStore(store, metrics),
    secret: opened.secret,
    cacheTtlMs: config.keys.cacheTtlMs,
    onAccepted: (record) => lastUsed.note(record.id),
  });
  if (redis !== null) {
    onResubscribed = () => verifier.invalidateAll();
    // Resolves once subscribed (when Redis is down at start: once it is up); close() ends it.
    subscribeKeyChangesFromRedis(redis, (change) => verifier.invalidate(change.hash), {
      onInvalidMessage: () => keysLog.warn("ignored a malformed key change message"),
      pollMs: config.redis?.changePollMs,
      onGap: () => {
        verifier.invalidateAll();
        keysLog.warn("key change log has a gap: cached key lookups dropped, as changes may have been missed");
      },
    }).then(() => keysLog.info("listening to key changes from other replicas"), () => {});
  }
  let stopListening: (() => Promise<void>) | null = null;
  if (opened.postgres !== null) {
    // Resolves once listening (when PostgreSQL is down at start: once it is up).
    opened.postgres.listen((change) => verifier.invalidate(change.hash), {
      onResync: () => {
        verifier.invalidateAll();
        keysLog.warn(
          "key store connection restored: cached key lookups dropped, as changes may have been missed",
        );
      },
      onInvalidMessage: () => keysLog.warn("ignored a malformed key change notification"),
    }).then((stop) => {
      stopListening = stop;
      keysLog.info("listening to key changes in PostgreSQL");
    });
  }
  const limiter: RateLimiter = config.rateLimit.store === "redis"
    ? new RedisRateLimiter({ redis: redis! })
    : new MemoryRateLimiter();

  let signer: ClaimsSigner;
  try {
    signer = await ClaimsSigner.create({
      issuer: config.jwt.issuer,
      ttlSeconds: config.jwt.ttlSeconds,
      alg: config.jwt.alg,
      keys: await signingKeysFromEnv(env),
    });
  } catch (e) {
    // A TypeError names what is wrong with GATEWAY_JWT_KEYS (never its value).
    if (e instanceof TypeError) throw new ConfigError("GATEWAY_JWT_KEYS", [e.message]);
    throw e;
  }
  if (signer.ephemeral) {
    log.info("JWT signing key is ephemeral: tokens do not survive a restart (set GATEWAY_JWT_KEYS)");
  }

  // Policy: configured bundle, else build/bundle.tar.gz when built, else compile policies/ now.
  const bundle = config.policy.bundle ?? (await exists(DEFAULT_BUNDLE) ? DEFAULT_BUNDLE : DEFAULT_POLICY_DIR);
  const bundleKey = env("GATEWAY_BUNDLE_KEY");
  if (config.policy.verifyAlg && !bundleKey) {
    throw new ConfigError(file ?? "(defaults)", ["policy.verifyAlg is set but GATEWAY_BUNDLE_KEY is not"]);
  }
  let bundleHeaders: Record<string, string>;
  let bundleSigner: RequestSigner | undefined;
  try {
    bundleHeaders = bundleHeadersFromEnv(env);
    if (config.policy.awsSigning !== undefined) {
      if (Object.keys(bundleHeaders).some((h) => h.toLowerCase() === "authorization")) {
        throw new CredentialsError(
          "policy.awsSigning and an Authorization from GATEWAY_BUNDLE_* are both set",
        );
      }
      bundleSigner = awsSignerFromEnv(env, config.policy.awsSigning);
    }
  } catch (e) {
    if (e instanceof CredentialsError) throw new ConfigError("(environment)", [e.message]);
    throw e;
  }
  const shownBundle = /^https?:\/\//i.test(bundle) ? shownBundleUrl(bundle) : bundle;
  const policyLog = opsLogger("policy");
  // Which policy is live, and how it follows changes, said once at start (and in the banner).
  const remote = /^https?:\/\//i.test(bundle);
  const policySource = {
    bundle: shownBundle,
    follows: remote
      ? (config.policy.pollSeconds > 0 ? `polled every ${config.policy.pollSeconds} s` : "loaded once")
      : config.policy.watch
      ? "watched: a saved change goes live once it compiles"
      : config.policy.pollSeconds > 0
      ? `polled every ${config.policy.pollSeconds} s`
      : "loaded once",
  };
  if (config.policy.bundle === undefined && bundle === DEFAULT_BUNDLE) {
    if (await builtBundleIsStale(DEFAULT_BUNDLE, DEFAULT_POLICY_DIR)) {
      policyLog.warn(`${DEFAULT_BUNDLE} is older than ${DEFAULT_POLICY_DIR}/: the built bundle is served`, {
        hint: `rebuild it (deno task build) or remove it to serve ${DEFAULT_POLICY_DIR}/`,
      });
    }
  }
  // OPA's decision logs and status reports (decisionLog, status): they need the engine, and the
  // engine needs their hook and the mask entrypoint.
  const evaluatorRef: { engine: import("./engine/mod.ts").PolicyEngine | null } = { engine: null };
  const opsLog = opsLogger("decision_log");
  const opa = opaReporting(config, {
    evaluator: {
      evaluate: (entrypoint, input) => evaluatorRef.engine!.evaluate(entrypoint, input),
      current: () => evaluatorRef.engine?.current() ?? null,
    },
    console: decisionWriter,
    metrics,
    env,
    warn: (message, props) => opsLog.warn(message, props),
  });
  const { engine, manager } = await startEngine({
    bundle,
    headers: bundleHeaders,
    sign: bundleSigner,
    longPollSeconds: config.policy.longPollSeconds,
    limits: config.policy.bundleLimits,
    lastGoodPath: config.policy.lastGoodPath,
    entrypoints: [config.policy.entrypoint],
    optionalEntrypoints: opa.optionalEntrypoints,
    onReload: (_outcome, status) =>
      opa.onBundleChange({
        ...status,
        lastError: status.lastError &&
          { code: status.lastError.code, message: redactUrlsIn(status.lastError.message) },
      }),
    timeoutMs: config.policy.timeoutMs,
    maxMemoryMB: config.policy.maxMemoryMB,
    watch: config.policy.watch,
    pollIntervalMs: config.policy.pollSeconds * 1000,
    verification: config.policy.verifyAlg ? { alg: config.policy.verifyAlg, key: bundleKey! } : undefined,
    httpSend: config.policy.httpSend.enabled ? config.policy.httpSend : undefined,
    lookupIpAddr: config.policy.lookupIpAddr.enabled ? config.policy.lookupIpAddr : undefined,
    log: (entry) => {
      // The source may be a URL with credentials, and a message may quote one.
      // The entry's own level and message must not overwrite the log line's (LogTape's fields).
      const { level: _level, message, ...rest } = entry;
      const props: Record<string, unknown> = { ...rest, source: redactUrl(entry.source) };
      if (message !== undefined) props.detail = redactUrlsIn(message);
      if (entry.level === "error") policyLog.error(entry.event, props);
      else policyLog.info(entry.event, props);
    },
  });
  evaluatorRef.engine = engine;
  metricsRef.reloads = () => {
    const s = manager.status();
    return { ok: s.activations, failed: s.failures };
  };
  metrics.trackPolicyInstances(() => engine.instanceStats());

  // Routes: the configured ones, or everything to the demo upstream (not on Deno Deploy, where
  // nothing listens on a second port).
  if (opts.deploy && config.routes.length === 0) {
    throw new ConfigError(file ?? "(defaults)", ["routes: on Deno Deploy the routes must be configured"]);
  }
  const jwtPrefix = config.jwt.scheme ? `${config.jwt.scheme} ` : "";
  let demo: { url: string; shutdown(): Promise<void> } | null = null;
  let routes = config.routes;
  if (routes.length === 0) {
    demo = startDemoUpstream({
      jwks: () => signer.jwks(),
      issuer: config.jwt.issuer,
      header: config.jwt.header.toLowerCase(),
      prefix: jwtPrefix,
    });
    routes = [{ id: "demo", prefix: "/", upstream: demo.url }];
  }

  const deps: GatewayDeps = {
    routes: new RouteTable(routes),
    evaluator: engine,
    policyStatus: {
      current: () => engine.current(),
      lastReloadError: () => {
        const e = manager.status().lastError;
        return e ? `${e.code}: ${redactUrlsIn(e.message)}` : null;
      },
      lastGood: () => manager.status().lastGood,
    },
    entrypoint: config.policy.entrypoint,
    headerAllowList: config.input.headers,
    inputFormat: config.policy.inputFormat,
    parseBody: config.policy.envoy.parseBody
      ? { maxBytes: config.policy.envoy.maxBodyBytes, timeoutMs: config.policy.envoy.bodyTimeoutMs }
      : undefined,
    decisionCache: config.policy.decisionCache.enabled &&
      { maxEntries: config.policy.decisionCache.maxEntries },
    verifier,
    extractKey: extractApiKey,
    signer,
    limiter,
    metrics,
    sink: opa.sink,
    decisionIds: opa.decisionIds,
    limits: config.limits,
    upstream: {
      connectMs: config.upstream.connectTimeoutMs,
      overallMs: config.upstream.timeoutMs,
      jwtHeader: config.jwt.header,
      jwtPrefix,
      via: "1.1 policy-gateway",
    },
    // Redis gates readiness only when requests need it (shared rate limits); used for revocation
    // announcements alone, an outage only slows revocation down to the cache TTL. PostgreSQL holds
    // the keys: while it is down only cached lookups succeed. The policy instance gates it when an
    // evaluation spoilt it and it could not be rebuilt (engine/instance/).
    dependencies: dependencyChecks({
      redis: redis !== null && config.rateLimit.store === "redis" ? () => redisHealth(redis) : null,
      postgres: opened.postgres === null ? null : () => opened.postgres!.health(),
      policy_instance: () => engine.readiness(),
    }),
    admin: adminRoutes({
      store,
      token: env("GATEWAY_ADMIN_TOKEN") ?? "",
      hmacSecret: opened.secret,
      policy: () => policyView(shownBundle, engine.current(), manager.status()),
    }),
    trustRequestId: config.server.trustRequestId,
    credentialParams: [...DEFAULT_CREDENTIAL_PARAMS, ...config.upstream.stripQueryParams],
    separateOps: config.server.admin !== undefined,
  };
  // The upstream client: undici's Pool where node:net is (everywhere but Deno Deploy), loaded
  // only when used.
  const clientKind = config.upstream.client === "auto"
    ? (opts.deploy ? "fetch" : "undici")
    : config.upstream.client;
  if (clientKind === "undici") {
    const { UndiciClient } = await import("./gateway/proxy/undici_client.ts");
    deps.upstreamClient = new UndiciClient({
      connections: config.upstream.maxConnections,
      connectMs: config.upstream.connectTimeoutMs,
      overallMs: config.upstream.timeoutMs,
    });
  }
  const app = createGatewayApp(deps);

  if (opts.deploy) {
    // Deno Deploy assigns the address; $PORT, when set, is where a local run listens.
    const port = env("PORT");
    Deno.serve(port ? { port: Number(port), onListen: () => {} } : { onListen: () => {} }, app.fetch);
    log.info("serving (deploy)", {
      config: file ?? "(defaults)",
      bundle: shownBundle,
      keys: opened.location,
    });
    return;
  }
  const server = listen("server", {
    hostname: config.server.hostname,
    port: config.server.port,
    reusePort,
    onListen: () => {},
  }, app.fetch);
  const url = `http://${hostForUrl(config.server.hostname)}:${server.addr.port}`;
  const adminServer = config.server.admin === undefined ? null : listen("server.admin", {
    hostname: config.server.admin.hostname,
    port: config.server.admin.port,
    onListen: () => {},
  }, createOpsApp(deps).fetch);
  const adminUrl = adminServer === null
    ? null
    : `http://${hostForUrl(config.server.admin!.hostname)}:${adminServer.addr.port}`;
  log.info("listening", {
    url,
    admin_url: adminUrl ?? url,
    config: file ?? "(defaults)",
    bundle: shownBundle,
    policy: policySource.follows,
    keys: opened.location,
    upstream_client: clientKind,
    ...(processLabel ? { process: processLabel } : {}),
  });

  // Deno.serve stops accepting for good when accept() fails (e.g. EMFILE once connections that
  // never finish their headers have used up the file descriptors: see the README). Say so and
  // exit non-zero, so that a supervisor restarts the process, rather than serve nothing.
  let stopping = false;
  for (const [name, s] of [["main", server], ["admin", adminServer]] as const) {
    s?.finished.then(() => null, (e: unknown) => e).then(async (error) => {
      if (stopping) return;
      log.error("listener stopped: exiting", { listener: name, error: error && redactUrlsIn(String(error)) });
      await closeLogging();
      Deno.exit(1);
    });
  }

  const stop = async () => {
    // A second signal while stopping (SIGTERM after SIGINT) must not close things twice.
    if (stopping) return;
    stopping = true;
    await adminServer?.shutdown();
    await server.shutdown();
    await deps.upstreamClient?.close();
    manager.stop();
    await demo?.shutdown();
    await redis?.close();
    await (stopListening as (() => Promise<void>) | null)?.();
    await lastUsed.stop();
    store.close?.();
    await opa.close();
    await decisionWriter.flush();
    await closeLogging();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  // Started by cli/processes.ts: stop with the launcher, even one killed outright (then this
  // process is handed to another parent).
  if (env("GATEWAY_PROCESS")) {
    const parent = Deno.ppid;
    const watch = setInterval(() => {
      if (Deno.ppid === parent) return;
      clearInterval(watch);
      stop();
    }, 1000);
    Deno.unrefTimer(watch);
  }

  // One demo banner (and demo key) for several processes on one port.
  if (demo !== null && (processLabel === "" || processLabel === "1")) {
    await printDemoBanner(url, {
      store,
      secret: opened.secret,
      adminUrl: adminUrl ?? url,
      policy: `${policySource.bundle} (${policySource.follows})`,
    });
  }
}

/**
 * Opens the Redis connection without waiting for it for long: when Redis is not there yet the
 * gateway still starts, /readyz and rate-limited requests answer 503 and key changes wait, until it
 * comes. `onResubscribed`: the key-change subscription is back after a loss.
 */
async function connectRedis(
  config: GatewayConfig,
  file: string | null,
  onResubscribed: () => void,
): Promise<RedisTransport> {
  const log = opsLogger("redis");
  let settings;
  try {
    settings = resolveRedisSettings(config.redis);
  } catch (e) {
    if (e instanceof RedisError) throw new ConfigError(file ?? "(defaults)", [e.message]);
    throw e;
  }
  const redis = openRedis(settings, {
    onStateChange: (state, error) => {
      if (state === "up") return log.info("redis connected");
      const props = { code: error?.code, error: error?.message && redactUrlsIn(error.message) };
      log.warn("redis unreachable: /readyz and shared rate limits answer 503 until it is back", props);
    },
    onResubscribed: () => {
      onResubscribed();
      log.warn(
        "key change subscription restored: cached key lookups dropped, as changes may have been missed",
      );
    },
  });
  await waitUntilUp(redis); // when down, reported by onStateChange; TCP keeps retrying in the background
  return redis;
}

/** First run of the demo: create a demo key and show it (once: only its hash is stored). */
async function printDemoBanner(
  url: string,
  ctx: { store: import("./keys/types.ts").KeyStore; secret: Uint8Array; adminUrl: string; policy: string },
): Promise<void> {
  const lines = [`\nPolicy gateway (demo) listening on ${url}`, `Policy: ${ctx.policy}`];
  const existing = await ctx.store.list({ org: "demo" });
  if (existing.length === 0) {
    const { rawKey } = await createKey(ctx, {
      org: "demo",
      subject: "demo-user",
      identityType: "human",
      scopes: DEMO_SCOPES,
      plan: "free",
      env: "test",
    });
    lines.push(
      "Created a demo API key (shown once, only its hash is stored):",
      `  ${rawKey}`,
      "Try it:",
      `  curl -s -H 'Authorization: Bearer ${rawKey}' ${url}/hello`,
    );
  } else {
    lines.push(
      "The demo key was printed on the first run. Make another with:",
      `  deno task keys create --org demo --subject me --type human --scopes ${
        DEMO_SCOPES.join(",")
      } --env test`,
    );
  }
  lines.push(
    `Health: ${ctx.adminUrl}/readyz   Metrics: ${ctx.adminUrl}/metrics   JWKS: ${url}/.well-known/jwks.json\n`,
  );
  console.error(lines.join("\n"));
}

/** The checks /readyz runs (null: not a dependency here); undefined when there are none. */
function dependencyChecks(
  checks: Record<string, DependencyCheck | null>,
): Record<string, DependencyCheck> | undefined {
  const present = Object.entries(checks).filter((e): e is [string, DependencyCheck] => e[1] !== null);
  return present.length === 0 ? undefined : Object.fromEntries(present);
}

/** Deno.serve, with an address that cannot be had reported in one line (ConfigError). */
function listen(
  field: string,
  options: Deno.ServeTcpOptions,
  handler: Deno.ServeHandler<Deno.NetAddr>,
): Deno.HttpServer<Deno.NetAddr> {
  try {
    return Deno.serve(options, handler);
  } catch (e) {
    if (e instanceof Deno.errors.AddrInUse || e instanceof Deno.errors.PermissionDenied) {
      const why = e instanceof Deno.errors.AddrInUse
        ? "the address is in use (another process has it)"
        : e.message;
      throw new ConfigError(field, [
        `cannot listen on ${options.hostname}:${options.port}: ${why}; choose another port (GATEWAY_PORT)`,
      ]);
    }
    throw e;
  }
}

function flagValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i !== -1) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

function hostForUrl(hostname: string): string {
  if (hostname === "0.0.0.0") return "127.0.0.1";
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}

const GATEWAY_USAGE = `usage: deno task start [--config FILE]

Starts the gateway. The configuration file (YAML or JSON) defaults to $GATEWAY_CONFIG, else
gateway.yaml when it exists, else the built-in demo configuration.

  --config FILE   the configuration file
  -h, --help      this text`;

if (import.meta.main) {
  const code = await cliMain("start", GATEWAY_USAGE, Deno.args, (args) => {
    parseCliArgs(args, { config: { type: "string" } });
    return -1; // parsed: run the gateway
  });
  if (code !== -1) Deno.exit(code);
  await main(Deno.args).catch(exitOnConfigError);
}

/** A start that cannot go on for want of configuration: the message (no stack trace) and exit 2. */
export function exitOnConfigError(e: unknown): never {
  if (e instanceof ConfigError) {
    console.error(e.message);
    Deno.exit(2);
  }
  throw e;
}
