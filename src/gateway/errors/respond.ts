/** Writes the gateway's error responses: `{error, reason, request_id}` with the reason's status. */
import type { Context } from "hono";
import type { GatewayEnv } from "../context.ts";
import { type ReasonId, REASONS } from "./reasons.ts";

/** Statuses whose response has no body (Fetch's null body statuses). */
const NULL_BODY = new Set([204, 205, 304]);

/**
 * A denial in OPA-Envoy's form: the policy's status, header fields (already checked:
 * decision/envoy_result.ts) and body; without a body, the gateway's JSON error body.
 */
export function policyDenial(
  c: Context<GatewayEnv>,
  status: number,
  headers: readonly (readonly [string, string])[],
  body: string | null,
): Response {
  if (body === null) {
    const res = errorResponse(c, "policy_denied");
    const h = new Headers(res.headers);
    for (const [name, value] of headers) if (name !== "content-type") h.append(name, value);
    return new Response(NULL_BODY.has(status) ? null : res.body, { status, headers: h });
  }
  const state = c.get("state");
  if (state) {
    state.reason = "policy_denied";
    state.outcome = "deny";
  }
  const h = new Headers();
  for (const [name, value] of headers) h.append(name, value);
  if (!h.has("content-type")) h.set("content-type", "text/plain; charset=utf-8");
  if (state?.requestId) h.set("x-request-id", state.requestId);
  return new Response(NULL_BODY.has(status) ? null : body, { status, headers: h });
}

/**
 * Answers with the reason's status. `publicReason` overrides the id in the body (the policy's own
 * reason for a denial); the state records it for the decision log so both say the same.
 */
export function errorResponse(
  c: Context<GatewayEnv>,
  reason: ReasonId,
  publicReason: string = reason,
  headers?: Record<string, string>,
): Response {
  const spec = REASONS[reason];
  const state = c.get("state");
  const requestId = state?.requestId ?? "";
  if (state) {
    state.reason = publicReason;
    state.outcome = spec.status < 500 ? "deny" : "error";
  }
  const body = `{"error":"${spec.error}","reason":${JSON.stringify(publicReason)},"request_id":${
    JSON.stringify(requestId)
  }}`;
  const h = new Headers(headers);
  h.set("content-type", "application/json; charset=utf-8");
  if (requestId) h.set("x-request-id", requestId);
  return new Response(body, { status: spec.status, headers: h });
}
