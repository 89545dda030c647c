/**
 * The in-memory form of an OPA bundle, shared by the reader, the writer and the loader.
 *
 * Paths are bundle-relative without a leading slash ("data.json", "policy.wasm", "authz/main.rego");
 * OPA writes them into the tarball with a leading "/", which the archive layer strips.
 */
export const MANIFEST_FILE = ".manifest";
export const SIGNATURES_FILE = ".signatures.json";
export const DEFAULT_WASM_MODULE = "policy.wasm";

/** The manifest metadata key our build writes to record OPA's strict-builtin-errors mode. */
export const STRICT_METADATA_KEY = "strict_builtin_errors";

/** The manifest metadata key our build writes when binaryen's optimiser ran (`build -O`). */
export const OPTIMIZED_METADATA_KEY = "wasm_optimized";

export interface WasmResolver {
  /** Entrypoint in slash form, "pkg/rule". */
  entrypoint: string;
  /** Bundle path of the module, with OPA's leading slash ("/policy.wasm"). */
  module: string;
}

export interface Manifest {
  revision: string;
  roots: string[];
  wasm: WasmResolver[];
  rego_version?: 0 | 1;
  /** Per-file Rego versions, as OPA writes them: a path or a glob (`*` within a segment, `**` across) → 0 | 1. */
  file_rego_versions?: Record<string, 0 | 1>;
  metadata: Record<string, unknown>;
}

/** A Rego source file as the bundle carries it (the compiler's SourceFile has this shape). */
export interface RegoFile {
  path: string;
  text: string;
}

export interface Bundle {
  manifest: Manifest;
  /** Every file of the bundle (the signatures file excluded), by bundle path. */
  files: Map<string, Uint8Array>;
  /** data.json / data.yaml files merged at their directory paths. */
  data: Record<string, unknown>;
  /** The compiled module, when the bundle carries one. */
  wasm?: Uint8Array;
  /** The Rego sources it carries (possibly none). */
  sources: RegoFile[];
}

/** Whether built-in errors abort evaluation for this bundle (default: no, as in OPA). */
export function isStrict(manifest: Manifest): boolean {
  return manifest.metadata[STRICT_METADATA_KEY] === true;
}

/** "a.b.c" or "a/b/c" → "a/b/c". */
export function normalizeEntrypoint(entrypoint: string): string {
  return entrypoint.replace(/^data[./]/, "").replaceAll(".", "/").replace(/^\/+|\/+$/g, "");
}

/** A bundle as a source hands it over: a .tar.gz archive, or files gathered from a directory. */
export type BundleInput = { kind: "archive"; bytes: Uint8Array } | {
  kind: "files";
  files: Map<string, Uint8Array>;
};

/**
 * A bundle read, checked and made ready to load (read.ts prepareBundle): what the loader needs
 * and nothing more, so that it crosses from the worker that made it cheaply.
 */
export interface PreparedBundle {
  manifest: Manifest;
  wasm?: Uint8Array;
  sources: RegoFile[];
  /** The data document as the module reads it (data.ts serializeData). */
  dataJson: Uint8Array;
  /** The manifest's revision, else one derived from the content. */
  revision: string;
  /**
   * Its signature was verified with the configured key: every file, the manifest included, is
   * as its signer wrote it. False when no key is configured.
   */
  signed: boolean;
}
