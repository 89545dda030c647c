/** A whole gateway app wired with fakes, for pipeline tests with `app.request`. Test-only. */
import { createGatewayApp, type GatewayDeps } from "../app.ts";
import type { DecisionLine } from "../observe/decision_log.ts";
import { GatewayMetrics } from "../observe/metrics.ts";
import { DEFAULT_LIMITS } from "../limits/middleware.ts";
import { RouteTable } from "../routes/table.ts";
import {
  extractKey,
  FakeEvaluator,
  FakeLimiter,
  FakeSigner,
  FakeUpstream,
  FakeVerifier,
  keyRecord,
} from "./fakes.ts";

export function fakeGateway(over: Partial<GatewayDeps> = {}) {
  const lines: DecisionLine[] = [];
  // With a Content-Length, as a real upstream's answer has (without one the body is streamed, and
  // the request recorded once the test has read it).
  const upstream = new FakeUpstream((req) => {
    const text = `upstream saw ${new URL(req.url).pathname}`;
    return new Response(text, { headers: { "content-length": String(text.length) } });
  });
  const evaluator = new FakeEvaluator((input) => ({
    value: input.identity.scopes.includes("orders:read")
      ? {
        allow: true,
        reason: "scope_ok",
        rate_limits: [{ key: `sub:${input.identity.subject}`, limit: 2, window: "1m" }],
      }
      : { allow: false, reason: "scope_missing" },
  }));
  const verifier = new FakeVerifier({
    good: keyRecord(),
    weak: keyRecord({ id: "key_weak", scopes: [] }),
    malformed_key: "malformed",
    revoked_key: "revoked",
  });
  const metrics = new GatewayMetrics();
  const deps: GatewayDeps = {
    routes: new RouteTable([{ id: "orders", prefix: "/orders", upstream: "http://orders.internal" }]),
    evaluator,
    policyStatus: { current: () => evaluator.current(), lastReloadError: () => null },
    entrypoint: "gateway/decision",
    headerAllowList: ["user-agent"],
    verifier,
    extractKey,
    signer: new FakeSigner(),
    limiter: new FakeLimiter(),
    metrics,
    sink: { write: (l) => lines.push(l) },
    limits: DEFAULT_LIMITS,
    upstream: {
      connectMs: 1000,
      overallMs: 5000,
      jwtHeader: "authorization",
      jwtPrefix: "Bearer ",
      via: "1.1 gw",
    },
    fetch: upstream.fetch,
    ...over,
  };
  return { app: createGatewayApp(deps), lines, upstream, evaluator, verifier, metrics, deps };
}
