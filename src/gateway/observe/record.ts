/**
 * Records every answered request: metrics (count by route/decision/status, latency) and one
 * decision-log line. The pipeline (pipeline.ts) calls it last, with the status of the response it
 * is about to return, so it sees every outcome, errors included.
 */
import type { Context } from "hono";
import type { GatewayEnv, RequestState } from "../context.ts";
import { decisionLine, type DecisionSink } from "./decision_log.ts";
import type { GatewayMetrics } from "./metrics.ts";

export interface ObserveOptions {
  metrics: GatewayMetrics;
  sink: DecisionSink;
}

export type RequestRecorder = (c: Context<GatewayEnv>, state: RequestState, status: number) => void;

export function requestRecorder(opts: ObserveOptions): RequestRecorder {
  const { metrics, sink } = opts;
  return function recordRequest(c, state, status) {
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
