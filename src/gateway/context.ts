/**
 * The per-request state shared by the pipeline's middlewares, and Hono's environment type.
 * One mutable object per request (set once by the observe middleware) rather than many `c.set`s:
 * each stage fills in its part, and the decision log reads it at the end.
 */
import type { KeyRecord } from "../keys/types.ts";
import type { RateLimitOutcome } from "./ratelimit/types.ts";
import type { CompiledRoute } from "./routes/table.ts";
import type { Decision } from "./decision/schema.ts";
import type { InputParts } from "./input/build.ts";
import type { EnvoyEffects } from "./decision/envoy_result.ts";

export type DecisionKind = "allow" | "deny" | "error";

export interface RequestState {
  requestId: string;
  /** OPA's decision_id (decisionLog.format opa): made per request, sent back as X-Decision-Id. */
  decisionId: string | null;
  /** performance.now() at arrival. */
  startedAt: number;
  /**
   * The canonical request target (target/target.ts), set by the pipeline's target stage: the one
   * method, host, path and query every later stage and the upstream see. Null until then (and for
   * a refused target).
   */
  method: string | null;
  host: string;
  path: string | null;
  /** "" or "?…", without credential parameters. */
  search: string;
  route: CompiledRoute | null;
  key: KeyRecord | null;
  /** The id of a key found but refused (revoked, expired): the decision log names it. */
  rejectedKeyId: string | null;
  decision: Decision | null;
  /** What the policy input was made of, once the policy was consulted (for OPA's decision log). */
  input: InputParts | null;
  /** What an OPA-Envoy result asks beyond allow / deny (decision/envoy_result.ts), or null. */
  envoy: EnvoyEffects | null;
  /** allow / deny / error, once known. */
  outcome: DecisionKind | null;
  /** Stable reason id of the answer (a gateway reason or the policy's). */
  reason: string | null;
  /** Internal detail for the log only (e.g. the engine's error), never sent to the caller. */
  detail: string | null;
  /** The most restrictive rate-limit outcome of this request. */
  rateLimit: RateLimitOutcome | null;
  revision: string | null;
  policyMs: number | null;
  /** The decision cache's answer: hit, miss, or null when not consulted (uncacheable, or off). */
  decisionCache: "hit" | "miss" | null;
  jti: string | null;
  upstreamStatus: number | null;
  /** The request's header fields, read once (by the limits stage) and reused by the proxy. */
  headerPairs: [string, string][] | null;
  /**
   * Names the caller's `Connection` header lists (lower-case; null without one): hop-by-hop for
   * this request, so neither forwarded nor shown to the policy. Set by the limits stage.
   */
  connectionTokens: ReadonlySet<string> | null;
  /**
   * The request body for the upstream when the decision stage read part of it (OPA-Envoy's
   * parsed_body: input/body.ts): what was read, then the rest. Null: the request's own body.
   */
  requestBody: ReadableStream<Uint8Array> | null;
  /**
   * Settles once a streamed response body has ended (or was cut, or the client left): the request
   * is recorded then, so the decision log can say the body was cut. Null for any other answer.
   */
  bodyDone: Promise<void> | null;
  /**
   * A response built with the gateway's own fields already in it (X-Request-Id, RateLimit-*: the
   * proxy's, made once with them rather than amended after): the pipeline and the throttle's
   * `after` step leave it alone. Null for any other.
   */
  stamped: Response | null;
}

export function newRequestState(requestId: string, startedAt: number): RequestState {
  return {
    requestId,
    decisionId: null,
    startedAt,
    method: null,
    host: "",
    path: null,
    search: "",
    route: null,
    key: null,
    rejectedKeyId: null,
    decision: null,
    input: null,
    envoy: null,
    outcome: null,
    reason: null,
    detail: null,
    rateLimit: null,
    revision: null,
    policyMs: null,
    decisionCache: null,
    jti: null,
    upstreamStatus: null,
    headerPairs: null,
    connectionTokens: null,
    requestBody: null,
    bodyDone: null,
    stamped: null,
  };
}

/** What Deno.serve hands to `app.fetch` as its second argument (absent under `app.request`). */
export interface ServeBindings {
  remoteAddr?: { hostname: string; port: number; transport: string };
  /** Settles once the response has been delivered; rejects when the client went away. */
  completed?: Promise<void>;
}

export type GatewayEnv = { Variables: { state: RequestState }; Bindings: ServeBindings };
