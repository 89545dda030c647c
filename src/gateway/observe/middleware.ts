/**
 * Records every answered request: metrics (count by route/decision/status, latency) and one
 * decision-log line. Runs just inside the request-id middleware so it sees every outcome,
 * including errors answered by the app's error handler.
 */
import type { MiddlewareHandler } from "hono";
import type { GatewayEnv } from "../context.ts";
import { decisionLine, type DecisionSink } from "./decision_log.ts";
import type { GatewayMetrics } from "./metrics.ts";

export interface ObserveOptions {
  metrics: GatewayMetrics;
  sink: DecisionSink;
}

export function observe(opts: ObserveOptions): MiddlewareHandler<GatewayEnv> {
  const { metrics, sink } = opts;
  return async function observeRequest(c, next) {
    await next();
    const state = c.get("state");
    const status = c.res.status;
    const latencyMs = performance.now() - state.startedAt;
    const line = decisionLine(state, {
      method: c.req.raw.method,
      path: c.req.path,
      status,
      latencyMs,
      now: Date.now(),
    });
    metrics.observeRequest(line.route ?? "none", line.decision, status, latencyMs / 1000);
    if (state.outcome === "deny" && status === 429 && line.route !== null) {
      metrics.rateLimitRejections.inc({ route: line.route });
    }
    sink.write(line);
  };
}
