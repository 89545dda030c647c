/**
 * A raw HTTP/1.1 client over Deno.connect, for requests `fetch` would not send as written (it
 * normalises the path, refuses some methods and headers, and decodes compressed answers). Sends
 * the bytes given, reads until the server closes or `timeoutMs` passes, and parses what came back
 * (Content-Length or chunked framing). Test-only.
 */

export interface RawResponse {
  /** 0 when nothing parseable came back. */
  status: number;
  /** Lower-case names; repeated fields joined with ", " (as Headers does). */
  headers: Record<string, string>;
  /** Every header line as sent, for checks on duplicates and framing. */
  headerLines: string[];
  body: Uint8Array;
  /** Whether the body was complete per its framing (Content-Length reached, last chunk seen). */
  complete: boolean;
  /** Whether the server closed the connection (rather than the timeout ending the read). */
  closedByServer: boolean;
  /** Milliseconds from sending to the end of the read. */
  ms: number;
  /** Every byte read (several answers, for pipelined requests). */
  raw: Uint8Array;
}

const CRLF = "\r\n";

/** Sends `text` (a whole request, or several) as bytes and reads the first response. */
export async function rawRequest(
  port: number,
  text: string | Uint8Array,
  opts: { timeoutMs?: number } = {},
): Promise<RawResponse> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const started = performance.now();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const chunks: Uint8Array[] = [];
  let closedByServer = false;
  const timer = setTimeout(() => {
    try {
      conn.close();
    } catch { /* closed */ }
  }, timeoutMs);
  try {
    await conn.write(typeof text === "string" ? new TextEncoder().encode(text) : text);
    const buf = new Uint8Array(64 * 1024);
    while (true) {
      const n = await conn.read(buf);
      if (n === null) {
        closedByServer = true;
        break;
      }
      chunks.push(buf.slice(0, n));
    }
  } catch {
    // reset by the server, or closed by the timer
    closedByServer = performance.now() - started < timeoutMs - 5;
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* closed */ }
  }
  const raw = concat(chunks);
  return { ...parseResponse(raw), closedByServer, ms: performance.now() - started, raw };
}

/** A request's bytes: request line, headers (as given, in order), blank line, body. */
export function requestText(line: string, headers: [string, string][], body = ""): string {
  return line + CRLF + headers.map(([n, v]) => `${n}: ${v}${CRLF}`).join("") + CRLF + body;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let i = 0;
  for (const c of chunks) {
    out.set(c, i);
    i += c.length;
  }
  return out;
}

function parseResponse(bytes: Uint8Array): Omit<RawResponse, "closedByServer" | "ms" | "raw"> {
  const latin1 = new TextDecoder("latin1").decode(bytes);
  const end = latin1.indexOf(CRLF + CRLF);
  if (end === -1) return { status: 0, headers: {}, headerLines: [], body: new Uint8Array(), complete: false };
  const lines = latin1.slice(0, end).split(CRLF);
  const status = Number(lines[0].split(" ")[1]) || 0;
  const headerLines = lines.slice(1);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const i = line.indexOf(":");
    const name = line.slice(0, i).toLowerCase(), value = line.slice(i + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const rest = bytes.subarray(end + 4);
  if (headers["transfer-encoding"]?.includes("chunked")) {
    const { body, complete } = dechunk(rest);
    return { status, headers, headerLines, body, complete };
  }
  const length = headers["content-length"];
  if (length !== undefined) {
    const n = Number(length);
    return { status, headers, headerLines, body: rest.subarray(0, n), complete: rest.length >= n };
  }
  return { status, headers, headerLines, body: rest, complete: true };
}

function dechunk(bytes: Uint8Array): { body: Uint8Array; complete: boolean } {
  const parts: Uint8Array[] = [];
  let i = 0;
  const text = new TextDecoder("latin1");
  while (i < bytes.length) {
    let eol = -1;
    for (let j = i; j + 1 < bytes.length; j++) {
      if (bytes[j] === 13 && bytes[j + 1] === 10) {
        eol = j;
        break;
      }
    }
    if (eol === -1) break;
    const size = parseInt(text.decode(bytes.subarray(i, eol)).split(";")[0], 16);
    if (!Number.isFinite(size)) break;
    if (size === 0) return { body: concat(parts), complete: true };
    const start = eol + 2;
    if (start + size > bytes.length) {
      parts.push(bytes.subarray(start));
      break;
    }
    parts.push(bytes.subarray(start, start + size));
    i = start + size + 2;
  }
  return { body: concat(parts), complete: false };
}
