/**
 * Gives every request an id and the pipeline's per-request state. A caller's `X-Request-Id` is kept
 * only when well-formed (8–128 characters of [A-Za-z0-9._:-]); otherwise a UUID is made. The id is
 * echoed on every response.
 */
import type { Context, MiddlewareHandler } from "hono";
import { type GatewayEnv, newRequestState, type RequestState } from "../context.ts";

const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

export function acceptRequestId(header: string | null): string {
  return header !== null && WELL_FORMED.test(header) ? header : crypto.randomUUID();
}

/** The request's state with its id, created once (by this middleware or by the pipeline). */
export function requestState(c: Context<GatewayEnv>): RequestState {
  let state = c.get("state");
  if (state === undefined) {
    state = newRequestState(acceptRequestId(c.req.raw.headers.get("x-request-id")), performance.now());
    c.set("state", state);
  }
  return state;
}

export function requestId(): MiddlewareHandler<GatewayEnv> {
  return async function assignRequestId(c, next) {
    const state = requestState(c);
    await next();
    c.res.headers.set("x-request-id", state.requestId);
  };
}
