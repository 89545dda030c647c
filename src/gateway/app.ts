/**
 * Assembles the gateway's Hono app. The request pipeline, in order:
 *
 *   requestId → observe → requestLimits → routing → auth → decision → throttle → proxy
 *
 * Operational endpoints (/healthz, /readyz, /metrics, /.well-known/jwks.json) and the admin API
 * (/admin) sit before `observe`: they get a request id but no decision-log line.
 */
import { Hono } from "hono";
import type { PolicyEvaluator } from "../engine/types.ts";
import { auth, type KeyChecker } from "./auth/middleware.ts";
import type { GatewayEnv } from "./context.ts";
import { decision } from "./decision/middleware.ts";
import { GatewayError } from "./errors/gateway_error.ts";
import { errorResponse } from "./errors/respond.ts";
import { opsRoutes, type PolicyStatus } from "./health/routes.ts";
import { type RequestLimits, requestLimits } from "./limits/middleware.ts";
import type { DecisionSink } from "./observe/decision_log.ts";
import type { GatewayMetrics } from "./observe/metrics.ts";
import { observe } from "./observe/middleware.ts";
import { proxy, type TokenSigner } from "./proxy/forward.ts";
import { HeaderRules } from "./proxy/headers.ts";
import type { RateLimiter } from "./ratelimit/types.ts";
import { requestId } from "./request_id/middleware.ts";
import { routing } from "./routes/middleware.ts";
import type { RouteTable } from "./routes/table.ts";
import { throttle } from "./throttle/middleware.ts";

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
  /** KEYS' admin sub-app, mounted at /admin when given. */
  admin?: Hono;
  /** For tests: the fetch the proxy uses. */
  fetch?: typeof fetch;
  now?: () => Date;
}

export function createGatewayApp(d: GatewayDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.onError((err, c) => {
    const state = c.get("state");
    if (state) state.detail = err.message;
    return errorResponse(c, err instanceof GatewayError ? err.reason : "internal_error");
  });

  app.use(requestId());
  app.route("/", opsRoutes({ policy: d.policyStatus, metrics: d.metrics, jwks: () => d.signer.jwks() }));
  if (d.admin) app.route("/admin", d.admin);

  app.use(observe({ metrics: d.metrics, sink: d.sink }));
  app.all(
    "*",
    requestLimits(d.limits),
    routing(d.routes),
    auth({ verifier: d.verifier, extract: d.extractKey }),
    decision({
      evaluator: d.evaluator,
      entrypoint: d.entrypoint,
      headerAllowList: d.headerAllowList,
      onEvaluated: (ms, ok) => d.metrics.observePolicy(ms, ok),
      now: d.now,
    }),
    throttle({ limiter: d.limiter }),
    proxy({
      signer: d.signer,
      headers: new HeaderRules({
        jwtHeader: d.upstream.jwtHeader,
        jwtPrefix: d.upstream.jwtPrefix,
        via: d.upstream.via,
      }),
      connectMs: d.upstream.connectMs,
      overallMs: d.upstream.overallMs,
      maxBodyBytes: d.limits.maxBodyBytes,
      fetch: d.fetch,
    }),
  );
  return app;
}
