/**
 * The archive layer: a gzipped tarball ↔ a map of bundle paths to bytes.
 *
 * Unpacking streams, so that no limit is checked after the fact: the archive is fed to the
 * inflater (Deno's DecompressionStream) in 8 KiB slices, pulled only as fast as the tar reader
 * (`modern-tar`'s streaming decoder, strict: header checksums, truncation) takes them, and the
 * inflated bytes are counted as they come. A gzip bomb therefore stops at the limit having used
 * at most the limit plus one slice's output (deflate inflates at most ~1032:1, so ~8 MB). Each
 * entry's size is taken from its header and checked against what is left (limits.ts Budget)
 * before its body is read. Entry names are checked here, unmodified, so a traversal attempt is
 * rejected rather than silently cleaned; links and devices are rejected.
 */
import { createTarDecoder, packTar } from "modern-tar";
import { EngineError } from "../types.ts";
import { isDataFile } from "./data.ts";
import { Budget, type BundleLimits, bundlePath, checkArchiveSize, resolveLimits } from "./limits.ts";

export type FileMap = Map<string, Uint8Array>;

/** Input slice given to the inflater at a time: bounds the output of one inflater step. */
const SLICE_BYTES = 8 * 1024;

export async function unpackBundleArchive(
  archive: Uint8Array,
  partialLimits?: Partial<BundleLimits>,
): Promise<FileMap> {
  const limits = resolveLimits(partialLimits);
  checkArchiveSize(archive.byteLength, limits);
  const budget = new Budget(limits);
  const files: FileMap = new Map();
  const entries = inflated(archive, limits.maxUncompressedBytes).pipeThrough(
    createTarDecoder({ strict: true }),
  );
  try {
    for await (const { header, body } of entries) {
      const type = header.type ?? "file";
      if (type === "directory") {
        await body.cancel();
        continue;
      }
      if (type !== "file") {
        throw new EngineError("bundle_corrupt", `bundle entry ${JSON.stringify(header.name)} is a ${type}`);
      }
      const path = bundlePath(header.name);
      if (files.has(path)) throw new EngineError("bundle_corrupt", `bundle has ${path} twice`);
      budget.add(path, header.size, isDataFile(path));
      files.set(path, await readBody(body, header.size, path));
    }
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw new EngineError("bundle_corrupt", `bundle tar is invalid: ${errorText(e)}`, { cause: e });
  }
  return files;
}

/**
 * The archive's bytes inflated, pulled slice by slice; more than `maxBytes` of output, or a gzip
 * error, errors the stream with an EngineError (which the tar reader passes on as it is).
 */
function inflated(archive: Uint8Array, maxBytes: number): ReadableStream<Uint8Array> {
  let offset = 0;
  const slices = new ReadableStream<BufferSource>({
    pull(controller) {
      if (offset >= archive.byteLength) return controller.close();
      const end = Math.min(offset + SLICE_BYTES, archive.byteLength);
      controller.enqueue(archive.slice(offset, end));
      offset = end;
    },
  }, { highWaterMark: 0 });
  const reader = slices.pipeThrough(new DecompressionStream("gzip")).getReader();
  let total = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let step;
      try {
        step = await reader.read();
      } catch (e) {
        throw new EngineError("bundle_corrupt", `bundle is not valid gzip: ${errorText(e)}`, { cause: e });
      }
      if (step.done) return controller.close();
      total += step.value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new EngineError(
          "bundle_too_large",
          `bundle decompresses to more than ${maxBytes} bytes (maxUncompressedBytes)`,
        );
      }
      controller.enqueue(step.value);
    },
    async cancel(reason) {
      await reader.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });
}

async function readBody(body: ReadableStream<Uint8Array>, size: number, path: string): Promise<Uint8Array> {
  const out = new Uint8Array(size);
  let at = 0;
  for await (const chunk of body) {
    if (at + chunk.byteLength > size) {
      throw new EngineError("bundle_corrupt", `${path} is longer than its header`);
    }
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  if (at !== size) throw new EngineError("bundle_corrupt", `${path} is truncated`);
  return out;
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
  const gz = new Blob([tar]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(gz).arrayBuffer());
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
