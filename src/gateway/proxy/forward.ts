/**
 * The last stage: signs the claims JWT and forwards the request to the route's upstream, streaming
 * the request body.
 *
 * What is forwarded is what was decided on: the upstream URL is built from the canonical path and
 * query the target stage computed (never from `Request.url` or Hono's path), and checked to parse
 * back to the same path (RouteTable.upstreamUrl; fail closed); the method is the canonical one.
 *
 * The response body passes untouched (headers.ts asks the upstream for `identity`). The upstream
 * client (upstream_client.ts: undici's Pool by default, or fetch) hands small bodies over whole
 * and streams any other through a JS stream that the overall deadline can end.
 *
 * Timeouts: `connectMs` bounds the wait for the upstream's response head (connect + first byte,
 * 504 upstream_timeout); `overallMs` bounds the whole exchange, response body included: a small
 * body late past it is a 504; a streamed body cut by it ends the client's response abruptly
 * (chunked stream not terminated, or fewer bytes than its Content-Length), and the decision log,
 * written once the body ends, says upstream_timeout. Both are entries in a deadline queue
 * (deadlines.ts) that abort the exchange: no timer or AbortController per request. A client going
 * away mid-body cancels the upstream exchange. An upstream status a client cannot be given (1xx,
 * or outside 100–599) is a 502 upstream_invalid; any other upstream failure a 502
 * upstream_unreachable.
 */
import type { Handler } from "hono";
import type { GatewayEnv } from "../context.ts";
import { GatewayError } from "../errors/gateway_error.ts";
import { errorResponse } from "../errors/respond.ts";
import { limitBody } from "../limits/body_limit.ts";
import { redactUrlsIn } from "../observe/redact.ts";
import { RouteTable } from "../routes/table.ts";
import { upstreamPayload } from "./claims.ts";
import { type Deadline, DeadlineQueue } from "./deadlines.ts";
import {
  BUFFERED_BODY_BYTES,
  fetchClient,
  isTimeout,
  type UpstreamClient,
  type UpstreamResponse,
} from "./upstream_client.ts";
import type { Stage } from "../stage.ts";
import type { HeaderRules } from "./headers.ts";
import type { KeyRecord } from "../../keys/types.ts";
import type { Decision } from "../decision/schema.ts";

/** What the proxy needs of KEYS' ClaimsSigner (structural, so tests can pass a fake). */
export interface TokenSigner {
  sign(
    payload: Record<string, unknown>,
    opts: { subject: string; audience: string },
    tokenKey?: string,
  ): Promise<{ token: string; jti: string; exp: number }>;
  /** The key `sign` caches a token under (optional: with `cached`, lets a cached token be had at once). */
  tokenKey?(payload: Record<string, unknown>, opts: { subject: string; audience: string }): string;
  cached?(tokenKey: string): { token: string; jti: string; exp: number } | undefined;
}

/**
 * The token request made for a decision, remembered per shared decision object: a cached decision
 * (frozen, and the same object for many requests: decision/cache.ts) then needs no new payload or
 * cache key. Fresh decisions are not remembered (a weak entry per request only costs GC work).
 */
interface TokenRequest {
  key: KeyRecord;
  revision: string | null;
  audience: string;
  payload: Record<string, unknown>;
  tokenKey: string | undefined;
}

export { BUFFERED_BODY_BYTES };

export interface ProxyOptions {
  signer: TokenSigner;
  headers: HeaderRules;
  connectMs: number;
  overallMs: number;
  maxBodyBytes: number;
  /** The listener's scheme, for X-Forwarded-Proto. Default "http". */
  scheme?: "http" | "https";
  /** The upstream client; fetch's (with `fetch`, or globalThis.fetch) by default. */
  client?: UpstreamClient;
  /** The fetch to use when no client is given (tests). */
  fetch?: typeof fetch;
}

export function proxy(opts: ProxyOptions): Handler<GatewayEnv> {
  const stage = proxyStage(opts);
  return (c) => stage(c, c.get("state")) as Promise<Response>;
}

/** The last stage: it always answers. */
export function proxyStage(opts: ProxyOptions): Stage {
  const { signer, headers: rules, maxBodyBytes } = opts;
  const proto = opts.scheme ?? "http";
  const client = opts.client ?? fetchClient(opts.fetch);
  const connectDeadlines = new DeadlineQueue(opts.connectMs);
  const overallDeadlines = new DeadlineQueue(opts.overallMs);
  const connectTimeout = () =>
    new GatewayError("upstream_timeout", `no upstream response within ${opts.connectMs} ms`);
  const overallTimeout = () =>
    new GatewayError("upstream_timeout", `upstream exchange over ${opts.overallMs} ms`);
  const requests = new WeakMap<Decision, TokenRequest>();

  function tokenRequest(key: KeyRecord, decision: Decision, revision: string | null, audience: string) {
    const shared = Object.isFrozen(decision);
    let r = shared ? requests.get(decision) : undefined;
    if (r === undefined || r.key !== key || r.revision !== revision || r.audience !== audience) {
      const payload = upstreamPayload(key, decision, revision);
      const tokenKey = signer.tokenKey?.(payload, { subject: key.subject, audience });
      r = { key, revision, audience, payload, tokenKey };
      if (shared) requests.set(decision, r);
    }
    return r;
  }

  return async function forward(c, state): Promise<Response> {
    const { route, key, decision, method, path } = state;
    if (route === null || key === null || decision === null || method === null || path === null) {
      throw new Error("proxy: pipeline incomplete");
    }
    const target = RouteTable.upstreamUrl(route, path, state.search);
    if (target === null) {
      state.detail = "the upstream URL does not parse back to the routed path";
      return errorResponse(c, "path_invalid");
    }

    let token: string;
    try {
      const r = tokenRequest(key, decision, state.revision, route.audience);
      const signed = (r.tokenKey !== undefined ? signer.cached?.(r.tokenKey) : undefined) ??
        await signer.sign(r.payload, { subject: key.subject, audience: route.audience }, r.tokenKey);
      token = signed.token;
      state.jti = signed.jti;
    } catch (e) {
      state.detail = `jwt: ${e instanceof Error ? e.message : String(e)}`;
      return errorResponse(c, "internal_error");
    }

    const raw = c.req.raw;
    const contentLength = raw.headers.get("content-length");
    let tooLarge = false;
    // GET and HEAD carry no body upstream (fetch refuses one): Deno's server already drops it for
    // "GET", but gives a lower-case "get" (upper-cased by the target stage) its body stream.
    let body: ReadableStream<Uint8Array> | null = method === "GET" || method === "HEAD"
      ? null
      : state.requestBody ?? raw.body;
    if (body !== null && contentLength === null) body = limitBody(body, maxBodyBytes, () => tooLarge = true);

    // Set before a deadline aborts the exchange: the reason the answer gives.
    let cut: GatewayError | null = null;
    let refused = false;
    let bodyEnded = false;
    let done: PromiseWithResolvers<void> | null = null;
    let overall: Deadline | null = null;
    const exchange = client.send({
      origin: route.origin,
      path: target.slice(route.origin.length),
      method,
      headers: rules.upstream(state.headerPairs ?? [...raw.headers], {
        token,
        requestId: state.requestId,
        clientAddress: c.env?.remoteAddr?.hostname ?? "",
        host: state.host,
        proto,
        contentLength,
        policyHeaders: decision.headers,
        removeHeaders: state.envoy?.removeHeaders,
        connectionTokens: state.connectionTokens,
      }),
      body,
      onBodyEnd(outcome, err) {
        if (refused) return;
        if (overall !== null) overallDeadlines.cancel(overall);
        if (outcome === "failed") {
          state.reason = cut?.reason ?? (isTimeout(err) ? "upstream_timeout" : "upstream_unreachable");
          state.outcome = "error";
          state.detail = `response body cut: ${errorDetail(err)}`;
        } else if (outcome === "cancelled") {
          state.detail = "the client went away during the response body";
        }
        bodyEnded = true;
        done?.resolve();
      },
    });
    const connect = connectDeadlines.add(() => exchange.abort(cut = connectTimeout()));
    overall = overallDeadlines.add(() => exchange.abort(cut = overallTimeout()));
    const failure = (e: unknown) =>
      tooLarge
        ? "request_too_large"
        : cut?.reason ?? (isTimeout(e) ? "upstream_timeout" : "upstream_unreachable");
    let res: UpstreamResponse;
    try {
      res = await exchange.response;
    } catch (e) {
      connectDeadlines.cancel(connect);
      overallDeadlines.cancel(overall);
      state.detail = errorDetail(e);
      return errorResponse(c, failure(e));
    }
    connectDeadlines.cancel(connect);
    state.upstreamStatus = res.status;
    if (res.status < 200 || res.status > 599) {
      overallDeadlines.cancel(overall);
      refused = true;
      exchange.abort(new Error("upstream status refused"));
      state.detail = `upstream status ${res.status}`;
      return errorResponse(c, "upstream_invalid");
    }
    const init = {
      status: res.status,
      statusText: res.statusText,
      headers: rules.downstreamStamped(res.headers, state.requestId, state.rateLimit),
    };
    const upstreamBody = res.body;
    if (upstreamBody === null) {
      overallDeadlines.cancel(overall);
      return state.stamped = new Response(null, init);
    }
    if (upstreamBody instanceof Promise) {
      let bytes: Uint8Array;
      try {
        bytes = await upstreamBody;
      } catch (e) {
        state.detail = errorDetail(e);
        return errorResponse(c, failure(e));
      } finally {
        overallDeadlines.cancel(overall);
      }
      return state.stamped = new Response(bytes as Uint8Array<ArrayBuffer>, init);
    }
    // A streamed body is recorded once it ends (it may have ended already).
    if (!bodyEnded) {
      done = Promise.withResolvers<void>();
      state.bodyDone = done.promise;
    }
    return state.stamped = new Response(upstreamBody, init);
  };
}

/**
 * An error's message (and its cause's, where fetch puts the detail) for the log, its URLs
 * redacted: fetch's messages quote the upstream URL, whose query may carry a credential the
 * gateway does not know as one.
 */
function errorDetail(e: unknown): string {
  if (!(e instanceof Error)) return redactUrlsIn(String(e));
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : "";
  return redactUrlsIn(e.message + cause);
}
