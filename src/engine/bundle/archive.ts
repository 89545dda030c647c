/**
 * The archive layer: a gzipped tarball ↔ a map of bundle paths to bytes.
 *
 * gzip is Deno's (Compression/DecompressionStream); tar is `modern-tar` in strict mode, which
 * checks header checksums and detects truncation. Entry names are checked here, unmodified, so a
 * traversal attempt is rejected rather than silently cleaned; links and devices are rejected.
 */
import { packTar, unpackTar } from "modern-tar";
import { EngineError } from "../types.ts";
import { type BundleLimits, bundlePath, checkFileCount, resolveLimits } from "./limits.ts";

export type FileMap = Map<string, Uint8Array>;

export async function unpackBundleArchive(
  archive: Uint8Array,
  partialLimits?: Partial<BundleLimits>,
): Promise<FileMap> {
  const limits = resolveLimits(partialLimits);
  if (archive.byteLength > limits.maxArchiveBytes) {
    throw new EngineError(
      "bundle_corrupt",
      `bundle archive is ${archive.byteLength} bytes, over the limit of ${limits.maxArchiveBytes}`,
    );
  }
  const tar = await gunzip(archive, limits.maxUncompressedBytes);
  let entries;
  try {
    entries = await unpackTar(tar, { strict: true });
  } catch (e) {
    throw new EngineError("bundle_corrupt", `bundle tar is invalid: ${errorText(e)}`, { cause: e });
  }
  const files: FileMap = new Map();
  for (const { header, data } of entries) {
    const type = header.type ?? "file";
    if (type === "directory") continue;
    if (type !== "file") {
      throw new EngineError("bundle_corrupt", `bundle entry ${JSON.stringify(header.name)} is a ${type}`);
    }
    const path = bundlePath(header.name);
    if (files.has(path)) throw new EngineError("bundle_corrupt", `bundle has ${path} twice`);
    files.set(path, data ?? new Uint8Array());
    checkFileCount(files.size, limits);
  }
  return files;
}

/** A deterministic archive (sorted paths, zero mtimes) with OPA's leading "/" on each name. */
export async function packBundleArchive(files: FileMap): Promise<Uint8Array> {
  const entries = [...files.keys()].sort().map((path) => {
    const body = files.get(path)!;
    return {
      header: {
        name: `/${path}`,
        size: body.byteLength,
        type: "file" as const,
        mode: 0o644,
        mtime: new Date(0),
      },
      body,
    };
  });
  const tar = await packTar(entries);
  return await collect(new Blob([tar]).stream().pipeThrough(new CompressionStream("gzip")));
}

async function gunzip(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const source = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new DecompressionStream("gzip"),
  );
  try {
    return await collect(source, maxBytes);
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw new EngineError("bundle_corrupt", `bundle is not valid gzip: ${errorText(e)}`, { cause: e });
  }
}

async function collect(stream: ReadableStream<Uint8Array>, maxBytes = Infinity): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      // Leaving the loop cancels the stream.
      throw new EngineError("bundle_corrupt", `bundle decompresses to more than ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
