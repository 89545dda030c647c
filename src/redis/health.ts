/**
 * Redis reachability for readiness checks: a PING under the connection's deadline. The report
 * carries the stable error code only, never a message (which could name hosts).
 */
import type { RedisTransport } from "./transport.ts";
import { RedisError } from "./errors.ts";

export type RedisHealth =
  | { status: "up"; latency_ms: number }
  | { status: "down"; error: string };

export async function redisHealth(conn: RedisTransport): Promise<RedisHealth> {
  try {
    const ms = await conn.ping();
    return { status: "up", latency_ms: Math.round(ms * 10) / 10 };
  } catch (e) {
    return { status: "down", error: e instanceof RedisError ? e.code : "redis_unavailable" };
  }
}
