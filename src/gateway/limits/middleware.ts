/**
 * Refuses hostile requests before any work: a URL too long (414), too many or too large headers
 * (431), a declared body over the limit (413). Bodies without a length are counted while streamed
 * (see body_limit.ts). Reads the header fields once for the later stages, with the names the
 * caller's Connection field lists (hop-by-hop for this request).
 */
import type { MiddlewareHandler } from "hono";
import type { GatewayEnv } from "../context.ts";
import { errorResponse } from "../errors/respond.ts";
import { connectionTokens } from "../proxy/headers.ts";
import { type Stage, stageMiddleware } from "../stage.ts";

export interface RequestLimits {
  maxUrlLength: number;
  maxHeaderCount: number;
  /** Sum of names and values of all headers. */
  maxHeaderBytes: number;
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS: RequestLimits = {
  maxUrlLength: 8192,
  maxHeaderCount: 100,
  maxHeaderBytes: 32 * 1024,
  maxBodyBytes: 10 * 1024 * 1024,
};

export function requestLimitsStage(limits: RequestLimits): Stage {
  const { maxUrlLength, maxHeaderCount, maxHeaderBytes, maxBodyBytes } = limits;
  return function enforceRequestLimits(c, state) {
    const raw = c.req.raw;
    if (raw.url.length > maxUrlLength) return errorResponse(c, "uri_too_long");
    // Reading the fields is the costly part; the proxy reuses this list instead of reading again.
    // forEach yields the same (sorted, combined) fields as the iterator at a fraction of its cost.
    const pairs: [string, string][] = [];
    let bytes = 0;
    let connection: string | null = null;
    raw.headers.forEach((value, name) => {
      pairs.push([name, value]);
      bytes += name.length + value.length;
      if (name === "connection") connection = value;
    });
    if (pairs.length > maxHeaderCount || bytes > maxHeaderBytes) return errorResponse(c, "headers_too_large");
    state.headerPairs = pairs;
    if (connection !== null) state.connectionTokens = connectionTokens(connection);
    const length = raw.headers.get("content-length");
    if (length !== null && !(Number(length) <= maxBodyBytes)) return errorResponse(c, "request_too_large");
    return null;
  };
}

export function requestLimits(limits: RequestLimits): MiddlewareHandler<GatewayEnv> {
  return stageMiddleware(requestLimitsStage(limits));
}
