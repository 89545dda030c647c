/**
 * What `policy:eval -d` and `policy:test` load, as `opa eval -d` / `opa test` do: a directory gives
 * its `.rego` files and its data files (data.json / data.yaml, placed by their directory), a bundle
 * archive (`.tar.gz`) its files, a `.rego` file itself, a `.json` / `.yaml` file its document at the
 * root of `data`. Sources keep the path they were found at (a directory's files as DIR/NAME), which
 * is what diagnostics and coverage reports name, as OPA's do.
 */
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { unpackBundleArchive } from "../engine/bundle/archive.ts";
import type { FileMap } from "../engine/bundle/archive.ts";
import { isDataFile, mergeDataFiles } from "../engine/bundle/data.ts";
import { readBundleDirectory } from "../engine/bundle/directory.ts";
import type { SourceFile } from "../rego/mod.ts";

export interface PolicyFiles {
  sources: SourceFile[];
  data: Record<string, unknown>;
}

const UNBOUNDED = { maxDataBytes: Number.MAX_SAFE_INTEGER };

export async function loadPolicyFiles(paths: readonly string[]): Promise<PolicyFiles> {
  const sources: SourceFile[] = [];
  let data: Record<string, unknown> = {};
  const decoder = new TextDecoder();
  const addTree = (files: FileMap, prefix: string) => {
    for (const name of [...files.keys()].sort()) {
      if (name.endsWith(".rego")) {
        sources.push({
          path: prefix === "" ? name : join(prefix, name),
          text: decoder.decode(files.get(name)!),
        });
      }
    }
    const dataFiles: FileMap = new Map([...files].filter(([name]) => isDataFile(name)));
    data = merged(data, mergeDataFiles(dataFiles), prefix);
  };
  for (const path of paths) {
    const info = await Deno.stat(path);
    if (info.isDirectory) {
      addTree(await readBundleDirectory(path, UNBOUNDED), path);
    } else if (path.endsWith(".tar.gz") || path.endsWith(".tgz")) {
      addTree(await unpackBundleArchive(await Deno.readFile(path), UNBOUNDED), "");
    } else if (path.endsWith(".rego")) {
      sources.push({ path, text: await Deno.readTextFile(path) });
    } else if (/\.(json|ya?ml)$/.test(path)) {
      const text = await Deno.readTextFile(path);
      const value = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new Error(`${path}: a data file at the root of data must hold an object`);
      }
      data = merged(data, value, path);
    } else {
      throw new Error(`${path}: not a directory, bundle, .rego, .json or .yaml file`);
    }
  }
  return { sources, data };
}

/** Objects merged key by key; anything else given twice is a conflict, as in OPA. */
function merged(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  where: string,
): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else if (isObject(prev) && isObject(v)) out[k] = merged(prev, v, where);
    else throw new Error(`${where}: data conflict at ${k}`);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
