/**
 * Reading a bundle: archive (or file map) → signature check → manifest → data → Bundle, and
 * `prepareBundle`, the same made ready to load (the data serialized for the module, the revision
 * settled), which is the part of a load that runs in a worker (prepare_off_thread.ts).
 */
import { createHash } from "node:crypto";
import { EngineError } from "../types.ts";
import { type FileMap, unpackBundleArchive } from "./archive.ts";
import {
  type Bundle,
  type BundleInput,
  DEFAULT_WASM_MODULE,
  MANIFEST_FILE,
  type PreparedBundle,
  type RegoFile,
  SIGNATURES_FILE,
} from "./bundle.ts";
import { isDataFile, mergeDataFiles, serializeData } from "./data.ts";
import { Budget, type BundleLimits, resolveLimits } from "./limits.ts";
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

/**
 * Everything a load does before the module meets the data, on whatever thread calls it: unpack
 * (limits.ts), verify, parse the manifest and the data files, serialize the data for the module
 * (bounded by maxDataBytes) and settle the revision.
 */
export async function prepareBundle(input: BundleInput, options: ReadOptions = {}): Promise<PreparedBundle> {
  const limits = resolveLimits(options.limits);
  let files: FileMap;
  if (input.kind === "archive") files = await unpackBundleArchive(input.bytes, limits);
  else {
    // A directory was read with the same limits; files handed over by a caller are counted here.
    const budget = new Budget(limits);
    for (const [path, bytes] of input.files) budget.add(path, bytes.byteLength, isDataFile(path));
    files = input.files;
  }
  const bundle = await bundleFromFiles(files, options);
  const dataJson = serializeData(bundle.data, limits);
  return {
    manifest: bundle.manifest,
    wasm: bundle.wasm,
    sources: bundle.sources,
    dataJson,
    revision: bundle.manifest.revision || contentRevision(bundle, dataJson),
    signed: options.verification !== undefined,
  };
}

export function regoSources(files: FileMap): RegoFile[] {
  const decoder = new TextDecoder();
  return [...files.keys()].filter((p) => p.endsWith(".rego")).sort().map((path) => ({
    path,
    text: decoder.decode(files.get(path)!),
  }));
}

/**
 * A bundle without a manifest revision (a directory of sources, a bare bundle) is named by its
 * content, so that logs, JWTs and /readyz still tell which policy decided.
 */
function contentRevision(bundle: Bundle, dataJson: Uint8Array): string {
  const h = createHash("sha256");
  for (const src of bundle.sources) h.update(src.path).update("\0").update(src.text).update("\0");
  h.update(dataJson);
  if (bundle.wasm) h.update(bundle.wasm);
  return `sha256:${h.digest("hex").slice(0, 16)}`;
}
