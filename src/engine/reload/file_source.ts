/**
 * A bundle on the local disk: a `.tar.gz` file or a directory of `.rego`/data files. Sizes are
 * taken from the file system and checked against the limits before anything is read.
 */
import { readBundleDirectory, readFileAtMost } from "../bundle/directory.ts";
import { type BundleLimits, checkArchiveSize, resolveLimits } from "../bundle/limits.ts";
import { EngineError } from "../types.ts";
import { type BundleSource, contentVersion, type SourceSnapshot } from "./source.ts";

export class FileBundleSource implements BundleSource {
  readonly watchPaths: string[];

  constructor(readonly location: string, private readonly limits?: Partial<BundleLimits>) {
    this.watchPaths = [location];
  }

  async fetch(since?: string): Promise<SourceSnapshot | null> {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(this.location);
    } catch (e) {
      throw new EngineError("bundle_not_found", `no bundle at ${this.location}`, { cause: e });
    }
    if (info.isDirectory) {
      const files = await readBundleDirectory(this.location, this.limits);
      const version = await contentVersion(files);
      return version === since ? null : { kind: "files", files, version };
    }
    checkArchiveSize(info.size, resolveLimits(this.limits), this.location); // before reading it
    const bytes = await readFileAtMost(this.location, info.size, this.location);
    const version = await contentVersion([["archive", bytes]]);
    return version === since ? null : { kind: "archive", bytes, version };
  }
}
