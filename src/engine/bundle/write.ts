/**
 * Writing a bundle: the parts → a file map (OPA's layout) → optional signature → tarball.
 */
import { type FileMap, packBundleArchive } from "./archive.ts";
import {
  DEFAULT_WASM_MODULE,
  type Manifest,
  MANIFEST_FILE,
  type RegoFile,
  SIGNATURES_FILE,
} from "./bundle.ts";
import { serializeManifest } from "./manifest.ts";
import { type KeyConfig, signBundleFiles } from "./signature.ts";

export interface BundleParts {
  manifest: Manifest;
  /** The root data document, written as /data.json. */
  data?: Record<string, unknown>;
  wasm?: Uint8Array;
  sources?: RegoFile[];
}

export function assembleFiles(parts: BundleParts): FileMap {
  const encoder = new TextEncoder();
  const files: FileMap = new Map();
  files.set(MANIFEST_FILE, serializeManifest(parts.manifest));
  if (parts.data !== undefined) files.set("data.json", encoder.encode(JSON.stringify(parts.data) + "\n"));
  if (parts.wasm !== undefined) files.set(DEFAULT_WASM_MODULE, parts.wasm);
  for (const source of parts.sources ?? []) {
    files.set(source.path.replace(/^\/+/, ""), encoder.encode(source.text));
  }
  return files;
}

export async function writeBundle(
  files: FileMap,
  options: { signing?: KeyConfig } = {},
): Promise<Uint8Array> {
  const all = new Map(files);
  all.delete(SIGNATURES_FILE);
  if (options.signing !== undefined) all.set(SIGNATURES_FILE, await signBundleFiles(all, options.signing));
  return await packBundleArchive(all);
}
