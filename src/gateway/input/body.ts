/**
 * The request body for OPA-Envoy's `parsed_body` (policy.envoy.parseBody), read before the policy
 * as Envoy's `with_request_body` buffers it: at most `maxBytes` (a longer body is `truncated_body:
 * true` with `parsed_body: null`, as OPA-Envoy gives a partial body) and within `timeoutMs` (a caller
 * may not hold the decision open by sending slowly). Only a JSON body is parsed (Content-Type
 * naming application/json, as OPA-Envoy); any other gives `parsed_body: null`. What was read is
 * handed on with the rest of the stream, so the upstream gets the body whole and unchanged.
 */
export interface BodyOptions {
  maxBytes: number;
  timeoutMs: number;
}

export type BodyRead =
  | { ok: true; parsed: unknown; truncated: boolean; stream: ReadableStream<Uint8Array> | null }
  /** invalid: the body is not the JSON its Content-Type says; timeout: it did not arrive in time. */
  | { ok: false; why: "invalid" | "timeout" };

export async function readBodyForPolicy(
  body: ReadableStream<Uint8Array> | null,
  contentType: string | null,
  opts: BodyOptions,
): Promise<BodyRead> {
  if (body === null || contentType === null || !contentType.toLowerCase().includes("application/json")) {
    return { ok: true, parsed: null, truncated: false, stream: null };
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let done = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((r) => timer = setTimeout(() => r("timeout"), opts.timeoutMs));
  try {
    while (total <= opts.maxBytes) {
      const next = await Promise.race([reader.read(), timeout]);
      if (next === "timeout") {
        await reader.cancel().catch(() => {});
        return { ok: false, why: "timeout" };
      }
      if (next.done) {
        done = true;
        break;
      }
      chunks.push(next.value);
      total += next.value.byteLength;
    }
  } finally {
    clearTimeout(timer);
  }
  const stream = replay(chunks, done ? null : reader);
  if (!done) return { ok: true, parsed: null, truncated: true, stream };
  if (total === 0) return { ok: true, parsed: null, truncated: false, stream };
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  try {
    return {
      ok: true,
      parsed: JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)),
      truncated: false,
      stream,
    };
  } catch {
    await stream.cancel().catch(() => {});
    return { ok: false, why: "invalid" };
  }
}

/** The chunks already read, then whatever the reader still has. */
function replay(
  chunks: Uint8Array[],
  rest: ReadableStreamDefaultReader<Uint8Array> | null,
): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i < chunks.length) {
        controller.enqueue(chunks[i++]);
        return;
      }
      if (rest === null) {
        controller.close();
        return;
      }
      const next = await rest.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel(reason) {
      return rest?.cancel(reason);
    },
  });
}
