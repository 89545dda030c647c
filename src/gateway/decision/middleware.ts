/**
 * Asks the policy: builds the input document, evaluates the entrypoint through the engine and
 * checks the answer. Fails closed: an engine error, an undefined result or a malformed decision is
 * a 503 and the request goes no further; `allow: false` is a 403 with the policy's reason.
 */
import type { MiddlewareHandler } from "hono";
import type { EngineErrorCode, PolicyEvaluator } from "../../engine/types.ts";
import type { GatewayEnv } from "../context.ts";
import { errorResponse } from "../errors/respond.ts";
import { policyReason, type ReasonId } from "../errors/reasons.ts";
import { buildInput } from "../input/build.ts";
import { decisionSchema, describeIssues } from "./schema.ts";

export interface DecisionOptions {
  evaluator: PolicyEvaluator;
  /** Default "gateway/decision". */
  entrypoint?: string;
  /** Lower-case header names copied into the input. */
  headerAllowList?: readonly string[];
  /** Observes each evaluation's duration (metrics). */
  onEvaluated?: (durationMs: number, ok: boolean) => void;
  now?: () => Date;
}

const ENGINE_REASONS: Partial<Record<EngineErrorCode, ReasonId>> = {
  policy_undefined: "policy_undefined",
  no_policy_loaded: "no_policy_loaded",
};

export function decision(opts: DecisionOptions): MiddlewareHandler<GatewayEnv> {
  const entrypoint = opts.entrypoint ?? "gateway/decision";
  const allowList = (opts.headerAllowList ?? []).map((h) => h.toLowerCase());
  const now = opts.now ?? (() => new Date());
  const evaluator = opts.evaluator;
  const onEvaluated = opts.onEvaluated;

  return async function decide(c, next) {
    const state = c.get("state");
    const key = state.key, route = state.route;
    if (key === null || route === null) throw new Error("decision: needs auth and route before it");
    const raw = c.req.raw;
    const url = c.req.url;
    const q = url.indexOf("?");
    const input = buildInput({
      key,
      route,
      requestId: state.requestId,
      method: raw.method,
      path: c.req.path,
      host: raw.headers.get("host") ?? "",
      search: q === -1 ? "" : url.slice(q),
      headers: raw.headers,
      headerAllowList: allowList,
      clientAddress: c.env?.remoteAddr?.hostname ?? "",
      now: now(),
    });

    const result = evaluator.evaluate(entrypoint, input);
    state.policyMs = result.durationMs;
    state.revision = result.revision;
    onEvaluated?.(result.durationMs, result.ok);
    if (!result.ok) {
      state.detail = `${result.error.code}: ${result.error.message}`;
      return errorResponse(c, ENGINE_REASONS[result.error.code] ?? "policy_error");
    }
    const parsed = decisionSchema.safeParse(result.value);
    if (!parsed.success) {
      state.detail = describeIssues(parsed.error);
      return errorResponse(c, "policy_malformed");
    }
    const d = parsed.data;
    state.decision = d;
    if (!d.allow) return errorResponse(c, "policy_denied", policyReason(d.reason));
    state.outcome = "allow";
    state.reason = policyReason(d.reason, "allowed");
    await next();
  };
}
