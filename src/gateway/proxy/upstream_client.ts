/**
 * The proxy's upstream client: what forward.ts needs of an HTTP client, and the implementation on
 * the runtime's `fetch` (the one that runs everywhere, Deno Deploy included). undici_client.ts has
 * the faster one on undici's Pool (node:net).
 *
 * A client decides how a response body comes: none, buffered (a Content-Length of at most
 * BUFFERED_BODY_BYTES: read whole, the cheapest body to serve, and nearly every answer), or
 * streamed through a JS stream that `abort` can end at any time (the overall deadline must be able
 * to cut a stalled body: Deno serves a fetch response's own body stream natively, where aborting
 * the fetch no longer reaches it).
 *
 * Timeouts are the caller's: it calls `abort` from its deadline queue (deadlines.ts), so no client
 * needs a timer or an AbortSignal per request of its own.
 */
import type { HeaderPairs } from "./headers.ts";

/** Bodies with a Content-Length up to this are read whole before answering. */
export const BUFFERED_BODY_BYTES = 64 * 1024;

export type BodyOutcome = "done" | "failed" | "cancelled";

export interface UpstreamRequest {
  /** "http://host:port", as RouteTable's CompiledRoute.origin. */
  origin: string;
  /** Path and query ("/a/b?c"), canonical. */
  path: string;
  method: string;
  /** Lower-case names (HeaderRules.upstream). */
  headers: HeaderPairs;
  body: ReadableStream<Uint8Array> | null;
  /**
   * Called once a streamed response body has ended, failed (an upstream error or `abort`) or been
   * cancelled by its reader (the client went away; the exchange is then aborted). Not called for
   * buffered or absent bodies.
   */
  onBodyEnd: (outcome: BodyOutcome, err?: unknown) => void;
}

/** The upstream's fields: a Headers (fetch) or undici's record (repeated fields as arrays). */
export type UpstreamFields = Headers | Record<string, string | string[] | undefined>;

export interface UpstreamResponse {
  status: number;
  statusText: string;
  headers: UpstreamFields;
  /** Null without a body; a promise of the bytes when buffered; else the streamed body. */
  body: null | Promise<Uint8Array> | ReadableStream<Uint8Array>;
}

export interface UpstreamExchange {
  /** The response head (and its body, as above). Rejects on any failure before the head. */
  readonly response: Promise<UpstreamResponse>;
  /**
   * Ends the exchange with `reason`: a pending head or buffered body rejects with it, a streamed
   * body errors (onBodyEnd "failed"). Nothing once the exchange is over.
   */
  abort(reason: Error): void;
}

export interface UpstreamClient {
  readonly name: "fetch" | "undici";
  send(req: UpstreamRequest): UpstreamExchange;
  /** Closes idle connections (shutdown). */
  close(): Promise<void>;
}

const ignore = () => {};

/** undici's timeout errors (its own timeouts are a backstop past the proxy's deadlines). */
export function isTimeout(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT";
}

/** A client on `fetch` (globalThis.fetch by default; tests pass a fake). */
export function fetchClient(doFetch: typeof fetch = fetch): UpstreamClient {
  return {
    name: "fetch",
    send(req) {
      const abort = new AbortController();
      let sent: Promise<Response>;
      try {
        sent = doFetch(req.origin + req.path, {
          method: req.method,
          headers: req.headers,
          body: req.body,
          redirect: "manual",
          signal: abort.signal,
          // @ts-ignore: Deno and the Fetch standard need it for a streamed request body
          duplex: "half",
        });
      } catch (e) {
        sent = Promise.reject(e); // a fetch that throws rather than rejects (a fake)
      }
      const response = sent.then((res): UpstreamResponse => {
        const head = { status: res.status, statusText: res.statusText, headers: res.headers };
        const source = res.body;
        if (source === null) return { ...head, body: null };
        const length = res.headers.get("content-length");
        if (length !== null && Number(length) <= BUFFERED_BODY_BYTES) {
          const bytes = res.bytes();
          bytes.catch(ignore); // read by the proxy, unless it has already answered otherwise
          return { ...head, body: bytes };
        }
        return { ...head, body: guardedBody(source, abort, req.onBodyEnd) };
      });
      return { response, abort: (reason) => abort.abort(reason) };
    },
    close: () => Promise.resolve(),
  };
}

/**
 * The upstream body as a JS stream: chunks pass as they come; the end, an error, the abort signal
 * (it errors the stream even while nobody reads it) or the reader's cancel is reported once.
 */
function guardedBody(
  source: ReadableStream<Uint8Array>,
  abort: AbortController,
  finish: (outcome: BodyOutcome, err?: unknown) => void,
): ReadableStream<Uint8Array> {
  const signal = abort.signal;
  const reader = source.getReader();
  let settled = false;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const settle = (outcome: BodyOutcome, err?: unknown) => {
    if (settled) return false;
    settled = true;
    signal.removeEventListener("abort", onAbort);
    finish(outcome, err);
    return true;
  };
  const onAbort = () => {
    if (settle("failed", signal.reason)) {
      controller.error(signal.reason);
      reader.cancel(signal.reason).catch(ignore);
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
      if (settle("cancelled")) abort.abort(reason);
      return reader.cancel(reason).catch(ignore);
    },
  }, { highWaterMark: 0 });
}
