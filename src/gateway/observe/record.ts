/**
 * Records every answered request: metrics (count by route/decision/status, latency) and one
 * decision-log line, with the canonical method and path (target/target.ts). The pipeline (pipeline.ts) calls it last, with the status of the response it
 * is about to return, so it sees every outcome, errors included.
 */
import type { Context } from "hono";
import type { GatewayEnv, RequestState } from "../context.ts";
import { decisionLine, type DecisionSink } from "./decision_log.ts";
import type { GatewayMetrics } from "./metrics.ts";
import { KEY_PATTERN } from "../../keys/format.ts";

/** Longest raw path logged for a request whose target was refused. */
const MAX_RAW_PATH = 256;

/**
 * The path the log shows: the canonical one, or, for a refused target, the raw path cut at the
 * query and at MAX_RAW_PATH. Anything shaped like an API key is masked (a path is no place for
 * one, but a log must never hold one).
 */
export function loggedPath(canonical: string | null, url: string): string {
  let path = canonical;
  if (path === null) {
    const start = url.indexOf("/", url.indexOf("://") + 3);
    if (start === -1) return "";
    const q = url.indexOf("?", start);
    path = url.slice(start, Math.min(q === -1 ? url.length : q, start + MAX_RAW_PATH));
  }
  return path.indexOf("gw_") === -1 ? path : path.replace(KEY_TEXT, "gw_…");
}

const KEY_TEXT = new RegExp(KEY_PATTERN.source.replaceAll("\\b", ""), "g");

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
      method: state.method ?? c.req.raw.method,
      path: loggedPath(state.path, c.req.raw.url),
      status,
      latencyMs,
      now: Date.now(),
    });
    metrics.observeRequest(line.route ?? "none", line.decision, status, latencyMs / 1000);
    if (state.outcome === "deny" && status === 429 && line.route !== null) {
      metrics.rateLimitRejections.inc({ route: line.route });
    }
    const addr = c.env?.remoteAddr;
    sink.write(line, state, addr ? `${hostForAddr(addr.hostname)}:${addr.port}` : "");
  };
}

function hostForAddr(hostname: string): string {
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}
