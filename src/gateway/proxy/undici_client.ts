/**
 * The upstream client on undici's Pool (npm:undici, the Node.js project's HTTP/1.1 client: one
 * Pool per upstream origin, `dispatch` with a handler of our own). Measured on loopback as a bare
 * proxy, ~60 µs of CPU per small request against ~79 µs with Deno's fetch: no Request, Response or
 * AbortSignal per request, and the response fields arrive as a plain record.
 *
 * Requests with a body go through fetch (`withBody`): Deno's server closes a connection whose
 * request body stalls only when that body was consumed natively, as fetch does (aborting the fetch
 * then drops the connection); read from JS (as undici must), the deadline answers but the
 * caller's connection stays open (hostile_input.test.ts: "a body that stalls mid-way is cut").
 * Most API requests carry none.
 *
 * What it must get right (each pinned by forward.test.ts, run with both clients):
 * - A body of at most BUFFERED_BODY_BYTES (by Content-Length) is collected and handed over whole;
 *   any other body streams through a JS stream with backpressure (pause/resume), so bulk transfers
 *   are never held in memory. Under Deno, undici reports a 0-byte chunk when a paused body resumes:
 *   empty chunks are skipped (never enqueued, never a reason to pause again).
 * - `abort` (the caller's deadlines) ends the exchange in any phase: queued for a connection,
 *   waiting for the head, or mid-body; a stalled body is cut.
 * - The pool's connections per upstream origin are capped (`connections`): undici otherwise opens
 *   a connection for every concurrent request.
 * - undici refuses an `Expect` header: HeaderRules never forwards one (Deno's server has already
 *   answered a caller's `100-continue`; and a request with a body goes through fetch anyway).
 * - Its own timeouts (connect, head, body idle) are a backstop just past the caller's deadlines;
 *   when one fires anyway, the error says timeout (isTimeout).
 */
import { Buffer } from "node:buffer";
import { buildConnector, Pool } from "undici";
import type { Dispatcher } from "undici";
import {
  type BodyOutcome,
  BUFFERED_BODY_BYTES,
  fetchClient,
  type UpstreamClient,
  type UpstreamExchange,
  type UpstreamRequest,
  type UpstreamResponse,
} from "./upstream_client.ts";

export { isTimeout } from "./upstream_client.ts";

/** undici's Pool, for requests without a body; `withBody` (fetch) for those with one. */
export interface UndiciClientOptions {
  /** Connections per upstream origin, at most. */
  connections: number;
  /** The caller's head deadline (connect + first byte), ms: undici's own timeouts sit past it. */
  connectMs: number;
  /** The caller's overall deadline, ms. */
  overallMs: number;
}

export class UndiciClient implements UpstreamClient {
  readonly name = "undici";
  readonly #pools = new Map<string, Pool>();
  readonly #poolOptions: Pool.Options;

  readonly #withBody: UpstreamClient;

  constructor(opts: UndiciClientOptions, withBody: UpstreamClient = fetchClient()) {
    this.#withBody = withBody;
    const backstop = 1000;
    const connector = buildConnector({ timeout: opts.connectMs + backstop });
    this.#poolOptions = {
      connections: opts.connections,
      connect: (options, callback) =>
        connector(
          options,
          (err, socket) => err === null ? callback(null, fastLatin1Writes(socket!)) : callback(err, null),
        ),
      headersTimeout: opts.connectMs + backstop,
      bodyTimeout: opts.overallMs + backstop,
    };
  }

  send(req: UpstreamRequest): UpstreamExchange {
    if (req.body !== null) return this.#withBody.send(req);
    let pool = this.#pools.get(req.origin);
    if (pool === undefined) {
      pool = new Pool(req.origin, this.#poolOptions);
      this.#pools.set(req.origin, pool);
    }
    const pairs = req.headers;
    const flat: string[] = new Array(pairs.length * 2);
    for (let i = 0; i < pairs.length; i++) {
      flat[2 * i] = pairs[i][0];
      flat[2 * i + 1] = pairs[i][1];
    }
    const exchange = new Exchange(req.method, req.onBodyEnd);
    try {
      pool.dispatch(
        {
          path: req.path,
          method: req.method,
          headers: flat,
          body: null,
        },
        exchange,
      );
    } catch (e) {
      exchange.onResponseError(null, e as Error);
    }
    return exchange;
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((p) => p.close().catch(() => {})));
  }
}

/**
 * undici writes each request head as a latin1 string; Deno's node:net encodes one of ~1 KB in
 * ~30 µs (it was the largest single cost in the gateway's profile). Encoded here instead: by
 * TextEncoder when the text is ASCII (then its UTF-8 is its latin1: same length), else by Buffer.
 */
function fastLatin1Writes<S extends { write: (...args: any[]) => boolean }>(socket: S): S {
  const write = socket.write;
  const encoder = new TextEncoder();
  socket.write = function (chunk: unknown, ...rest: unknown[]) {
    if (typeof chunk === "string" && rest[0] === "latin1") {
      const ascii = encoder.encode(chunk);
      rest[0] = undefined;
      return write.call(this, ascii.length === chunk.length ? ascii : Buffer.from(chunk, "latin1"), ...rest);
    }
    return write.call(this, chunk, ...rest);
  };
  return socket;
}

const WAITING = 0, BUFFERING = 1, STREAMING = 2, OVER = 3;
const ignore = () => {};

/** One exchange: undici's dispatch handler, and the UpstreamExchange the proxy holds. */
class Exchange implements UpstreamExchange, Dispatcher.DispatchHandler {
  readonly response: Promise<UpstreamResponse>;
  #resolve!: (r: UpstreamResponse) => void;
  #reject!: (e: Error) => void;
  #phase = WAITING;
  #controller: Dispatcher.DispatchController | null = null;
  /** An abort before undici started the request (it was queued for a connection). */
  #early: Error | null = null;
  // Buffering.
  #chunks: Uint8Array[] = [];
  #size = 0;
  #bytesResolve: ((b: Uint8Array) => void) | null = null;
  #bytesReject: ((e: Error) => void) | null = null;
  // Streaming.
  #stream: ReadableStreamDefaultController<Uint8Array> | null = null;

  constructor(readonly method: string, readonly onBodyEnd: (outcome: BodyOutcome, err?: unknown) => void) {
    this.response = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  abort(reason: Error): void {
    if (this.#phase === OVER) return;
    const controller = this.#controller;
    if (controller === null) this.#early = reason;
    else controller.abort(reason);
    this.#fail(reason); // idempotent: undici may or may not have called onResponseError already
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.#early !== null) {
      controller.abort(this.#early);
      return;
    }
    this.#controller = controller;
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    status: number,
    headers: Record<string, string | string[] | undefined>,
    statusText: string,
  ): void {
    if (this.#phase !== WAITING) return;
    let body: UpstreamResponse["body"];
    const length = headers["content-length"];
    if (this.method === "HEAD" || status === 204 || status === 304) {
      this.#phase = OVER;
      body = null;
    } else if (typeof length === "string" && Number(length) <= BUFFERED_BODY_BYTES) {
      this.#phase = BUFFERING;
      const bytes = new Promise<Uint8Array>((resolve, reject) => {
        this.#bytesResolve = resolve;
        this.#bytesReject = reject;
      });
      bytes.catch(ignore); // read by the proxy, unless it has already answered otherwise
      body = bytes;
    } else {
      this.#phase = STREAMING;
      body = new ReadableStream<Uint8Array>({
        start: (c) => {
          this.#stream = c;
        },
        pull: () => {
          this.#controller?.resume();
        },
        cancel: (reason) => {
          if (this.#phase !== STREAMING) return;
          this.#phase = OVER;
          this.onBodyEnd("cancelled");
          this.#controller?.abort(reason instanceof Error ? reason : new Error("the client went away"));
        },
      }, { highWaterMark: BUFFERED_BODY_BYTES, size: (chunk) => chunk.byteLength });
    }
    this.#resolve({ status, statusText, headers, body });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Uint8Array): void {
    // Under Deno a resumed body first reports 0 bytes: nothing to pass on, no reason to pause.
    if (chunk.byteLength === 0) return;
    if (this.#phase === BUFFERING) {
      this.#chunks.push(chunk);
      this.#size += chunk.byteLength;
      if (this.#size > BUFFERED_BODY_BYTES) {
        controller.abort(new Error("the upstream sent more than its Content-Length"));
      }
    } else if (this.#phase === STREAMING) {
      const stream = this.#stream!;
      stream.enqueue(chunk);
      if ((stream.desiredSize ?? 0) <= 0) controller.pause();
    }
  }

  onResponseEnd(): void {
    const phase = this.#phase;
    this.#phase = OVER;
    if (phase === BUFFERING) {
      const chunks = this.#chunks;
      // One copy: undici's chunks are views into the socket's reads.
      const bytes = new Uint8Array(this.#size);
      let at = 0;
      for (const c of chunks) {
        bytes.set(c, at);
        at += c.byteLength;
      }
      this.#chunks = [];
      this.#bytesResolve!(bytes);
    } else if (phase === STREAMING) {
      this.#stream!.close();
      this.onBodyEnd("done");
    } else if (phase === WAITING) {
      this.#reject(new Error("the upstream exchange ended without a response"));
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, err: Error): void {
    this.#fail(err);
  }

  #fail(err: Error): void {
    const phase = this.#phase;
    if (phase === OVER) return;
    this.#phase = OVER;
    if (phase === WAITING) this.#reject(err);
    else if (phase === BUFFERING) {
      this.#chunks = [];
      this.#bytesReject!(err);
    } else {
      this.#stream!.error(err);
      this.onBodyEnd("failed", err);
    }
  }
}
