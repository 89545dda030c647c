/**
 * Limits that keep a hostile or broken bundle from exhausting the gateway, and the path rules
 * every bundle file must satisfy.
 */
import { EngineError } from "../types.ts";

export interface BundleLimits {
  /** Size of the gzipped archive. */
  maxArchiveBytes: number;
  /** Total size of all files once decompressed (guards against gzip bombs). */
  maxUncompressedBytes: number;
  /** Number of files (directories not counted). */
  maxFiles: number;
}

export const DEFAULT_LIMITS: BundleLimits = {
  maxArchiveBytes: 32 * 1024 * 1024,
  maxUncompressedBytes: 128 * 1024 * 1024,
  maxFiles: 10_000,
};

export function resolveLimits(partial?: Partial<BundleLimits>): BundleLimits {
  return { ...DEFAULT_LIMITS, ...partial };
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
