/**
 * Assembles the gateway's Hono app. The request pipeline, in order:
 *
 *   request id → requestLimits → target → routing → auth → decision → throttle → proxy → record
 *
 * It runs as stages in one handler (pipeline.ts), which assigns the request id first and records
 * the request (metrics, decision log) last, whatever answered it. The target stage reads the one
 * canonical method, host, path and query (target/target.ts) every later stage uses; Hono routes on
 * that same path (its getPath is the target's).
 *
 * Operational endpoints (/healthz, /readyz, /metrics, /.well-known/jwks.json) and the admin API
 * (/admin) are routes of their own in front of it, with the requestId middleware: they get a
 * request id but no decision-log line. With `separateOps`, /healthz, /readyz, /metrics and /admin
 * are left out of this app (createOpsApp serves them on another listener) and answer 404 here.
 */
import { Hono } from "hono";
import type { PolicyEvaluator } from "../engine/types.ts";
import { authStage, type KeyChecker } from "./auth/middleware.ts";
import type { GatewayEnv } from "./context.ts";
import { DecisionCache, type DecisionCacheOptions } from "./decision/cache.ts";
import { addPolicyResponseHeaders, decisionStage } from "./decision/middleware.ts";
import type { BodyOptions } from "./input/body.ts";
import { GatewayError } from "./errors/gateway_error.ts";
import { errorResponse } from "./errors/respond.ts";
import type { DependencyCheck } from "./health/dependencies.ts";
import { OPS_PATHS, opsRoutes, type PolicyStatus } from "./health/routes.ts";
import { type RequestLimits, requestLimitsStage } from "./limits/middleware.ts";
import type { DecisionSink } from "./observe/decision_log.ts";
import type { GatewayMetrics } from "./observe/metrics.ts";
import { requestRecorder } from "./observe/record.ts";
import { pipeline } from "./pipeline.ts";
import { proxyStage, type TokenSigner } from "./proxy/forward.ts";
import { HeaderRules } from "./proxy/headers.ts";
import type { UpstreamClient } from "./proxy/upstream_client.ts";
import type { RateLimiter } from "./ratelimit/types.ts";
import { requestId } from "./request_id/middleware.ts";
import { routingStage } from "./routes/middleware.ts";
import type { RouteTable } from "./routes/table.ts";
import { addRateLimitHeaders, throttleStage } from "./throttle/middleware.ts";
import { targetStage } from "./target/middleware.ts";
import { DEFAULT_CREDENTIAL_PARAMS } from "./target/query.ts";
import { honoGetPath, type TargetOptions } from "./target/target.ts";

export interface UpstreamSettings {
  connectMs: number;
  overallMs: number;
  /** Header that carries the JWT upstream ("authorization"). */
  jwtHeader: string;
  /** Prefix of its value ("Bearer "). */
  jwtPrefix: string;
  /** `Via` value. */
  via: string;
}

export interface GatewayDeps {
  routes: RouteTable;
  evaluator: PolicyEvaluator;
  policyStatus: PolicyStatus;
  entrypoint: string;
  headerAllowList: readonly string[];
  verifier: KeyChecker;
  extractKey: (headers: Headers) => string | null;
  signer: TokenSigner & { jwks(): { keys: JsonWebKey[] } };
  limiter: RateLimiter;
  metrics: GatewayMetrics;
  sink: DecisionSink;
  limits: RequestLimits;
  upstream: UpstreamSettings;
  /** Checked by /readyz (e.g. Redis): one down makes it 503 (health/dependencies.ts). */
  dependencies?: Record<string, DependencyCheck>;
  /** KEYS' admin sub-app, mounted at /admin when given. */
  admin?: Hono;
  /** The decision cache's bounds (decision/cache.ts), or false for none. Default: on. */
  decisionCache?: DecisionCacheOptions | false;
  /** The proxy's upstream client (proxy/upstream_client.ts); fetch's by default. */
  upstreamClient?: UpstreamClient;
  /** For tests: the fetch the proxy uses (without an upstreamClient). */
  fetch?: typeof fetch;
  now?: () => Date;
  /** Keep a caller's well-formed X-Request-Id (server.trustRequestId). Default false. */
  trustRequestId?: boolean;
  /** Give each request an OPA decision id, sent back as X-Decision-Id (decisionLog.format opa). */
  decisionIds?: boolean;
  /** Query parameter names removed as credentials (upstream.stripQueryParams). */
  credentialParams?: readonly string[];
  /** The listener's scheme. Default "http". */
  scheme?: "http" | "https";
  /** policy.inputFormat: "envoy" adds OPA-Envoy's input shape (input/build.ts). Default "gateway". */
  inputFormat?: "gateway" | "envoy";
  /** With inputFormat "envoy": OPA-Envoy's parsed_body (policy.envoy). */
  parseBody?: BodyOptions;
  /** /healthz, /readyz, /metrics and /admin are served by createOpsApp on another listener. */
  separateOps?: boolean;
}

/** An app that routes on the canonical path (target/target.ts), with the JSON error answer. */
function newApp(target: TargetOptions): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>({ getPath: honoGetPath(target) });
  app.onError((err, c) => {
    const state = c.get("state");
    if (state) state.detail = err.message;
    return errorResponse(c, err instanceof GatewayError ? err.reason : "internal_error");
  });
  return app;
}

function targetOptions(d: GatewayDeps): TargetOptions {
  return {
    scheme: d.scheme ?? "http",
    credentialParams: new Set((d.credentialParams ?? DEFAULT_CREDENTIAL_PARAMS).map((n) => n.toLowerCase())),
  };
}

/** The operational endpoints and the admin API, for a listener of their own (server.admin). */
export function createOpsApp(d: GatewayDeps): Hono<GatewayEnv> {
  const app = newApp(targetOptions(d));
  mountOps(app, d, { health: true, jwks: true });
  return app;
}

function mountOps(app: Hono<GatewayEnv>, d: GatewayDeps, serve: { health: boolean; jwks: boolean }) {
  // The request id on the operational and admin endpoints; the pipeline assigns its own, so that
  // the proxied path has a single handler and no middleware chain.
  const trustRequestId = d.trustRequestId ?? false;
  for (const path of OPS_PATHS) {
    if (path === "/.well-known/jwks.json" ? serve.jwks : serve.health) {
      app.use(path, requestId({ trustRequestId }));
    }
  }
  if (serve.health && d.admin) {
    app.use("/admin", requestId({ trustRequestId })).use("/admin/*", requestId({ trustRequestId }));
  }
  app.route(
    "/",
    opsRoutes({
      policy: d.policyStatus,
      metrics: d.metrics,
      jwks: () => d.signer.jwks(),
      dependencies: d.dependencies,
      serve,
    }),
  );
  if (serve.health && d.admin) app.route("/admin", d.admin);
}

export function createGatewayApp(d: GatewayDeps): Hono<GatewayEnv> {
  const target = targetOptions(d);
  const app = newApp(target);
  mountOps(app, d, { health: !d.separateOps, jwks: true });

  const entrypoint = d.entrypoint;
  const cache = d.decisionCache === false
    ? undefined
    : new DecisionCache(entrypoint, d.headerAllowList, d.decisionCache);
  if (cache) d.metrics.trackDecisionCache(cache);

  const steps = [
    { stage: requestLimitsStage(d.limits) },
    { stage: targetStage(target) },
    { stage: routingStage(d.routes) },
    { stage: authStage({ verifier: d.verifier, extract: d.extractKey }) },
    {
      stage: decisionStage({
        evaluator: d.evaluator,
        entrypoint,
        cache,
        headerAllowList: d.headerAllowList,
        onEvaluated: (ms, ok) => d.metrics.observePolicy(ms, ok),
        now: d.now,
        inputFormat: d.inputFormat,
        parseBody: d.parseBody,
        scheme: d.scheme,
      }),
      after: addPolicyResponseHeaders,
    },
    { stage: throttleStage({ limiter: d.limiter }), after: addRateLimitHeaders },
    {
      stage: proxyStage({
        signer: d.signer,
        headers: new HeaderRules({
          jwtHeader: d.upstream.jwtHeader,
          jwtPrefix: d.upstream.jwtPrefix,
          via: d.upstream.via,
        }),
        connectMs: d.upstream.connectMs,
        overallMs: d.upstream.overallMs,
        maxBodyBytes: d.limits.maxBodyBytes,
        scheme: d.scheme,
        fetch: d.fetch,
        client: d.upstreamClient,
      }),
    },
  ];
  app.all(
    "*",
    pipeline(steps, requestRecorder({ metrics: d.metrics, sink: d.sink }), {
      trustRequestId: d.trustRequestId,
      decisionIds: d.decisionIds,
    }),
  );
  return app;
}
