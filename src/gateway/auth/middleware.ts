/**
 * Authenticates the caller by API key (Authorization: Bearer … or X-API-Key) with KEYS' verifier.
 * Every failure is a 401 whose reason says which check failed and nothing about the key itself;
 * a key store that cannot answer (down, or past its deadline) is a 503 `key_store_unavailable`.
 */
import type { MiddlewareHandler } from "hono";
import { KeyError } from "../../keys/errors.ts";
import type { KeyCheck, KeyRejection } from "../../keys/types.ts";
import type { GatewayEnv } from "../context.ts";
import { errorResponse } from "../errors/respond.ts";
import type { ReasonId } from "../errors/reasons.ts";
import { type Stage, stageMiddleware } from "../stage.ts";

/** What the middleware needs of KEYS' KeyVerifier (structural, so tests can pass a fake). */
export interface KeyChecker {
  /** May answer at once (KEYS' verifier does when no store read is needed). */
  verify(rawKey: string | null | undefined): KeyCheck | Promise<KeyCheck>;
}

export interface AuthOptions {
  verifier: KeyChecker;
  /** KEYS' extractApiKey. */
  extract: (headers: Headers) => string | null;
}

const REJECTIONS: Record<KeyRejection, ReasonId> = {
  missing: "key_missing",
  malformed: "key_malformed",
  unknown: "key_unknown",
  revoked: "key_revoked",
  expired: "key_expired",
};

export function authStage(opts: AuthOptions): Stage {
  const { verifier, extract } = opts;
  return function authenticate(c, state) {
    const check = verifier.verify(extract(c.req.raw.headers));
    const conclude = (check: KeyCheck) => {
      if (!check.ok) {
        state.rejectedKeyId = check.keyId ?? null;
        return errorResponse(c, REJECTIONS[check.reason] ?? "key_unknown");
      }
      state.key = check.record;
      return null;
    };
    return check instanceof Promise ? check.then(conclude, (e) => storeFailure(c, e)) : conclude(check);
  };
}

/** The key store failed to answer (KeyError from a store): 503. Anything else is not ours to map. */
function storeFailure(c: Parameters<Stage>[0], e: unknown): Response {
  if (e instanceof KeyError && (e.code === "key_store_unavailable" || e.code === "key_store_failed")) {
    return errorResponse(c, "key_store_unavailable");
  }
  throw e;
}

export function auth(opts: AuthOptions): MiddlewareHandler<GatewayEnv> {
  return stageMiddleware(authStage(opts));
}
