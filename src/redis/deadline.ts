/** The deadline every Redis operation runs under, whichever the transport. */
import { RedisError } from "./errors.ts";

/** Rejects with RedisError(redis_timeout) when `promise` has not settled within `ms`. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RedisError("redis_timeout", `${what}: no reply within ${ms} ms`)),
      ms,
    );
  });
  promise.catch(() => {}); // a late failure after the deadline is nobody's to handle
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
