/**
 * A bundle served over HTTP, polled with `If-None-Match` so an unchanged bundle costs a 304.
 *
 * Size: a Content-Length over the archive limit is refused before the body is read, and the body
 * is counted as it streams (a server may send no length, or a false one).
 *
 * Credentials travel in request headers (`headers`: see credentials.ts for where they come from),
 * never in the URL: a URL with a user or password is refused, and what is shown of the URL in
 * logs, errors and /readyz (`location`) has no query either. Redirects are followed by hand (at
 * most 5): to another origin the configured headers are not sent, as any of them may be a
 * credential; nor is a request to another origin signed.
 *
 * OPA's bundle service protocol: every request says `Accept: application/vnd.openpolicyagent.bundles`
 * (and gzip); with `longPollSeconds` it also asks `Prefer: wait=N`, and a server that answers with
 * `Content-Type: application/vnd.openpolicyagent.bundles` holds a request whose `If-None-Match` is
 * current until the bundle changes (200) or N seconds passed (304). Such a server is long-polling
 * (`longPolling`): the manager asks again at once rather than after its poll period. A request is
 * bounded in time either way (`timeoutMs`, plus N when long polling), so a server that never
 * answers cannot hold the reloads up.
 */
import { type BundleLimits, checkArchiveSize, resolveLimits } from "../bundle/limits.ts";
import { EngineError } from "../types.ts";
import { type BundleSource, contentVersion, type SourceSnapshot } from "./source.ts";

export interface HttpSourceOptions {
  /** Request headers (e.g. Authorization); never logged. */
  headers?: Record<string, string>;
  /** Signs a request to the bundle's origin (AWS SigV4: credentials.ts), setting its headers. */
  sign?: (method: string, url: string, headers: Headers) => void;
  /** Ask the server to hold an unchanged bundle's request this long (OPA's long polling). 0: off. */
  longPollSeconds?: number;
  /** Deadline of one request (connect, answer and body), beyond the long-poll wait. Default 60 s. */
  timeoutMs?: number;
  limits?: Partial<BundleLimits>;
  fetch?: typeof fetch;
}

const MAX_REDIRECTS = 5;
export const BUNDLES_MEDIA_TYPE = "application/vnd.openpolicyagent.bundles";
const ACCEPT = `${BUNDLES_MEDIA_TYPE}, application/gzip;q=0.9, */*;q=0.1`;

/** The URL as it may be shown: no user, password, query or fragment. Throws on a URL with credentials. */
export function shownBundleUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError("the bundle URL is not a valid URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError("a bundle URL must be http(s)");
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw new TypeError(
      "a bundle URL must not carry credentials (user:password@): set $GATEWAY_BUNDLE_TOKEN or $GATEWAY_BUNDLE_HEADERS",
    );
  }
  parsed.search = "";
  parsed.hash = "";
  return parsed.toString();
}

export class HttpBundleSource implements BundleSource {
  readonly location: string;
  /** The server answered the last bundle with OPA's long-polling media type (and long polling is on). */
  longPolling = false;

  constructor(private readonly url: string, private readonly options: HttpSourceOptions = {}) {
    this.location = shownBundleUrl(url);
  }

  async fetch(since?: string): Promise<SourceSnapshot | null> {
    const wait = this.options.longPollSeconds ?? 0;
    const deadline = AbortSignal.timeout((this.options.timeoutMs ?? 60_000) + wait * 1000);
    try {
      return await this.#fetch(since, wait, deadline);
    } catch (e) {
      if (deadline.aborted && !(e instanceof EngineError)) {
        throw new EngineError("bundle_not_found", `${this.location} did not answer in time`, { cause: e });
      }
      throw e;
    }
  }

  async #fetch(since: string | undefined, wait: number, signal: AbortSignal): Promise<SourceSnapshot | null> {
    const limits = resolveLimits(this.options.limits);
    const response = await this.#get(since, wait, signal);
    if (response.status === 304) {
      // A 304 carries no Content-Type (RFC 9110 §15.4.5): the server's mode stays as it was.
      await response.body?.cancel();
      return null;
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      throw new EngineError("bundle_not_found", `${this.location} answered HTTP ${response.status}`);
    }
    const declared = response.headers.get("Content-Length");
    if (declared !== null && /^\d+$/.test(declared)) {
      try {
        checkArchiveSize(Number(declared), limits, `${this.location} (by its Content-Length)`);
      } catch (e) {
        await response.body.cancel();
        throw e;
      }
    }
    this.longPolling = wait > 0 && (response.headers.get("Content-Type") ?? "").split(";")[0].trim() ===
        BUNDLES_MEDIA_TYPE;
    const bytes = await readLimited(response.body, limits, this.location);
    const version = response.headers.get("ETag") ?? await contentVersion([["archive", bytes]]);
    return version === since ? null : { kind: "archive", bytes, version };
  }

  /** GET with the configured headers, following redirects by hand (see the module comment). */
  async #get(since: string | undefined, wait: number, signal: AbortSignal): Promise<Response> {
    const origin = new URL(this.url).origin;
    let target = this.url;
    for (let hops = 0;; hops++) {
      const sameOrigin = new URL(target).origin === origin;
      const headers = new Headers(sameOrigin ? this.options.headers : undefined);
      headers.set("Accept", ACCEPT);
      if (wait > 0) headers.set("Prefer", `wait=${wait}`);
      if (since !== undefined && !since.startsWith("sha256:")) headers.set("If-None-Match", since);
      if (sameOrigin) this.options.sign?.("GET", target, headers);
      let response: Response;
      try {
        response = await (this.options.fetch ?? fetch)(target, { headers, redirect: "manual", signal });
      } catch (e) {
        if (signal.aborted) {
          throw new EngineError("bundle_not_found", `${this.location} did not answer in time`);
        }
        throw new EngineError("bundle_not_found", `cannot fetch ${this.location}: ${this.#scrub(e)}`, {
          cause: e,
        });
      }
      const next = response.headers.get("Location");
      if (response.status < 300 || response.status > 399 || response.status === 304 || next === null) {
        return response;
      }
      await response.body?.cancel();
      if (hops >= MAX_REDIRECTS) {
        throw new EngineError(
          "bundle_not_found",
          `${this.location} redirects more than ${MAX_REDIRECTS} times`,
        );
      }
      target = new URL(next, target).toString();
    }
  }

  /** An error's message without the URL's hidden parts (runtimes may quote the URL). */
  #scrub(e: unknown): string {
    const message = e instanceof Error ? e.message : String(e);
    const parsed = new URL(this.url);
    let out = message.split(this.url).join(this.location).split(parsed.href).join(this.location);
    if (parsed.search !== "") out = out.split(parsed.search).join("");
    return out;
  }
}

async function readLimited(
  body: ReadableStream<Uint8Array>,
  limits: BundleLimits,
  location: string,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > limits.maxArchiveBytes) { // leaving the loop cancels the body
      throw new EngineError(
        "bundle_too_large",
        `${location} sends more than ${limits.maxArchiveBytes} bytes (maxArchiveBytes)`,
      );
    }
    chunks.push(chunk);
  }
  return new Uint8Array(await new Blob(chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer());
}
