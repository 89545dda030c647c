/**
 * A synchronous HTTP request, for http.send (and a synchronous name lookup, for
 * net.lookup_ip_addr): host built-ins are called synchronously by the module,
 * and a fetch cannot complete on a thread that waits for it. The request goes to a worker
 * (http_send_worker.ts, one per process, started on first use and not keeping the process alive),
 * and this thread blocks in Atomics.wait until the worker wakes it or the deadline passes.
 *
 * The cost is the point of the design: while it waits, this thread serves nothing else. Each call
 * is bounded by its timeout; measured on loopback, a call costs ~0.3-0.6 ms more than an async
 * fetch (see README, "http.send").
 */
import { Worker } from "node:worker_threads";
import type { LookupRequest, WorkerRequest } from "./http_send_worker.ts";

export type { WorkerRequest };

export interface RawResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  setCookies: string[];
  body: Uint8Array;
}

export class SyncFetchError extends Error {}

const decoder = new TextDecoder();
let worker: Worker | undefined;

/** How long a request may wait for the worker to pick it up (its start: loading its module). */
const PICKUP_MS = 10_000;

/** Starts the worker ahead of the first request (its start must not eat into a request's timeout). */
export function startFetchWorker(): void {
  theWorker();
}

function theWorker(): Worker {
  if (worker === undefined) {
    worker = new Worker(new URL("./http_send_worker.ts", import.meta.url));
    worker.unref();
    worker.on("error", () => worker = undefined);
    worker.on("exit", () => worker = undefined);
  }
  return worker;
}

/** Performs `request`, blocking this thread until the answer or the deadline. */
export function fetchSync(request: WorkerRequest): RawResponse {
  const { header, buffer, state } = exchange(request, request.maxBytes + 64 * 1024);
  return { ...header, body: new Uint8Array(buffer, 12 + state[1], state[2]).slice() } as RawResponse;
}

/** Resolves a name to its addresses (the system resolver), blocking this thread as fetchSync does. */
export function lookupSync(request: LookupRequest): string[] {
  return exchange(request, 64 * 1024).header.addresses as string[];
}

function exchange(request: WorkerRequest | LookupRequest, room: number) {
  const buffer = new SharedArrayBuffer(12 + room);
  const state = new Int32Array(buffer, 0, 3);
  theWorker().postMessage({ request, buffer });
  // State 0: not picked up yet (the worker may be starting); 2: fetching; 1: done. The worker
  // aborts the fetch at the timeout; the margin covers the copy.
  if (Atomics.wait(state, 0, 0, PICKUP_MS) === "timed-out") {
    throw new SyncFetchError("the request worker did not start");
  }
  if (Atomics.wait(state, 0, 2, request.timeoutMs + 500) === "timed-out") {
    throw new SyncFetchError(`request timed out after ${request.timeoutMs} ms`);
  }
  const header = JSON.parse(decoder.decode(new Uint8Array(buffer, 12, state[1]).slice()));
  if (typeof header.error === "string") throw new SyncFetchError(header.error);
  return { header, buffer, state };
}
