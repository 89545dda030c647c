/**
 * Base documents: every `data.json` / `data.yaml` / `data.yml` in the bundle, merged into one
 * `data` object at its directory's path (`a/b/data.json` → `data.a.b`). Two files that set the
 * same leaf differently make the bundle corrupt, as in OPA.
 */
import YAML from "yaml";
import { EngineError } from "../types.ts";
import type { FileMap } from "./archive.ts";
import { isObject } from "./manifest.ts";

const DATA_FILE = /(^|\/)data\.(json|ya?ml)$/;

export function isDataFile(path: string): boolean {
  return DATA_FILE.test(path);
}

export function mergeDataFiles(files: FileMap): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const path of [...files.keys()].filter(isDataFile).sort()) {
    const value = parseDataFile(path, files.get(path)!);
    const dir = path.split("/").slice(0, -1);
    if (dir.length === 0 && !isObject(value)) {
      throw new EngineError("bundle_corrupt", `${path}: the root data document must be an object`);
    }
    const wrapped = dir.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
    mergeInto(root, wrapped as Record<string, unknown>, path, []);
  }
  return root;
}

function parseDataFile(path: string, bytes: Uint8Array): unknown {
  const text = new TextDecoder().decode(bytes);
  try {
    return path.endsWith(".json") ? JSON.parse(text) : YAML.parse(text);
  } catch (e) {
    throw new EngineError("bundle_corrupt", `${path}: ${(e as Error).message}`, { cause: e });
  }
}

function mergeInto(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  file: string,
  path: string[],
): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (existing === undefined) target[key] = value;
    else if (isObject(existing) && isObject(value)) mergeInto(existing, value, file, [...path, key]);
    else throw conflict(file, [...path, key]);
  }
}

function conflict(file: string, path: string[]): EngineError {
  return new EngineError("bundle_corrupt", `${file}: data.${path.join(".")} is set by two data files`);
}
