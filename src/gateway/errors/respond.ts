/** Writes the gateway's error responses: `{error, reason, request_id}` with the reason's status. */
import type { Context } from "hono";
import type { GatewayEnv } from "../context.ts";
import { type ReasonId, REASONS } from "./reasons.ts";

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
