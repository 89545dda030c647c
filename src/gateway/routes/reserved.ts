/**
 * Paths the gateway serves itself (health/routes.ts, the admin API), never proxied: a route under
 * one of them could never be reached, so such a route is refused at start (table.ts,
 * `routeProblems`), and the pipeline answers 404 for them when they are not served on this
 * listener (with `server.admin`, the operational endpoints move to a listener of their own).
 */

/** The reserved paths: each with everything under it. */
export const RESERVED_PATHS = [
  "/admin",
  "/healthz",
  "/readyz",
  "/metrics",
  "/.well-known/jwks.json",
] as const;

/** The reserved path that a canonical path equals or is under, or null. */
export function reservedPathOf(path: string): string | null {
  // Every reserved path starts with "/a", "/h", "/r", "/m" or "/.": most paths are out at once.
  const c = path.charCodeAt(1);
  if (c !== 0x61 && c !== 0x68 && c !== 0x72 && c !== 0x6d && c !== 0x2e) return null;
  for (const r of RESERVED_PATHS) {
    if (path.startsWith(r) && (path.length === r.length || path.charCodeAt(r.length) === 47)) return r;
  }
  return null;
}
