/**
 * Limits that keep a hostile or broken bundle from exhausting the gateway, and the path rules
 * every bundle file must satisfy.
 *
 * Each limit is checked before the bytes it bounds are read whole: the archive's size from its
 * Content-Length or its file size (and again while it streams), every entry's size from its tar
 * header (and again while it unpacks), the decompressed total as the inflater produces it.
 */
import { EngineError } from "../types.ts";

export interface BundleLimits {
  /** Size of the gzipped archive. */
  maxArchiveBytes: number;
  /** Total size of all files once decompressed (guards against gzip bombs). */
  maxUncompressedBytes: number;
  /** Number of files (directories not counted). */
  maxFiles: number;
  /**
   * Size of the data files (data.json, data.yaml) together, and of the data document they make
   * as JSON. The module holds the document in its memory at up to ~20 bytes per byte of JSON (an
   * array of small numbers; ~5 for typical records), and the old bundle's stays until the new one
   * is in force: the default keeps a document within ~330 MB of module memory at worst. The data
   * is parsed in a worker and its image copied in slices (module_data.ts), but the serving thread
   * still handles that memory: measured under load (`deno task bench bundle`), 10 MB stalled it
   * 80-310 ms, 46-93 MB 0.3-2.5 s.
   */
  maxDataBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<BundleLimits> = Object.freeze({
  maxArchiveBytes: 32 * MiB,
  maxUncompressedBytes: 128 * MiB,
  maxFiles: 10_000,
  maxDataBytes: 16 * MiB,
});

export function resolveLimits(partial?: Partial<BundleLimits>): BundleLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(partial ?? {}) as [keyof BundleLimits, number | undefined][]) {
    if (value !== undefined) limits[name] = value;
  }
  return limits;
}

/**
 * Turns a path found in an archive or directory into a bundle path, or throws bundle_corrupt.
 *
 * A single leading "/" is the bundle root as `opa build` writes it, and "./" is tolerated as tar
 * writes it; anything else that escapes or is absolute ("../", "//host", "C:/", a backslash, a NUL)
 * is rejected rather than silently cleaned.
 */
export function bundlePath(raw: string): string {
  let path = raw.startsWith("./") ? raw.slice(2) : raw;
  if (path.startsWith("/")) path = path.slice(1);
  const bad = path === "" || path.startsWith("/") || /^[A-Za-z]:/.test(path) || path.includes("\\") ||
    path.includes("\0");
  const segments = path.replace(/\/$/, "").split("/");
  if (bad || segments.some((s) => s === ".." || s === "." || s === "")) {
    throw new EngineError("bundle_corrupt", `bundle path not allowed: ${JSON.stringify(raw)}`);
  }
  return segments.join("/");
}

export function checkFileCount(count: number, limits: BundleLimits): void {
  if (count > limits.maxFiles) {
    throw new EngineError("bundle_corrupt", `bundle has more than ${limits.maxFiles} files`);
  }
}

export function checkArchiveSize(bytes: number, limits: BundleLimits, what = "bundle archive"): void {
  if (bytes > limits.maxArchiveBytes) {
    throw new EngineError(
      "bundle_too_large",
      `${what} is ${bytes} bytes, over the limit of ${limits.maxArchiveBytes} (maxArchiveBytes)`,
    );
  }
}

/**
 * What the files of one bundle have used of the limits so far. `add` is called with a file's
 * size before its bytes are read (from its tar header or its directory entry), so that a file
 * claiming more than is left is refused at once.
 */
export class Budget {
  #files = 0;
  #bytes = 0;
  #dataBytes = 0;

  constructor(readonly limits: BundleLimits) {}

  add(path: string, size: number, isData: boolean): void {
    this.#files++;
    checkFileCount(this.#files, this.limits);
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new EngineError("bundle_corrupt", `bundle entry ${path} has an invalid size`);
    }
    this.#bytes += size;
    if (this.#bytes > this.limits.maxUncompressedBytes) {
      throw new EngineError(
        "bundle_too_large",
        `bundle files exceed ${this.limits.maxUncompressedBytes} bytes (maxUncompressedBytes) at ${path}`,
      );
    }
    if (isData) {
      this.#dataBytes += size;
      if (this.#dataBytes > this.limits.maxDataBytes) throw dataTooLarge(this.limits, `at ${path}`);
    }
  }
}

export function dataTooLarge(limits: BundleLimits, where: string): EngineError {
  return new EngineError(
    "bundle_too_large",
    `bundle data exceeds ${limits.maxDataBytes} bytes (maxDataBytes) ${where}`,
  );
}
