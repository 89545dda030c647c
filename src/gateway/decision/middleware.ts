/**
 * Asks the policy: builds the input document, evaluates the entrypoint through the engine and
 * checks the answer. Fails closed: an engine error, an undefined result or a malformed decision is
 * a 503 and the request goes no further; `allow: false` is a 403 with the policy's reason.
 *
 * The input goes to the engine as its JSON text (inputJson, in a JsonText), which the engine
 * encodes straight into the module's memory, and the answer is checked by validateDecision (decisionSchema's
 * rules without zod's per-call cost). With a decision cache, a request whose input agrees with an
 * earlier one on every path the policy can read takes that earlier, checked decision (cache.ts);
 * nothing is encoded or evaluated then.
 *
 * A caller (key, route) whose evaluation was stopped at the policy's deadline or memory cap waits
 * before its next evaluation (slow_callers.ts), so that other requests are held up by at most
 * about one deadline.
 *
 * The entrypoint may also answer as an OPA-Envoy policy does, a boolean or OPA-Envoy's result
 * object (envoy_result.ts), and with `inputFormat: "envoy"` the input also has OPA-Envoy's shape
 * (input/build.ts).
 */
import type { MiddlewareHandler } from "hono";
import { type BundleInfo, type EngineErrorCode, JsonText, type PolicyEvaluator } from "../../engine/types.ts";
import type { GatewayEnv } from "../context.ts";
import { errorResponse, policyDenial } from "../errors/respond.ts";
import { policyReason, type ReasonId } from "../errors/reasons.ts";
import type { HeaderSource, InputParts } from "../input/build.ts";
import { inputJson } from "../input/encode.ts";
import { type BodyOptions, readBodyForPolicy } from "../input/body.ts";
import type { DecisionCache } from "./cache.ts";
import { SlowCallers } from "./slow_callers.ts";
import type { Decision } from "./schema.ts";
import { type Stage, stageMiddleware } from "../stage.ts";
import { checkResult, type EnvoyEffects } from "./envoy_result.ts";

export interface DecisionOptions {
  evaluator: PolicyEvaluator;
  /** Default "gateway/decision". */
  entrypoint?: string;
  /** Lower-case header names copied into the input. */
  headerAllowList?: readonly string[];
  /** Observes each evaluation's duration (metrics). */
  onEvaluated?: (durationMs: number, ok: boolean) => void;
  now?: () => Date;
  /** Reuses decisions for inputs that agree on all the policy reads (cache.ts). */
  cache?: DecisionCache;
  /** "envoy": the input also has OPA-Envoy's shape, and an object answer is OPA-Envoy's result. */
  inputFormat?: "gateway" | "envoy";
  /** The listener's scheme (OPA-Envoy's `attributes.request.http.scheme`). Default "http". */
  scheme?: "http" | "https";
  /** With inputFormat "envoy": read a JSON body into `parsed_body` (input/body.ts). */
  parseBody?: BodyOptions;
}

const ENGINE_REASONS: Partial<Record<EngineErrorCode, ReasonId>> = {
  policy_undefined: "policy_undefined",
  policy_timeout: "policy_timeout",
  policy_memory_exceeded: "policy_memory_exceeded",
  no_policy_loaded: "no_policy_loaded",
};

export function decision(opts: DecisionOptions): MiddlewareHandler<GatewayEnv> {
  return stageMiddleware(decisionStage(opts));
}

export function decisionStage(opts: DecisionOptions): Stage {
  const entrypoint = opts.entrypoint ?? "gateway/decision";
  const allowList = (opts.headerAllowList ?? []).map((h) => h.toLowerCase());
  const now = opts.now ?? (() => new Date());
  const evaluator = opts.evaluator;
  const onEvaluated = opts.onEvaluated;
  const cache = opts.cache;
  const slow = new SlowCallers();
  const envoyInput = opts.inputFormat === "envoy";
  const scheme = opts.scheme ?? "http";
  const parseBody = envoyInput ? opts.parseBody : undefined;

  return function decide(c, state) {
    const key = state.key, route = state.route, method = state.method, path = state.path;
    if (key === null || route === null || method === null || path === null) {
      throw new Error("decision: needs the target, auth and route before it");
    }
    const raw = c.req.raw;
    const tokens = state.connectionTokens;
    const parts: InputParts = {
      key,
      route,
      requestId: state.requestId,
      method,
      path,
      host: state.host,
      search: state.search,
      headers: tokens === null ? raw.headers : withoutTokens(raw.headers, tokens),
      headerAllowList: allowList,
      clientAddress: c.env?.remoteAddr?.hostname ?? "",
      now: NOT_YET,
    };
    if (envoyInput) parts.envoy = { scheme, clientPort: c.env?.remoteAddr?.port ?? 0 };
    if (parseBody !== undefined && method !== "GET" && method !== "HEAD") {
      return readBodyForPolicy(raw.body, raw.headers.get("content-type"), parseBody).then((read) => {
        if (!read.ok) return errorResponse(c, read.why === "invalid" ? "body_invalid" : "body_timeout");
        state.requestBody = read.stream;
        parts.envoy!.body = { parsed: read.parsed, truncated: read.truncated };
        return decideWith(c, state, parts);
      });
    }
    return decideWith(c, state, parts);
  };

  /** The decision for these input parts: from the cache, or evaluated (after a slow caller's wait). */
  function decideWith(c: Parameters<Stage>[0], state: Parameters<Stage>[1], parts: InputParts) {
    const key = parts.key, route = parts.route;

    let cacheKey: string | null = null;
    let bundle: BundleInfo | null = null;
    if (cache !== undefined) {
      bundle = evaluator.current();
      cacheKey = cache.key(bundle, parts);
      if (cacheKey !== null) {
        const hit = cache.get(key, cacheKey);
        if (hit !== undefined) {
          parts.now = now();
          state.input = parts;
          state.decisionCache = "hit";
          state.revision = hit.revision;
          return conclude(c, state, hit.decision, hit.envoy ?? null);
        }
        state.decisionCache = "miss";
      }
    }

    if (slow.empty) return evaluate(c, state, parts, cacheKey, bundle, null);
    const caller = `${key.id}\u0000${route.id}`;
    const wait = slow.delay(caller);
    if (wait <= 0) return evaluate(c, state, parts, cacheKey, bundle, caller);
    return new Promise<void>((resolve) => setTimeout(resolve, wait))
      .then(() => evaluate(c, state, parts, cacheKey, bundle, caller));
  }

  /** Evaluates, checks and caches the decision; `caller` is set when slow callers are known. */
  function evaluate(
    c: Parameters<Stage>[0],
    state: Parameters<Stage>[1],
    parts: InputParts,
    cacheKey: string | null,
    bundle: BundleInfo | null,
    caller: string | null,
  ) {
    parts.now = now();
    state.input = parts;
    const result = evaluator.evaluate(entrypoint, new JsonText(inputJson(parts)));
    state.policyMs = result.durationMs;
    state.revision = result.revision;
    onEvaluated?.(result.durationMs, result.ok);
    if (!result.ok) {
      const code = result.error.code;
      if (code === "policy_timeout" || code === "policy_memory_exceeded") {
        slow.stopped(caller ?? `${parts.key.id}\u0000${parts.route.id}`, result.durationMs);
      }
      state.detail = `${code}: ${result.error.message}`;
      return errorResponse(c, ENGINE_REASONS[code] ?? "policy_error");
    }
    if (caller !== null) slow.succeeded(caller);
    const checked = checkResult(result.value, envoyInput);
    if (!checked.ok) {
      state.detail = checked.issue;
      return errorResponse(c, checked.invalid ? "policy_result_invalid" : "policy_malformed");
    }
    if (cacheKey !== null && result.revision !== null) {
      cache!.set(bundle, parts.key, cacheKey, {
        decision: checked.decision,
        envoy: checked.envoy,
        revision: result.revision,
      });
    }
    return conclude(c, state, checked.decision, checked.envoy);
  }
}

/**
 * Adds an allowing OPA-Envoy result's `response_headers_to_add` to the response the caller gets
 * (whatever answered after the decision: the upstream's response, or a rate-limit refusal).
 */
export function addPolicyResponseHeaders(res: Response, state: Parameters<Stage>[1]): void {
  const envoy = state.envoy;
  if (envoy === null || envoy.responseHeaders.length === 0 || state.decision?.allow !== true) return;
  for (const [name, value] of envoy.responseHeaders) res.headers.append(name, value);
}

/** The headers as the upstream gets them: without those the caller's `Connection` names. */
function withoutTokens(headers: Headers, tokens: ReadonlySet<string>): HeaderSource {
  return { get: (name) => tokens.has(name) ? null : headers.get(name) };
}

/** Placeholder until the clock is read (only when the policy is evaluated). */
const NOT_YET = new Date(0);

function conclude(
  c: Parameters<Stage>[0],
  state: Parameters<Stage>[1],
  d: Decision,
  envoy: EnvoyEffects | null,
) {
  state.decision = d;
  state.envoy = envoy;
  if (!d.allow) {
    return envoy === null
      ? errorResponse(c, "policy_denied", policyReason(d.reason))
      : policyDenial(c, envoy.status, envoy.denyHeaders, envoy.body);
  }
  state.outcome = "allow";
  state.reason = policyReason(d.reason, "allowed");
  return null;
}
