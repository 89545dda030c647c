/**
 * Start-up wiring: configuration → logging → key store → signer → policy engine → (demo upstream)
 * → the Hono app → Deno.serve. `deno task start` with no configuration runs the demo: the default
 * policy from policies/ (or build/bundle.tar.gz) in front of a built-in upstream that echoes the
 * verified claims, with a demo key created and printed on first run.
 *
 * Secrets come from the environment only: GATEWAY_KEY_SECRET (API-key HMAC; else a generated file
 * beside the key store), GATEWAY_ADMIN_TOKEN (enables /admin), GATEWAY_JWT_KEYS (private JWKs; else
 * an ephemeral key), GATEWAY_BUNDLE_KEY (bundle signature verification). GATEWAY_CONFIG names the
 * configuration file; GATEWAY_HOST / GATEWAY_PORT override where it listens; GATEWAY_KEYS_DB where
 * the key store lives; REDIS_URL (may hold the password) where Redis is, when it is used.
 */
import { ConfigError } from "./config/errors.ts";
import { loadConfig } from "./config/load.ts";
import type { GatewayConfig } from "./config/schema.ts";
import { startEngine } from "./engine/mod.ts";
import { adminRoutes } from "./gateway/admin/routes.ts";
import { createGatewayApp } from "./gateway/app.ts";
import { startDemoUpstream } from "./gateway/demo/upstream.ts";
import { ClaimsSigner } from "./gateway/jwt/signer.ts";
import { signingKeysFromEnv } from "./gateway/jwt/signing_keys.ts";
import { jsonLinesSink } from "./gateway/observe/decision_log.ts";
import { LineWriter } from "./gateway/observe/line_writer.ts";
import { closeLogging, configureLogging, opsLogger } from "./gateway/observe/logging.ts";
import { GatewayMetrics } from "./gateway/observe/metrics.ts";
import { countingStore } from "./gateway/observe/store_metrics.ts";
import { MemoryRateLimiter } from "./gateway/ratelimit/memory_limiter.ts";
import { RedisRateLimiter } from "./gateway/ratelimit/redis_limiter.ts";
import type { RateLimiter } from "./gateway/ratelimit/types.ts";
import { RouteTable } from "./gateway/routes/table.ts";
import { createKey } from "./keys/manage.ts";
import { keysDbPath, openKeyStore } from "./keys/open.ts";
import { publishingKeyStore, subscribeKeyChangesFromRedis } from "./keys/redis_changes.ts";
import { extractApiKey, KeyVerifier } from "./keys/verifier.ts";
import { resolveRedisSettings } from "./redis/config.ts";
import { RedisConnection } from "./redis/connection.ts";
import { RedisError } from "./redis/errors.ts";
import { redisHealth } from "./redis/health.ts";

const DEFAULT_BUNDLE = "build/bundle.tar.gz";
const DEFAULT_POLICY_DIR = "policies";
const DEMO_SCOPES = ["demo:read", "demo:write"];

async function main(args: string[]): Promise<void> {
  const configPath = flagValue(args, "--config");
  let config: GatewayConfig;
  let file: string | null;
  try {
    ({ config, file } = await loadConfig({ path: configPath }));
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      Deno.exit(2);
    }
    throw e;
  }
  // Container-friendly overrides of the listening address.
  const envHost = Deno.env.get("GATEWAY_HOST"), envPort = Deno.env.get("GATEWAY_PORT");
  if (envHost) config.server.hostname = envHost;
  if (envPort) config.server.port = Number(envPort);
  await configureLogging({ level: config.log.level });
  const decisionWriter = new LineWriter(Deno.stdout);
  const log = opsLogger("start");
  const env = (name: string) => Deno.env.get(name);

  // Redis, when the rate limiter is shared or the section is configured (redis/connection.ts).
  // Once the key-change subscription is back after a loss, every cached key lookup is dropped: the
  // changes announced meanwhile were missed (set below, once the verifier exists).
  let onResubscribed = () => {};
  const redis = config.rateLimit.store === "redis" || config.redis !== undefined
    ? await openRedis(config, file, () => onResubscribed())
    : null;

  // Keys: the embedded Deno KV store, its HMAC secret, the verifier (store reads are counted).
  // With Redis, every write is announced to the other replicas (keys/redis_changes.ts).
  const dbPath = keysDbPath(config.keys.db);
  const opened = await openKeyStore(dbPath);
  const keysLog = opsLogger("keys");
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
  const verifier = new KeyVerifier({
    store: countingStore(store, metrics),
    secret: opened.secret,
    cacheTtlMs: config.keys.cacheTtlMs,
  });
  if (redis !== null) {
    onResubscribed = () => verifier.invalidateAll();
    // Resolves once subscribed (when Redis is down at start: once it is up); close() ends it.
    subscribeKeyChangesFromRedis(redis, (change) => verifier.invalidate(change.hash), {
      onInvalidMessage: () => keysLog.warn("ignored a malformed key change message"),
    }).then(() => keysLog.info("listening to key changes from other replicas"), () => {});
  }
  const limiter: RateLimiter = config.rateLimit.store === "redis"
    ? new RedisRateLimiter({ redis: redis! })
    : new MemoryRateLimiter();

  const signer = await ClaimsSigner.create({
    issuer: config.jwt.issuer,
    ttlSeconds: config.jwt.ttlSeconds,
    alg: config.jwt.alg,
    keys: await signingKeysFromEnv(env),
  });
  if (signer.ephemeral) {
    log.info("JWT signing key is ephemeral: tokens do not survive a restart (set GATEWAY_JWT_KEYS)");
  }

  // Policy: configured bundle, else build/bundle.tar.gz when built, else compile policies/ now.
  const bundle = config.policy.bundle ?? (await exists(DEFAULT_BUNDLE) ? DEFAULT_BUNDLE : DEFAULT_POLICY_DIR);
  const bundleKey = env("GATEWAY_BUNDLE_KEY");
  if (config.policy.verifyAlg && !bundleKey) {
    throw new ConfigError(file ?? "(defaults)", ["policy.verifyAlg is set but GATEWAY_BUNDLE_KEY is not"]);
  }
  const policyLog = opsLogger("policy");
  const { engine, manager } = await startEngine({
    bundle,
    entrypoints: [config.policy.entrypoint],
    watch: config.policy.watch,
    pollIntervalMs: config.policy.pollSeconds * 1000,
    verification: config.policy.verifyAlg ? { alg: config.policy.verifyAlg, key: bundleKey! } : undefined,
    httpSend: config.policy.httpSend.enabled ? config.policy.httpSend : undefined,
    lookupIpAddr: config.policy.lookupIpAddr.enabled ? config.policy.lookupIpAddr : undefined,
    log: (entry) => {
      const props = entry as unknown as Record<string, unknown>;
      if (entry.level === "error") policyLog.error(entry.event, props);
      else policyLog.info(entry.event, props);
    },
  });
  metricsRef.reloads = () => {
    const s = manager.status();
    return { ok: s.activations, failed: s.failures };
  };

  // Routes: the configured ones, or everything to the demo upstream.
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

  const app = createGatewayApp({
    routes: new RouteTable(routes),
    evaluator: engine,
    policyStatus: {
      current: () => engine.current(),
      lastReloadError: () => {
        const e = manager.status().lastError;
        return e ? `${e.code}: ${e.message}` : null;
      },
    },
    entrypoint: config.policy.entrypoint,
    headerAllowList: config.input.headers,
    decisionCache: config.policy.decisionCache.enabled &&
      { maxEntries: config.policy.decisionCache.maxEntries },
    verifier,
    extractKey: extractApiKey,
    signer,
    limiter,
    metrics,
    sink: config.log.decisions ? jsonLinesSink(decisionWriter) : { write() {} },
    limits: config.limits,
    upstream: {
      connectMs: config.upstream.connectTimeoutMs,
      overallMs: config.upstream.timeoutMs,
      jwtHeader: config.jwt.header,
      jwtPrefix,
      via: "1.1 policy-gateway",
    },
    // Redis gates readiness only when requests need it (shared rate limits); used for revocation
    // announcements alone, an outage only slows revocation down to the cache TTL.
    dependencies: redis === null || config.rateLimit.store !== "redis"
      ? undefined
      : { redis: () => redisHealth(redis) },
    admin: adminRoutes({ store, token: env("GATEWAY_ADMIN_TOKEN") ?? "", hmacSecret: opened.secret }),
  });

  const server = Deno.serve({
    hostname: config.server.hostname,
    port: config.server.port,
    onListen: () => {},
  }, app.fetch);
  const url = `http://${hostForUrl(config.server.hostname)}:${server.addr.port}`;
  log.info("listening", { url, config: file ?? "(defaults)", bundle, keys_db: dbPath });

  const stop = async () => {
    await server.shutdown();
    manager.stop();
    await demo?.shutdown();
    await redis?.close();
    store.close?.();
    await decisionWriter.flush();
    await closeLogging();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);

  if (demo !== null) await printDemoBanner(url, { store, secret: opened.secret });
}

/**
 * Opens the Redis connection without waiting for it for long: when Redis is not there yet the
 * gateway still starts, /readyz and rate-limited requests answer 503 and key changes wait, until it
 * comes. `onResubscribed`: the key-change subscription is back after a loss.
 */
async function openRedis(
  config: GatewayConfig,
  file: string | null,
  onResubscribed: () => void,
): Promise<RedisConnection> {
  const log = opsLogger("redis");
  let settings;
  try {
    settings = resolveRedisSettings(config.redis);
  } catch (e) {
    if (e instanceof RedisError) throw new ConfigError(file ?? "(defaults)", [e.message]);
    throw e;
  }
  const redis = RedisConnection.open(settings, {
    onStateChange: (state, error) => {
      if (state === "up") return log.info("redis connected");
      const props = { code: error?.code, error: error?.message };
      log.warn("redis unreachable: /readyz and shared rate limits answer 503 until it is back", props);
    },
    onResubscribed: () => {
      onResubscribed();
      log.warn(
        "key change subscription restored: cached key lookups dropped, as changes may have been missed",
      );
    },
  });
  try {
    await redis.ready();
  } catch {
    // Reported by onStateChange; the connection keeps retrying in the background.
  }
  return redis;
}

/** First run of the demo: create a demo key and show it (once: only its hash is stored). */
async function printDemoBanner(
  url: string,
  ctx: { store: import("./keys/types.ts").KeyStore; secret: Uint8Array },
): Promise<void> {
  const lines = [`\nPolicy gateway (demo) listening on ${url}`];
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
  lines.push(`Health: ${url}/readyz   Metrics: ${url}/metrics   JWKS: ${url}/.well-known/jwks.json\n`);
  console.error(lines.join("\n"));
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

if (import.meta.main) await main(Deno.args);
