/**
 * A bundle served over HTTP, polled with `If-None-Match` so an unchanged bundle costs a 304.
 * The body is read with the archive size limit enforced while streaming.
 */
import { type BundleLimits, resolveLimits } from "../bundle/limits.ts";
import { EngineError } from "../types.ts";
import { type BundleSource, contentVersion, type SourceSnapshot } from "./source.ts";

export interface HttpSourceOptions {
  /** Extra request headers (e.g. Authorization); never logged. */
  headers?: Record<string, string>;
  limits?: Partial<BundleLimits>;
  fetch?: typeof fetch;
}

export class HttpBundleSource implements BundleSource {
  readonly location: string;

  constructor(private readonly url: string, private readonly options: HttpSourceOptions = {}) {
    const shown = new URL(url);
    shown.username = "";
    shown.password = "";
    shown.search = "";
    this.location = shown.toString();
  }

  async fetch(since?: string): Promise<SourceSnapshot | null> {
    const headers = new Headers(this.options.headers);
    if (since !== undefined && !since.startsWith("sha256:")) headers.set("If-None-Match", since);
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(this.url, { headers });
    } catch (e) {
      throw new EngineError("bundle_not_found", `cannot fetch ${this.location}: ${(e as Error).message}`, {
        cause: e,
      });
    }
    if (response.status === 304) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      throw new EngineError("bundle_not_found", `${this.location} answered HTTP ${response.status}`);
    }
    const bytes = await readLimited(
      response.body,
      resolveLimits(this.options.limits).maxArchiveBytes,
      this.location,
    );
    const version = response.headers.get("ETag") ?? await contentVersion([["archive", bytes]]);
    return version === since ? null : { kind: "archive", bytes, version };
  }
}

async function readLimited(
  body: ReadableStream<Uint8Array>,
  max: number,
  location: string,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > max) throw new EngineError("bundle_corrupt", `${location} is larger than ${max} bytes`);
    chunks.push(chunk);
  }
  return new Uint8Array(await new Blob(chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer());
}
