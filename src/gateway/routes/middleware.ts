/** Finds the request's route in the compiled table; 404 route_not_found when none matches. */
import type { MiddlewareHandler } from "hono";
import type { GatewayEnv } from "../context.ts";
import { errorResponse } from "../errors/respond.ts";
import { type Stage, stageMiddleware } from "../stage.ts";
import type { RouteTable } from "./table.ts";

export function routingStage(table: RouteTable): Stage {
  return function matchRoute(c, state) {
    const raw = c.req.raw;
    const route = table.match(raw.method, raw.headers.get("host") ?? "", c.req.path);
    if (route === null) return errorResponse(c, "route_not_found");
    state.route = route;
    return null;
  };
}

export function routing(table: RouteTable): MiddlewareHandler<GatewayEnv> {
  return stageMiddleware(routingStage(table));
}
