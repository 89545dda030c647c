/**
 * A stage of the request pipeline as a plain function: it answers (ending the request) or returns
 * null to let the next stage run. The gateway runs its stages in sequence in one handler
 * (pipeline.ts) rather than as a chain of Hono middlewares — a promise and a dispatch per stage
 * fewer on every request; `stageMiddleware` wraps one stage as a middleware for tests and for
 * composing stages one by one.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { GatewayEnv, RequestState } from "./context.ts";

export type StageResult = Response | null;

export type Stage = (c: Context<GatewayEnv>, state: RequestState) => StageResult | Promise<StageResult>;

/** The stage as a middleware; `after` runs on the response of whatever came after it. */
export function stageMiddleware(
  stage: Stage,
  after?: (res: Response, state: RequestState) => void,
): MiddlewareHandler<GatewayEnv> {
  return async function runStage(c, next) {
    const state = c.get("state");
    const answer = await stage(c, state);
    if (answer !== null) return answer;
    await next();
    after?.(c.res, state);
  };
}
