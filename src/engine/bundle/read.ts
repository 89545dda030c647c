/**
 * Reading a bundle: archive (or file map) → signature check → manifest → data → Bundle.
 */
import { EngineError } from "../types.ts";
import { type FileMap, unpackBundleArchive } from "./archive.ts";
import { type Bundle, DEFAULT_WASM_MODULE, MANIFEST_FILE, type RegoFile, SIGNATURES_FILE } from "./bundle.ts";
import { mergeDataFiles } from "./data.ts";
import type { BundleLimits } from "./limits.ts";
import { parseManifest } from "./manifest.ts";
import { type KeyConfig, verifyBundleFiles } from "./signature.ts";

export interface ReadOptions {
  limits?: Partial<BundleLimits>;
  /** When set, the bundle must carry a valid signature made with this key. */
  verification?: KeyConfig;
}

export async function readBundle(archive: Uint8Array, options: ReadOptions = {}): Promise<Bundle> {
  return await bundleFromFiles(await unpackBundleArchive(archive, options.limits), options);
}

/** Builds a Bundle from files already gathered (from an archive or a directory). */
export async function bundleFromFiles(all: FileMap, options: ReadOptions = {}): Promise<Bundle> {
  const files = new Map(all);
  const signatures = files.get(SIGNATURES_FILE);
  files.delete(SIGNATURES_FILE);
  if (options.verification !== undefined) await verifyBundleFiles(files, signatures, options.verification);
  const manifest = parseManifest(files.get(MANIFEST_FILE));
  const modules = new Set(manifest.wasm.map((w) => w.module.replace(/^\/+/, "")));
  if (modules.size > 1) {
    throw new EngineError("bundle_corrupt", `bundles with several wasm modules are not supported`);
  }
  const modulePath = modules.values().next().value ?? DEFAULT_WASM_MODULE;
  const wasm = files.get(modulePath);
  if (wasm === undefined && modules.size > 0) {
    throw new EngineError("bundle_corrupt", `the manifest names /${modulePath}, which the bundle lacks`);
  }
  return { manifest, files, data: mergeDataFiles(files), wasm, sources: regoSources(files) };
}

export function regoSources(files: FileMap): RegoFile[] {
  const decoder = new TextDecoder();
  return [...files.keys()].filter((p) => p.endsWith(".rego")).sort().map((path) => ({
    path,
    text: decoder.decode(files.get(path)!),
  }));
}
