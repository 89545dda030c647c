/**
 * Test support: a stand-in for a compiled module, so that loading, swapping and reloading can be
 * tested with real bundles (tar, gzip, manifest, signatures) but without a compiler. The bundle's
 * policy.wasm holds JSON `{"value": …, "trap"?: true, "entrypoints"?: [...]}` instead of Wasm.
 */
import { emptyManifest } from "../bundle/manifest.ts";
import { assembleFiles, writeBundle } from "../bundle/write.ts";
import type { KeyConfig } from "../bundle/signature.ts";
import type { PolicyLoader, WasmPolicy } from "../policy.ts";

export interface FakeModule {
  value: unknown;
  trap?: boolean;
  entrypoints?: string[];
}

export const fakeLoader: PolicyLoader = (wasm) => {
  const spec = JSON.parse(new TextDecoder().decode(wasm)) as FakeModule;
  return Promise.resolve({ instantiate: () => fakePolicy(spec) });
};

function fakePolicy(spec: FakeModule): WasmPolicy {
  const names = spec.entrypoints ?? ["gateway/decision"];
  let data: unknown = {};
  const policy: WasmPolicy = {
    entrypoints: Object.fromEntries(names.map((n, i) => [n, i])),
    evaluate(input) {
      if (spec.trap) throw new WebAssembly.RuntimeError("unreachable");
      if (spec.value === "undefined") return [];
      if (spec.value === "abort") {
        throw "policy.rego:3:5: eval_conflict_error: complete rules must not produce multiple outputs";
      }
      if (spec.value === "echo") return [{ result: { input, data } }];
      return [{ result: spec.value }];
    },
    setData(d) {
      data = d instanceof ArrayBuffer ? JSON.parse(new TextDecoder().decode(d)) : d;
    },
  };
  return policy;
}

export async function fakeBundle(
  spec: FakeModule,
  options: { revision?: string; signing?: KeyConfig; entrypoints?: string[] } = {},
): Promise<Uint8Array> {
  const manifest = {
    ...emptyManifest(),
    revision: options.revision ?? "r1",
    wasm: (options.entrypoints ?? ["gateway/decision"]).map((entrypoint) => ({
      entrypoint,
      module: "/policy.wasm",
    })),
  };
  const files = assembleFiles({
    manifest,
    data: { limits: { free: 10 } },
    wasm: new TextEncoder().encode(JSON.stringify(spec)),
  });
  return await writeBundle(files, { signing: options.signing });
}
