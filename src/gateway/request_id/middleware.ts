/**
 * Gives every request an id and the pipeline's per-request state. A caller's `X-Request-Id` is not
 * trusted by default (a caller could make its requests' log lines collide with others', or forge
 * a correlation with a request it never made): the gateway makes a UUID. With
 * `server.trustRequestId: true` (a trusted proxy in front sets the id), a caller's id is kept when
 * well-formed (8–128 characters of [A-Za-z0-9._:-]). The id is echoed on every response.
 */
import type { Context, MiddlewareHandler } from "hono";
import { type GatewayEnv, newRequestState, type RequestState } from "../context.ts";

const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

export function acceptRequestId(header: string | null): string {
  return header !== null && WELL_FORMED.test(header) ? header : crypto.randomUUID();
}

/** The request's state with its id, created once (by this middleware or by the pipeline). */
export function requestState(c: Context<GatewayEnv>, trustRequestId = false): RequestState {
  let state = c.get("state");
  if (state === undefined) {
    const id = trustRequestId ? acceptRequestId(c.req.raw.headers.get("x-request-id")) : crypto.randomUUID();
    state = newRequestState(id, performance.now());
    c.set("state", state);
  }
  return state;
}

export function requestId(opts: { trustRequestId?: boolean } = {}): MiddlewareHandler<GatewayEnv> {
  const trust = opts.trustRequestId ?? false;
  return async function assignRequestId(c, next) {
    const state = requestState(c, trust);
    await next();
    c.res.headers.set("x-request-id", state.requestId);
  };
}
