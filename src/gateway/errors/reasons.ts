/**
 * Stable reason ids of the gateway and their HTTP mapping: the one place where a reason becomes a
 * status code. Logs and responses carry the same id; the public message never says more than the id.
 */

export interface ReasonSpec {
  status: number;
  /** Short, public error class for the response body's `error` field. */
  error: string;
}

export const REASONS = {
  /** The path cannot be made canonical safely (target/normalize.ts): encoded slash, control, … */
  path_invalid: { status: 400, error: "bad_request" },
  /** The request target is not an origin-form target for this Host (target/target.ts). */
  target_invalid: { status: 400, error: "bad_request" },
  key_missing: { status: 401, error: "unauthorized" },
  key_malformed: { status: 401, error: "unauthorized" },
  key_unknown: { status: 401, error: "unauthorized" },
  key_revoked: { status: 401, error: "unauthorized" },
  key_expired: { status: 401, error: "unauthorized" },
  policy_denied: { status: 403, error: "forbidden" },
  /**
   * The policy answered in OPA-Envoy's form (decision/envoy_result.ts) but not with a valid result:
   * a denial, as Envoy answers an authorization error by default.
   */
  policy_result_invalid: { status: 403, error: "forbidden" },
  route_not_found: { status: 404, error: "not_found" },
  /** CONNECT, TRACE, TRACK: never proxied. */
  method_not_allowed: { status: 405, error: "method_not_allowed" },
  /** The body the policy reads (OPA-Envoy's parsed_body) is not the JSON its Content-Type says. */
  body_invalid: { status: 400, error: "bad_request" },
  /** The body the policy reads did not arrive within policy.envoy.bodyTimeoutMs. */
  body_timeout: { status: 408, error: "request_timeout" },
  request_too_large: { status: 413, error: "payload_too_large" },
  uri_too_long: { status: 414, error: "uri_too_long" },
  rate_limited: { status: 429, error: "too_many_requests" },
  headers_too_large: { status: 431, error: "request_header_fields_too_large" },
  /** The caller disconnected before the upstream answered (nginx's 499; only the log sees it). */
  client_closed: { status: 499, error: "client_closed_request" },
  internal_error: { status: 500, error: "internal_error" },
  upstream_unreachable: { status: 502, error: "bad_gateway" },
  /** The upstream answered with a status no client may be given (outside 200–599, or 101). */
  upstream_invalid: { status: 502, error: "bad_gateway" },
  policy_error: { status: 503, error: "service_unavailable" },
  policy_undefined: { status: 503, error: "service_unavailable" },
  policy_malformed: { status: 503, error: "service_unavailable" },
  /** The evaluation passed its deadline (policy.timeoutMs) and was stopped. */
  policy_timeout: { status: 503, error: "service_unavailable" },
  /** The evaluation needed more memory than the module instance's cap (policy.maxMemoryMB). */
  policy_memory_exceeded: { status: 503, error: "service_unavailable" },
  no_policy_loaded: { status: 503, error: "service_unavailable" },
  rate_limiter_failed: { status: 503, error: "service_unavailable" },
  /** The key store did not answer a lookup the cache could not (fail closed; /readyz says which). */
  key_store_unavailable: { status: 503, error: "service_unavailable" },
  upstream_timeout: { status: 504, error: "gateway_timeout" },
} as const satisfies Record<string, ReasonSpec>;

export type ReasonId = keyof typeof REASONS;

/** Reasons a policy gives are ids too: anything else is reported as the fallback (`policy_denied`). */
const POLICY_REASON = /^[a-z][a-z0-9_.:-]{0,63}$/;

export function policyReason(raw: string, fallback = "policy_denied"): string {
  return POLICY_REASON.test(raw) ? raw : fallback;
}
