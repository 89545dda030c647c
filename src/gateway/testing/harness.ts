/**
 * Mounts middlewares behind the request-id middleware (which creates the per-request state) and
 * in front of a terminal handler (by default one that answers 200 "reached"), so a test sees whether a request got
 * through. The state gets the request's canonical target as the target stage would set it (when
 * the target is valid); `preset` fills in state the stages before the tested one would have set.
 * Test-only.
 */
import { type Handler, Hono, type MiddlewareHandler } from "hono";
import type { GatewayEnv, RequestState } from "../context.ts";
import { requestId } from "../request_id/middleware.ts";
import { DEFAULT_CREDENTIAL_PARAMS } from "../target/query.ts";
import { parseTarget, type TargetOptions, TargetRefusal } from "../target/target.ts";

const TARGET_OPTIONS: TargetOptions = {
  scheme: "http",
  credentialParams: new Set(DEFAULT_CREDENTIAL_PARAMS),
};

export function harness(
  middlewares: MiddlewareHandler<GatewayEnv>[],
  preset: Partial<RequestState> = {},
  terminal: Handler<GatewayEnv> = (c) => c.text("reached"),
  opts: { trustRequestId?: boolean } = {},
): { app: Hono<GatewayEnv>; states: RequestState[] } {
  const app = new Hono<GatewayEnv>();
  const states: RequestState[] = [];
  app.use(requestId(opts));
  app.use(async (c, next) => {
    const state = c.get("state");
    const target = parseTarget(c.req.raw, TARGET_OPTIONS);
    if (!(target instanceof TargetRefusal)) Object.assign(state, target);
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

/**
 * A request whose `url` and `method` are exactly as given, as Deno's server hands them over (raw
 * target, no normalisation), which `new Request` cannot make: it parses and normalises the URL.
 */
export function rawRequest(url: string, init: RequestInit = {}): Request {
  const { method, ...rest } = init;
  // Built as a POST when it has a body (a GET cannot), then given the method asked for.
  const req = new Request("http://placeholder/", { ...rest, method: rest.body == null ? "GET" : "POST" });
  Object.defineProperty(req, "url", { value: url });
  if (method !== undefined) Object.defineProperty(req, "method", { value: method });
  return req;
}
