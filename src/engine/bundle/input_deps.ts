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
import type { InputDependencies } from "../../rego/abi.ts";
import type { CompiledPolicy, CompileRequest } from "../compile_bundle.ts";
import { type Manifest, OPTIMIZED_METADATA_KEY, type PreparedBundle, STRICT_METADATA_KEY } from "./bundle.ts";
import { compileRequestFor, declaredEntrypoints } from "./compile_request.ts";

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

/** Compiles a request with the engine's compilePolicy, on whichever thread the caller chooses. */
export type Compile = (request: CompileRequest) => Promise<CompiledPolicy>;

/**
 * The input dependencies of the module a bundle carries, when they can be believed, else null:
 * from the manifest of a bundle whose signature was verified (it covers the manifest and the
 * module); otherwise recomputed by compiling the bundle's sources with the options the build
 * recorded (entrypoints, Rego version, strictness, optimisation) and used only if that gives the
 * very module the bundle carries. A difference (a module built by `opa build`, sources that are
 * not the module's, another compiler version) or a compile failure leaves them null: the module,
 * not its sources, is what runs.
 */
export async function trustedInputDeps(
  bundle: PreparedBundle,
  compile: Compile,
): Promise<Record<string, InputDependencies> | null> {
  const wasm = bundle.wasm;
  if (wasm === undefined) return null;
  const recorded = recordedInputDeps(bundle.manifest, wasm);
  if (bundle.signed || recorded === null) return recorded;
  if (bundle.sources.length === 0 || declaredEntrypoints(bundle).length === 0) return null;
  const { metadata } = bundle.manifest;
  const request = {
    ...compileRequestFor(bundle, [], metadata[STRICT_METADATA_KEY] === true),
    optimize: metadata[OPTIMIZED_METADATA_KEY] === true,
  };
  let recompiled: CompiledPolicy;
  try {
    recompiled = await compile(request);
  } catch {
    return null;
  }
  return moduleSha256(recompiled.wasm) === moduleSha256(wasm) ? recompiled.inputDependencies : null;
}
