/**
 * The last stage: signs the claims JWT and forwards the request to the route's upstream, streaming
 * the request body.
 *
 * What is forwarded is what was decided on: the upstream URL is built from the canonical path and
 * query the target stage computed (never from `Request.url` or Hono's path), and checked to parse
 * back to the same path (RouteTable.upstreamUrl; fail closed); the method is the canonical one.
 *
 * The response body passes untouched (headers.ts asks the upstream for `identity`). A body with a
 * Content-Length of at most BUFFERED_BODY_BYTES is read whole before the answer starts (small
 * answers are nearly all of them, and a bytes body is what Deno serves cheapest); any other body
 * is streamed through a JS stream that the overall deadline can end. (Deno serves a fetch
 * response's own body stream in native code, where aborting the fetch no longer reaches it: a
 * stalled upstream body was never cut. Measured on loopback: streaming every body through JS
 * costs ~2× the proxy's CPU per small request, buffering small ones costs nothing measurable.)
 *
 * Timeouts: `connectMs` bounds the wait for the upstream's response head (connect + first byte,
 * 504 upstream_timeout); `overallMs` bounds the whole exchange, response body included: a small
 * body late past it is a 504; a streamed body cut by it ends the client's response abruptly
 * (chunked stream not terminated, or fewer bytes than its Content-Length), and the decision log,
 * written once the body ends, says upstream_timeout. A client going away mid-body cancels the
 * upstream exchange. An upstream status a client cannot be given (1xx, or outside 100–599) is a
 * 502 upstream_invalid; any other upstream failure a 502 upstream_unreachable.
 */
import type { Handler } from "hono";
import type { GatewayEnv } from "../context.ts";
import { GatewayError } from "../errors/gateway_error.ts";
import { errorResponse } from "../errors/respond.ts";
import { limitBody } from "../limits/body_limit.ts";
import { redactUrlsIn } from "../observe/redact.ts";
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

/** Bodies with a Content-Length up to this are read whole before answering (see above). */
export const BUFFERED_BODY_BYTES = 64 * 1024;

export interface ProxyOptions {
  signer: TokenSigner;
  headers: HeaderRules;
  connectMs: number;
  overallMs: number;
  maxBodyBytes: number;
  /** The listener's scheme, for X-Forwarded-Proto. Default "http". */
  scheme?: "http" | "https";
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
  const proto = opts.scheme ?? "http";
  const doFetch = opts.fetch ?? fetch;
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

    const abort = new AbortController();
    const connect = connectDeadlines.add(() => abort.abort(connectTimeout()));
    const overall = overallDeadlines.add(() => abort.abort(overallTimeout()));
    let res: Response;
    try {
      res = await doFetch(target, {
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
        redirect: "manual",
        signal: abort.signal,
        // @ts-ignore: Deno and the Fetch standard need it for a streamed request body
        duplex: "half",
      });
    } catch (e) {
      connectDeadlines.cancel(connect);
      overallDeadlines.cancel(overall);
      state.detail = errorDetail(e);
      if (tooLarge) return errorResponse(c, "request_too_large");
      const reason = abort.signal.reason;
      if (reason instanceof GatewayError) return errorResponse(c, reason.reason);
      return errorResponse(c, "upstream_unreachable");
    }
    connectDeadlines.cancel(connect);
    state.upstreamStatus = res.status;
    if (res.status < 200 || res.status > 599) {
      overallDeadlines.cancel(overall);
      abort.abort();
      state.detail = `upstream status ${res.status}`;
      return errorResponse(c, "upstream_invalid");
    }
    const headers = rules.downstream(res.headers);
    const init = { status: res.status, statusText: res.statusText, headers };
    const upstreamBody = res.body;
    if (upstreamBody === null) {
      overallDeadlines.cancel(overall);
      return new Response(null, init);
    }

    const length = res.headers.get("content-length");
    if (length !== null && Number(length) <= BUFFERED_BODY_BYTES) {
      let bytes: Uint8Array<ArrayBuffer>;
      try {
        bytes = await res.bytes();
      } catch (e) {
        state.detail = errorDetail(e);
        const reason = abort.signal.reason;
        return errorResponse(c, reason instanceof GatewayError ? reason.reason : "upstream_unreachable");
      } finally {
        overallDeadlines.cancel(overall);
      }
      return new Response(bytes, init);
    }

    const done = Promise.withResolvers<void>();
    state.bodyDone = done.promise;
    const finish = (outcome: "done" | "failed" | "cancelled", err?: unknown) => {
      overallDeadlines.cancel(overall);
      if (outcome === "failed") {
        const reason = abort.signal.reason;
        state.reason = reason instanceof GatewayError ? reason.reason : "upstream_unreachable";
        state.outcome = "error";
        state.detail = `response body cut: ${errorDetail(err)}`;
      } else if (outcome === "cancelled") {
        abort.abort(new GatewayError("client_closed", "the client went away"));
        state.detail = "the client went away during the response body";
      }
      done.resolve();
    };
    return new Response(guardedBody(upstreamBody, abort.signal, finish), init);
  };
}

/**
 * The upstream body as a JS stream: chunks pass as they come; the end, an error, the abort signal
 * (the overall deadline; it errors the stream even while nobody reads it) or the client's cancel
 * is reported once.
 */
function guardedBody(
  source: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  finish: (outcome: "done" | "failed" | "cancelled", err?: unknown) => void,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let settled = false;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const settle = (outcome: "done" | "failed" | "cancelled", err?: unknown) => {
    if (settled) return false;
    settled = true;
    signal.removeEventListener("abort", onAbort);
    finish(outcome, err);
    return true;
  };
  const onAbort = () => {
    if (settle("failed", signal.reason)) {
      controller.error(signal.reason);
      reader.cancel(signal.reason).catch(() => {});
    }
  };
  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      signal.addEventListener("abort", onAbort, { once: true });
    },
    async pull(c) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (e) {
        if (settle("failed", e)) c.error(e);
        return;
      }
      if (settled) return;
      if (chunk.done) {
        settle("done");
        c.close();
      } else {
        c.enqueue(chunk.value);
      }
    },
    cancel(reason) {
      settle("cancelled");
      return reader.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });
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
