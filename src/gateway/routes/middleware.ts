/**
 * Finds the request's route in the compiled table, on the canonical method, host and path (the
 * target stage's); 404 route_not_found when none matches, and for the paths the gateway serves
 * itself (reserved.ts) when they reach the pipeline (served on another listener, another method,
 * or a sub-path of them).
 */
import type { MiddlewareHandler } from "hono";
import type { GatewayEnv } from "../context.ts";
import { errorResponse } from "../errors/respond.ts";
import { type Stage, stageMiddleware } from "../stage.ts";
import { reservedPathOf } from "./reserved.ts";
import type { RouteTable } from "./table.ts";

export function routingStage(table: RouteTable): Stage {
  return function matchRoute(c, state) {
    const { method, path } = state;
    if (method === null || path === null) throw new Error("routing: needs the target stage before it");
    if (reservedPathOf(path) !== null) return errorResponse(c, "route_not_found");
    const route = table.match(method, state.host, path);
    if (route === null) return errorResponse(c, "route_not_found");
    state.route = route;
    return null;
  };
}

export function routing(table: RouteTable): MiddlewareHandler<GatewayEnv> {
  return stageMiddleware(routingStage(table));
}
