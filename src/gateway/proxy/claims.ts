/**
 * The JWT payload the upstream receives (besides iss/sub/aud/iat/exp/jti, which the signer adds).
 * Stable for a given key, decision and bundle, so KEYS' signer can reuse a token across requests:
 * nothing per-request (no request id, no time) goes in here.
 */
import type { KeyRecord } from "../../keys/types.ts";
import type { Decision } from "../decision/schema.ts";

export function upstreamPayload(
  key: KeyRecord,
  decision: Decision,
  revision: string | null,
): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    org: key.org,
    identity_type: key.identityType,
    key_id: key.id,
    permissions: decision.permissions ?? [],
  };
  if (decision.claims !== undefined) payload.claims = decision.claims;
  if (revision !== null) payload.bundle_revision = revision;
  return payload;
}
