/** Finds the request's route in the compiled table; 404 route_not_found when none matches. */
import type { MiddlewareHandler } from "hono";
import type { GatewayEnv } from "../context.ts";
import { errorResponse } from "../errors/respond.ts";
import type { RouteTable } from "./table.ts";

export function routing(table: RouteTable): MiddlewareHandler<GatewayEnv> {
  return async function matchRoute(c, next) {
    const raw = c.req.raw;
    const route = table.match(raw.method, raw.headers.get("host") ?? "", c.req.path);
    if (route === null) return errorResponse(c, "route_not_found");
    c.get("state").route = route;
    await next();
  };
}
