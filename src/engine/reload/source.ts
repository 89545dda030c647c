/**
 * Where bundles come from. A source hands out the current bundle with a version (a content hash or
 * an HTTP ETag); asked with the version it last gave, it answers null when nothing changed.
 */
import type { BundleInput } from "../load.ts";

export type SourceSnapshot = BundleInput & { version: string };

export interface BundleSource {
  /** A path or URL, for logs and BundleInfo (never carries credentials). */
  readonly location: string;
  /** Local paths worth watching with Deno.watchFs; absent for remote sources. */
  readonly watchPaths?: string[];
  fetch(since?: string): Promise<SourceSnapshot | null>;
  /** The server holds requests until the bundle changes (HTTP long polling): ask again at once. */
  readonly longPolling?: boolean;
}

export async function contentVersion(parts: Iterable<[string, Uint8Array]>): Promise<string> {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  for (const [name, bytes] of [...parts].sort(([a], [b]) => a.localeCompare(b))) {
    chunks.push(encoder.encode(`${name}\0${bytes.byteLength}\0`), bytes);
  }
  const digest = await crypto.subtle.digest(
    "SHA-256",
    await new Blob(chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer(),
  );
  return "sha256:" + [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
