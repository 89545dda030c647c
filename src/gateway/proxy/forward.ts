/**
 * The last stage: signs the claims JWT and forwards the request to the route's upstream, streaming
 * both bodies (the upstream's body is handed to the server as is, never read here).
 *
 * Timeouts: `connectMs` bounds the wait for the upstream's response head (connect + first byte,
 * 504 upstream_timeout); `overallMs` bounds the whole exchange, streamed response body included
 * (the stream is cut when it fires). The end of an exchange is known from Deno.serve's `completed`
 * promise, which also tells when the caller went away (the upstream request is then aborted).
 * Without it (in-process `app.request`), the overall deadline is not armed after the head.
 * Any other upstream failure is a 502.
 */
import type { Handler } from "hono";
import type { GatewayEnv } from "../context.ts";
import { GatewayError } from "../errors/gateway_error.ts";
import { errorResponse } from "../errors/respond.ts";
import { limitBody } from "../limits/body_limit.ts";
import { RouteTable } from "../routes/table.ts";
import { upstreamPayload } from "./claims.ts";
import { DeadlineQueue } from "./deadlines.ts";
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

export interface ProxyOptions {
  signer: TokenSigner;
  headers: HeaderRules;
  connectMs: number;
  overallMs: number;
  maxBodyBytes: number;
  /** The fetch to use (tests); globalThis.fetch by default. */
  fetch?: typeof fetch;
}

export function proxy(opts: ProxyOptions): Handler<GatewayEnv> {
  const stage = proxyStage(opts);
  return (c) => stage(c, c.get("state")) as Promise<Response>;
}

/** The last stage: it always answers. */
export function proxyStage(opts: ProxyOptions): Stage {
  const { signer, headers: rules, maxBodyBytes } = opts;
  const doFetch = opts.fetch ?? fetch;
  const connectDeadlines = new DeadlineQueue(opts.connectMs);
  const overallDeadlines = new DeadlineQueue(opts.overallMs);
  const connectTimeout = () =>
    new GatewayError("upstream_timeout", `no upstream response within ${opts.connectMs} ms`);
  const overallTimeout = () =>
    new GatewayError("upstream_timeout", `upstream exchange over ${opts.overallMs} ms`);
  const clientGone = () => new GatewayError("client_closed", "the client went away");
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
    const { route, key, decision } = state;
    if (route === null || key === null || decision === null) throw new Error("proxy: pipeline incomplete");

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
    const url = raw.url;
    const q = url.indexOf("?");
    const target = RouteTable.target(route, c.req.path, q === -1 ? "" : url.slice(q));
    const contentLength = raw.headers.get("content-length");
    let tooLarge = false;
    let body: ReadableStream<Uint8Array> | null = raw.body;
    if (body !== null && contentLength === null) body = limitBody(body, maxBodyBytes, () => tooLarge = true);

    const abort = new AbortController();
    const connect = connectDeadlines.add(() => abort.abort(connectTimeout()));
    const overall = overallDeadlines.add(() => abort.abort(overallTimeout()));
    const completed = c.env?.completed;
    let res: Response;
    try {
      res = await doFetch(target, {
        method: raw.method,
        headers: rules.upstream(state.headerPairs ?? [...raw.headers], {
          token,
          requestId: state.requestId,
          clientAddress: c.env?.remoteAddr?.hostname ?? "",
          host: raw.headers.get("host") ?? "",
          proto: url.startsWith("https:") ? "https" : "http",
          contentLength,
          policyHeaders: decision.headers,
        }),
        body,
        redirect: "manual",
        signal: abort.signal,
        // @ts-ignore: Deno and the Fetch standard need it for a streamed request body
        duplex: "half",
      });
    } catch (e) {
      connectDeadlines.cancel(connect);
      overallDeadlines.cancel(overall);
      const reason = abort.signal.reason;
      state.detail = e instanceof Error ? e.message : String(e);
      if (tooLarge) return errorResponse(c, "request_too_large");
      if (reason instanceof GatewayError) return errorResponse(c, reason.reason);
      return errorResponse(c, "upstream_unreachable");
    }
    connectDeadlines.cancel(connect);
    state.upstreamStatus = res.status;
    if (res.body === null || completed === undefined) {
      overallDeadlines.cancel(overall);
    } else {
      completed.then(
        () => overallDeadlines.cancel(overall),
        () => {
          overallDeadlines.cancel(overall);
          abort.abort(clientGone());
        },
      );
    }
    return new Response(res.body, {
      status: res.status,
      statusText: res.statusText,
      headers: rules.downstream(res.headers),
    });
  };
}
