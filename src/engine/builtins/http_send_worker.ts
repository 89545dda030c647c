/**
 * The worker that performs http.send's requests and net.lookup_ip_addr's lookups (sync_fetch.ts):
 * it fetches or resolves, and writes the answer into the shared buffer the waiting thread gave it,
 * then wakes that thread.
 *
 * Layout of the buffer: int32 state (0 waiting, 2 fetching, 1 done), int32 header length, int32 body length,
 * the header (JSON: {status, statusText, headers, setCookies} or {error}), then the body bytes.
 */
import { promises as dns } from "node:dns";
import { parentPort } from "node:worker_threads";

/** A name to resolve (the system resolver: hosts file, then DNS), with its deadline. */
export interface LookupRequest {
  lookup: string;
  timeoutMs: number;
}

async function resolve(req: LookupRequest): Promise<{ header: unknown; body: Uint8Array }> {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`lookup ${req.lookup}: i/o timeout`)), req.timeoutMs)
  );
  try {
    const found = await Promise.race([dns.lookup(req.lookup, { all: true, verbatim: true }), timeout]);
    return { header: { addresses: found.map((a) => a.address) }, body: new Uint8Array() };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENOTFOUND" || code === "ENODATA") throw new Error(`lookup ${req.lookup}: no such host`);
    throw e;
  }
}

export interface WorkerRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body?: string;
  redirect: boolean;
  timeoutMs: number;
  maxBytes: number;
}

const encoder = new TextEncoder();

async function perform(req: WorkerRequest): Promise<{ header: unknown; body: Uint8Array }> {
  const response = await fetch(req.url, {
    method: req.method,
    headers: req.headers,
    body: req.body,
    redirect: req.redirect ? "follow" : "manual",
    signal: AbortSignal.timeout(req.timeoutMs),
  });
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body !== null) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > req.maxBytes) {
        await reader.cancel();
        throw new Error(`response body larger than ${req.maxBytes} bytes`);
      }
      chunks.push(value);
    }
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  const headers = [...response.headers].filter(([k]) => k !== "set-cookie");
  return {
    header: {
      status: response.status,
      statusText: response.statusText,
      headers,
      setCookies: response.headers.getSetCookie(),
    },
    body,
  };
}

parentPort?.on(
  "message",
  async ({ request, buffer }: { request: WorkerRequest | LookupRequest; buffer: SharedArrayBuffer }) => {
    const state = new Int32Array(buffer, 0, 3);
    let header: Uint8Array, body: Uint8Array = new Uint8Array();
    try {
      const answer = "lookup" in request ? await resolve(request) : await perform(request);
      header = encoder.encode(JSON.stringify(answer.header));
      body = answer.body;
    } catch (e) {
      const timedOut = e instanceof DOMException && e.name === "TimeoutError";
      const message = timedOut ? `request timed out after ${request.timeoutMs} ms` : (e as Error).message;
      header = encoder.encode(JSON.stringify({ error: message }));
    }
    if (12 + header.byteLength + body.byteLength <= buffer.byteLength) {
      new Uint8Array(buffer, 12).set(header);
      new Uint8Array(buffer, 12 + header.byteLength).set(body);
      state[1] = header.byteLength;
      state[2] = body.byteLength;
    } else {
      const error = encoder.encode(JSON.stringify({ error: "response too large" }));
      new Uint8Array(buffer, 12).set(error);
      state[1] = error.byteLength;
      state[2] = 0;
    }
    Atomics.store(state, 0, 1);
    Atomics.notify(state, 0);
  },
);
