/**
 * What to compile for a bundle that carries Rego sources: its sources with their Rego versions,
 * the manifest's entrypoints (else the caller's), strictness, and the caller's optional
 * entrypoints (compiled when the policy defines them: system/log/mask).
 */
import type { CompileRequest } from "../compile_bundle.ts";
import type { PreparedBundle } from "./bundle.ts";
import { regoVersionOf } from "./manifest.ts";

export function declaredEntrypoints(bundle: Pick<PreparedBundle, "manifest">): string[] {
  return bundle.manifest.wasm.map((w) => w.entrypoint);
}

export function compileRequestFor(
  bundle: PreparedBundle,
  fallbackEntrypoints: string[],
  strict: boolean,
  optionalEntrypoints: string[] = [],
): CompileRequest {
  const declared = declaredEntrypoints(bundle);
  return {
    sources: bundle.sources.map((s) => ({ ...s, regoVersion: regoVersionOf(bundle.manifest, s.path) })),
    entrypoints: declared.length > 0 ? declared : fallbackEntrypoints,
    ...(optionalEntrypoints.length > 0 ? { optionalEntrypoints } : {}),
    regoVersion: bundle.manifest.rego_version,
    strict,
  };
}
