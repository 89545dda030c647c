/**
 * Operational endpoints: `/healthz` (the process is up), `/readyz` (a policy bundle is loaded; its
 * revision and the last reload error), `/metrics` (Prometheus) and `/.well-known/jwks.json` (the
 * public keys upstreams verify the gateway's JWTs with).
 */
import { Hono } from "hono";
import type { BundleInfo } from "../../engine/types.ts";
import type { GatewayEnv } from "../context.ts";
import type { GatewayMetrics } from "../observe/metrics.ts";

export interface PolicyStatus {
  current(): BundleInfo | null;
  /** The last failed reload's message, cleared by a successful one. */
  lastReloadError(): string | null;
}

export interface OpsOptions {
  policy: PolicyStatus;
  metrics: GatewayMetrics;
  jwks: () => { keys: JsonWebKey[] };
}

/** The paths opsRoutes answers (the app puts the request-id middleware on exactly these). */
export const OPS_PATHS = ["/healthz", "/readyz", "/metrics", "/.well-known/jwks.json"] as const;

export function opsRoutes(opts: OpsOptions): Hono<GatewayEnv> {
  const { policy, metrics, jwks } = opts;
  const app = new Hono<GatewayEnv>();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", (c) => {
    const bundle = policy.current();
    const lastError = policy.lastReloadError();
    if (bundle === null) {
      return c.json({ status: "not_ready", revision: null, last_reload_error: lastError }, 503);
    }
    return c.json({
      status: "ready",
      revision: bundle.revision,
      source: bundle.source,
      loaded_at: bundle.loadedAt.toISOString(),
      last_reload_error: lastError,
    });
  });
  app.get("/metrics", async (c) => {
    c.header("content-type", metrics.contentType);
    return c.body(await metrics.text());
  });
  app.get("/.well-known/jwks.json", (c) => {
    c.header("cache-control", "public, max-age=300");
    return c.json(jwks());
  });
  return app;
}
