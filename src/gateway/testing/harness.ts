/**
 * Mounts middlewares behind the request-id middleware (which creates the per-request state) and
 * in front of a terminal handler (by default one that answers 200 "reached"), so a test sees whether a request got
 * through. `preset` fills in state the stages before the tested one would have set. Test-only.
 */
import { type Handler, Hono, type MiddlewareHandler } from "hono";
import type { GatewayEnv, RequestState } from "../context.ts";
import { requestId } from "../request_id/middleware.ts";

export function harness(
  middlewares: MiddlewareHandler<GatewayEnv>[],
  preset: Partial<RequestState> = {},
  terminal: Handler<GatewayEnv> = (c) => c.text("reached"),
): { app: Hono<GatewayEnv>; states: RequestState[] } {
  const app = new Hono<GatewayEnv>();
  const states: RequestState[] = [];
  app.use(requestId());
  app.use(async (c, next) => {
    const state = c.get("state");
    Object.assign(state, preset);
    states.push(state);
    await next();
  });
  for (const mw of middlewares) app.use(mw);
  app.all("*", terminal);
  return { app, states };
}

/** Reads an error response body `{error, reason, request_id}`. */
export async function errorBody(
  res: Response,
): Promise<{ error: string; reason: string; request_id: string }> {
  return await res.json();
}
