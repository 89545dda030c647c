/**
 * The bundle manifest (`/.manifest`): parsed leniently, as OPA does (every field may be missing),
 * but a field that is present must have the right shape.
 */
import { EngineError } from "../types.ts";
import { type Manifest, normalizeEntrypoint, type WasmResolver } from "./bundle.ts";

export function emptyManifest(): Manifest {
  return { revision: "", roots: [""], wasm: [], metadata: {} };
}

export function parseManifest(bytes: Uint8Array | undefined): Manifest {
  if (bytes === undefined) return emptyManifest();
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new EngineError("bundle_corrupt", `.manifest is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(raw)) throw corrupt("the manifest must be a JSON object");
  const manifest = emptyManifest();
  if (raw.revision !== undefined) {
    if (typeof raw.revision !== "string") throw corrupt("revision must be a string");
    manifest.revision = raw.revision;
  }
  if (raw.roots !== undefined) {
    if (!Array.isArray(raw.roots) || !raw.roots.every((r) => typeof r === "string")) {
      throw corrupt("roots must be an array of strings");
    }
    manifest.roots = raw.roots;
  }
  if (raw.wasm !== undefined) manifest.wasm = parseResolvers(raw.wasm);
  if (raw.rego_version !== undefined) {
    if (raw.rego_version !== 0 && raw.rego_version !== 1) throw corrupt("rego_version must be 0 or 1");
    manifest.rego_version = raw.rego_version;
  }
  if (raw.file_rego_versions !== undefined) {
    const map = raw.file_rego_versions;
    if (!isObject(map) || !Object.values(map).every((v) => v === 0 || v === 1)) {
      throw corrupt("file_rego_versions must map file paths or globs to 0 or 1");
    }
    manifest.file_rego_versions = map as Record<string, 0 | 1>;
  }
  if (raw.metadata !== undefined) {
    if (!isObject(raw.metadata)) throw corrupt("metadata must be an object");
    manifest.metadata = raw.metadata;
  }
  return manifest;
}

export function serializeManifest(manifest: Manifest): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(manifest, null, 2) + "\n");
}

function parseResolvers(value: unknown): WasmResolver[] {
  if (!Array.isArray(value)) throw corrupt("wasm must be an array");
  return value.map((item) => {
    if (!isObject(item) || typeof item.entrypoint !== "string" || typeof item.module !== "string") {
      throw corrupt("each wasm entry needs a string entrypoint and module");
    }
    return { entrypoint: normalizeEntrypoint(item.entrypoint), module: item.module };
  });
}

function corrupt(message: string): EngineError {
  return new EngineError("bundle_corrupt", `.manifest: ${message}`);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The Rego version of one bundle file: the manifest's `file_rego_versions` entry that matches its
 * path (a leading "/" optional; `*` matches within a path segment, `**` across segments), else
 * `rego_version`, else undefined (the compiler's default).
 */
export function regoVersionOf(manifest: Manifest, path: string): 0 | 1 | undefined {
  const file = path.replace(/^\/+/, "");
  for (const [pattern, version] of Object.entries(manifest.file_rego_versions ?? {})) {
    if (globToRegExp(pattern.replace(/^\/+/, "")).test(file)) return version;
  }
  return manifest.rego_version;
}

function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      re += ".*";
      i++;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
