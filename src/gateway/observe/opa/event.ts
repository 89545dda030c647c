/**
 * A request as OPA's decision-log event (OPA's EventV1: labels, decision_id, bundles, path, input,
 * result, requested_by, timestamp, metrics, req_id; erased / masked once masked), so that
 * receivers written for OPA read it. The gateway's own facts (key id, route, rate-limit outcome,
 * reason id, status, timings) are the gateway-format line (decision_log.ts) under `gateway`.
 *
 * `input` is the document the policy was given (src/gateway/input/), which never holds the caller's
 * credential; `path` and `input`/`result` are present only when the policy was consulted (a request
 * refused before it, e.g. without a key, has neither: `gateway.reason` says why). A policy error is
 * `error` {code, message}, as OPA reports an evaluation error.
 */
import type { RequestState } from "../../context.ts";
import { inputJson } from "../../input/encode.ts";
import type { DecisionLine } from "../decision_log.ts";

export interface OpaEvent {
  labels: Record<string, string>;
  decision_id: string;
  bundles?: Record<string, { revision: string }>;
  path?: string;
  input?: unknown;
  result?: unknown;
  erased?: string[];
  masked?: string[];
  error?: { code: string; message: string };
  requested_by?: string;
  timestamp: string;
  metrics?: Record<string, number>;
  req_id?: number;
  gateway: DecisionLine;
}

export interface EventContext {
  labels: Record<string, string>;
  bundleName: string;
  /** The entrypoint, slash-separated ("gateway/decision"), as OPA writes `path`. */
  path: string;
  /** The caller's address, "host:port" (OPA's requested_by). */
  requestedBy: string;
  /** This process's count of requests (OPA's req_id). */
  reqId: number;
}

const POLICY_ERRORS = new Set([
  "policy_error",
  "policy_undefined",
  "policy_timeout",
  "policy_memory_exceeded",
  "policy_malformed",
]);

/**
 * The event as JSON text, built without parsing the input document: its JSON text (the very text
 * the policy was given) is spliced in. `JSON.parse(opaEventJson(…))` deep-equals `opaEvent(…)`.
 */
export function opaEventJson(state: RequestState, line: DecisionLine, ctx: EventContext): string {
  const event = opaEvent(state, line, ctx, false) as Partial<OpaEvent>;
  delete event.gateway;
  const head = JSON.stringify(event);
  const input = state.input === null ? "" : ',"input":' + inputJson(state.input);
  return head.slice(0, -1) + input + ',"gateway":' + JSON.stringify(line) + "}";
}

export function opaEvent(
  state: RequestState,
  line: DecisionLine,
  ctx: EventContext,
  withInput = true,
): OpaEvent {
  const event: OpaEvent = {
    labels: ctx.labels,
    decision_id: state.decisionId ?? state.requestId,
    timestamp: line["@timestamp"],
    gateway: line,
  };
  if (state.revision !== null) event.bundles = { [ctx.bundleName]: { revision: state.revision } };
  const consulted = state.input !== null;
  if (consulted) {
    event.path = ctx.path;
    if (withInput) event.input = JSON.parse(inputJson(state.input!));
    if (state.decision !== null) event.result = state.decision;
    else if (line.reason !== null && POLICY_ERRORS.has(line.reason)) {
      event.error = { code: line.reason, message: line.detail ?? line.reason };
    }
  }
  if (ctx.requestedBy !== "") event.requested_by = ctx.requestedBy;
  const metrics: Record<string, number> = { timer_server_handler_ns: Math.round(line.latency_ms * 1e6) };
  if (line.policy_ms !== null) metrics.timer_rego_query_eval_ns = Math.round(line.policy_ms * 1e6);
  event.metrics = metrics;
  event.req_id = ctx.reqId;
  return event;
}
