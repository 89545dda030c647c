/**
 * The decision log: one JSON line per request on stdout. Holds ids, outcomes and timings, never a
 * key, a token or a query string. Written through a lean buffered writer (line_writer.ts), not
 * LogTape, to keep the per-request cost down.
 */
import type { RequestState } from "../context.ts";
import type { LineWriter } from "./line_writer.ts";
import { redactUrlsIn } from "./redact.ts";

export interface DecisionLine {
  ts: string;
  request_id: string;
  method: string;
  path: string;
  status: number;
  decision: string;
  reason: string | null;
  route: string | null;
  key_id: string | null;
  org: string | null;
  identity_type: string | null;
  rate_limit: { key: string; limit: number; remaining: number; allowed: boolean } | null;
  revision: string | null;
  jti: string | null;
  latency_ms: number;
  policy_ms: number | null;
  /** "hit" when a cached decision answered (policy_ms is then null), "miss", or null. */
  decision_cache: "hit" | "miss" | null;
  upstream_status: number | null;
  detail?: string;
}

export function decisionLine(
  state: RequestState,
  r: { method: string; path: string; status: number; latencyMs: number; now: number },
): DecisionLine {
  const rl = state.rateLimit;
  const line: DecisionLine = {
    ts: new Date(r.now).toISOString(),
    request_id: state.requestId,
    method: r.method,
    path: r.path,
    status: r.status,
    decision: state.outcome ?? (r.status < 400 ? "allow" : r.status < 500 ? "deny" : "error"),
    reason: state.reason,
    route: state.route?.id ?? null,
    key_id: state.key?.id ?? state.rejectedKeyId,
    org: state.key?.org ?? null,
    identity_type: state.key?.identityType ?? null,
    rate_limit: rl === null
      ? null
      : { key: rl.key, limit: rl.limit, remaining: rl.remaining, allowed: rl.allowed },
    revision: state.revision,
    jti: state.jti,
    latency_ms: Math.round(r.latencyMs * 1000) / 1000,
    policy_ms: state.policyMs === null ? null : Math.round(state.policyMs * 1000) / 1000,
    decision_cache: state.decisionCache,
    upstream_status: state.upstreamStatus,
  };
  // A detail is an internal message (an exception's, the engine's, fetch's): URLs in it redacted.
  if (state.detail !== null) line.detail = redactUrlsIn(state.detail);
  return line;
}

export interface DecisionSink {
  /**
   * `state` and `requestedBy` (the caller's "host:port") are for sinks that need more than the
   * line (OPA's decision-log events: opa/decision_events.ts).
   */
  write(line: DecisionLine, state?: RequestState, requestedBy?: string): void;
}

/** The production sink: each line as JSON through a buffered writer (e.g. to stdout). */
export function jsonLinesSink(writer: LineWriter): DecisionSink {
  return { write: (line) => writer.write(JSON.stringify(line)) };
}
