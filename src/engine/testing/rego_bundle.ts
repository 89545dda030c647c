/**
 * Test support: one Rego source compiled by the project's compiler and loaded as the engine loads a
 * bundle (with the host built-ins), for entrypoint gateway/decision.
 */
import { HOST_BUILTINS } from "../builtins/index.ts";
import { loadBundle, type LoadedBundle } from "../load.ts";

export async function regoBundle(rego: string): Promise<LoadedBundle> {
  const files = new Map([["policy.rego", new TextEncoder().encode(rego)]]);
  return await loadBundle({ kind: "files", files }, {
    entrypoints: ["gateway/decision"],
    builtins: HOST_BUILTINS,
  });
}
