/**
 * Input dependencies in a bundle (see the compiler's analyze/input_deps.ts): which input paths each
 * entrypoint may read and which non-deterministic built-ins it may call. Hosts cache results with
 * them, so they must describe the very module the bundle carries: our build records them in the
 * manifest's metadata together with the SHA-256 of policy.wasm, and they are read only when that
 * hash matches. Anyone can write both, so the loader (load.ts) believes them only from a bundle
 * whose signature it verified, and otherwise recomputes them from the bundle's sources. A bundle
 * built elsewhere (`opa build -t wasm`) carries none: its results are never cached.
 */
import { createHash } from "node:crypto";
import type { InputDependencies } from "../../rego/mod.ts";
import type { Manifest } from "./bundle.ts";

export type { InputDependencies };

export const INPUT_DEPS_METADATA_KEY = "input_dependencies";

/** The metadata value: the module it describes, and each entrypoint's dependencies. */
export interface InputDepsMetadata {
  module_sha256: string;
  entrypoints: Record<string, InputDependencies>;
}

export function moduleSha256(wasm: Uint8Array): string {
  return createHash("sha256").update(wasm).digest("hex");
}

export function inputDepsMetadata(
  wasm: Uint8Array,
  entrypoints: Record<string, InputDependencies>,
): InputDepsMetadata {
  return { module_sha256: moduleSha256(wasm), entrypoints };
}

/**
 * The dependencies recorded for this module, or null: none recorded, recorded for another module
 * (the hash differs), or not in the expected shape. Null only means "do not cache".
 */
export function recordedInputDeps(
  manifest: Manifest,
  wasm: Uint8Array,
): Record<string, InputDependencies> | null {
  const raw = manifest.metadata[INPUT_DEPS_METADATA_KEY] as Partial<InputDepsMetadata> | undefined;
  if (typeof raw !== "object" || raw === null || typeof raw.module_sha256 !== "string") return null;
  if (typeof raw.entrypoints !== "object" || raw.entrypoints === null) return null;
  if (raw.module_sha256 !== moduleSha256(wasm)) return null;
  const out: Record<string, InputDependencies> = {};
  for (const [name, deps] of Object.entries(raw.entrypoints)) {
    if (!isInputDependencies(deps)) return null;
    out[name] = { paths: deps.paths.map((p) => [...p]), volatile: [...deps.volatile] };
  }
  return out;
}

function isInputDependencies(v: unknown): v is InputDependencies {
  if (typeof v !== "object" || v === null) return false;
  const d = v as Partial<InputDependencies>;
  return Array.isArray(d.paths) &&
    d.paths.every((p) => Array.isArray(p) && p.every((k) => typeof k === "string")) &&
    Array.isArray(d.volatile) && d.volatile.every((b) => typeof b === "string");
}
