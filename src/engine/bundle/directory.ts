/**
 * A directory as a bundle: the files OPA would put in one (`.manifest`, `.signatures.json`,
 * `*.rego`, `data.json`/`data.yaml`, `policy.wasm`), by path relative to the directory. Other
 * files (READMEs, editor droppings) are ignored; hidden folders are skipped; symlinks are rejected.
 */
import { join, relative } from "node:path";
import { EngineError } from "../types.ts";
import type { FileMap } from "./archive.ts";
import { DEFAULT_WASM_MODULE, MANIFEST_FILE, SIGNATURES_FILE } from "./bundle.ts";
import { isDataFile } from "./data.ts";
import { Budget, type BundleLimits, bundlePath, resolveLimits } from "./limits.ts";

export function isBundleFile(path: string): boolean {
  const name = path.split("/").pop()!;
  return path.endsWith(".rego") || isDataFile(path) || path === MANIFEST_FILE || path === SIGNATURES_FILE ||
    name === DEFAULT_WASM_MODULE;
}

export async function readBundleDirectory(
  dir: string,
  partialLimits?: Partial<BundleLimits>,
): Promise<FileMap> {
  const budget = new Budget(resolveLimits(partialLimits));
  const files: FileMap = new Map();
  const walk = async (current: string): Promise<void> => {
    const entries = [];
    for await (const entry of Deno.readDir(current)) entries.push(entry);
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = join(current, entry.name);
      const path = bundlePath(relative(dir, full).replaceAll("\\", "/"));
      if (entry.isSymlink) throw new EngineError("bundle_corrupt", `${path} is a symlink`);
      if (entry.isDirectory) {
        if (!entry.name.startsWith(".")) await walk(full);
        continue;
      }
      if (!entry.isFile || !isBundleFile(path)) continue;
      const { size } = await Deno.stat(full);
      budget.add(path, size, isDataFile(path)); // before reading it
      files.set(path, await readFileAtMost(full, size, path));
    }
  };
  try {
    await walk(dir);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new EngineError("bundle_not_found", `no bundle directory at ${dir}`, { cause: e });
    }
    throw e;
  }
  return files;
}

/**
 * The file's bytes, which its size (from a stat) said are `size`: one that has grown since is
 * refused rather than read on (the next reload reads it again).
 */
export async function readFileAtMost(file: string, size: number, name: string): Promise<Uint8Array> {
  using handle = await Deno.open(file, { read: true });
  const out = new Uint8Array(size + 1);
  let at = 0;
  while (at < out.length) {
    const n = await handle.read(out.subarray(at));
    if (n === null) break;
    at += n;
  }
  if (at > size) throw new EngineError("bundle_corrupt", `${name} changed while it was being read`);
  return out.subarray(0, at);
}
