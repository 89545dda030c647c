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
 * credential.
 */
import { type BundleLimits, checkArchiveSize, resolveLimits } from "../bundle/limits.ts";
import { EngineError } from "../types.ts";
import { type BundleSource, contentVersion, type SourceSnapshot } from "./source.ts";

export interface HttpSourceOptions {
  /** Request headers (e.g. Authorization); never logged. */
  headers?: Record<string, string>;
  limits?: Partial<BundleLimits>;
  fetch?: typeof fetch;
}

const MAX_REDIRECTS = 5;

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

  constructor(private readonly url: string, private readonly options: HttpSourceOptions = {}) {
    this.location = shownBundleUrl(url);
  }

  async fetch(since?: string): Promise<SourceSnapshot | null> {
    const limits = resolveLimits(this.options.limits);
    const response = await this.#get(since);
    if (response.status === 304) {
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
    const bytes = await readLimited(response.body, limits, this.location);
    const version = response.headers.get("ETag") ?? await contentVersion([["archive", bytes]]);
    return version === since ? null : { kind: "archive", bytes, version };
  }

  /** GET with the configured headers, following redirects by hand (see the module comment). */
  async #get(since: string | undefined): Promise<Response> {
    const origin = new URL(this.url).origin;
    let target = this.url;
    for (let hops = 0;; hops++) {
      const sameOrigin = new URL(target).origin === origin;
      const headers = new Headers(sameOrigin ? this.options.headers : undefined);
      if (since !== undefined && !since.startsWith("sha256:")) headers.set("If-None-Match", since);
      let response: Response;
      try {
        response = await (this.options.fetch ?? fetch)(target, { headers, redirect: "manual" });
      } catch (e) {
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
