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
