/**
 * Operational endpoints: `/healthz` (the process is up), `/readyz` (a policy bundle is loaded and
 * every dependency is up; the revision, the last reload error and each dependency's state),
 * `/metrics` (Prometheus) and `/.well-known/jwks.json` (the public keys upstreams verify the
 * gateway's JWTs with).
 */
import { Hono } from "hono";
import type { BundleInfo } from "../../engine/types.ts";
import type { GatewayEnv } from "../context.ts";
import type { GatewayMetrics } from "../observe/metrics.ts";
import { type DependencyCheck, DependencyChecker } from "./dependencies.ts";

export interface PolicyStatus {
  current(): BundleInfo | null;
  /** The last failed reload's message, cleared by a successful one. */
  lastReloadError(): string | null;
  /** Set while the bundle in force is the last good copy loaded at start (policy.lastGoodPath). */
  lastGood?(): { path: string; revision: string; loadedAt: Date } | null;
}

export interface OpsOptions {
  policy: PolicyStatus;
  metrics: GatewayMetrics;
  jwks: () => { keys: JsonWebKey[] };
  /**
   * Checked on every /readyz, concurrently, each within `dependencyTimeoutMs`: one down (or too
   * slow) makes it 503. Reported under `dependencies` with stable error codes only.
   */
  dependencies?: Record<string, DependencyCheck>;
  /** Default: DEFAULT_DEPENDENCY_TIMEOUT_MS (500). */
  dependencyTimeoutMs?: number;
  /** Which endpoints to serve: /healthz, /readyz and /metrics (`health`), the JWKS. Default: all. */
  serve?: { health: boolean; jwks: boolean };
}

/** The paths opsRoutes answers (the app puts the request-id middleware on exactly these). */
export const OPS_PATHS = ["/healthz", "/readyz", "/metrics", "/.well-known/jwks.json"] as const;

export function opsRoutes(opts: OpsOptions): Hono<GatewayEnv> {
  const { policy, metrics, jwks } = opts;
  const app = new Hono<GatewayEnv>();
  const serve = opts.serve ?? { health: true, jwks: true };
  if (serve.jwks) {
    app.get("/.well-known/jwks.json", (c) => {
      c.header("cache-control", "public, max-age=300");
      return c.json(jwks());
    });
  }
  if (!serve.health) return app;
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  const checker = new DependencyChecker(opts.dependencies ?? {}, opts.dependencyTimeoutMs);
  app.get("/readyz", async (c) => {
    const bundle = policy.current();
    const lastError = policy.lastReloadError();
    const deps = checker.size > 0 ? await checker.check() : null;
    const lastGood = policy.lastGood?.() ?? null;
    const reported = {
      ...(lastGood === null ? {} : {
        last_good: {
          path: lastGood.path,
          revision: lastGood.revision,
          loaded_at: lastGood.loadedAt.toISOString(),
        },
      }),
      ...(deps === null ? {} : { dependencies: deps.dependencies }),
    };
    if (bundle === null || deps?.up === false) {
      const body = bundle === null
        ? { status: "not_ready", revision: null, last_reload_error: lastError }
        : { status: "not_ready", ...bundleFields(bundle), last_reload_error: lastError };
      return c.json({ ...body, ...reported }, 503);
    }
    return c.json({ status: "ready", ...bundleFields(bundle), last_reload_error: lastError, ...reported });
  });
  app.get("/metrics", async (c) => {
    c.header("content-type", metrics.contentType);
    return c.body(await metrics.text());
  });
  return app;
}

function bundleFields(bundle: BundleInfo) {
  return { revision: bundle.revision, source: bundle.source, loaded_at: bundle.loadedAt.toISOString() };
}
