/**
 * Loading a candidate bundle completely: read (limits, signature) → compile if it carries only
 * sources → instantiate with the SDK → setData → check entrypoints → smoke evaluation. Only a
 * candidate that passed every step is returned; every failure is an EngineError.
 */
import { regoVersionOf } from "./bundle/manifest.ts";
import { createHash } from "node:crypto";
import type { FileMap } from "./bundle/archive.ts";
import { type Bundle, isStrict, normalizeEntrypoint } from "./bundle/bundle.ts";
import { bundleFromFiles, readBundle, type ReadOptions } from "./bundle/read.ts";
import { adaptBuiltins, type HostBuiltins } from "./builtin_adapter.ts";
import { createHttpSend, type HttpSendOptions } from "./builtins/http_send.ts";
import { createLookupIpAddr, type LookupIpAddrOptions } from "./builtins/net_lookup.ts";
import type { CompiledPolicy, CompileRequest } from "./compile_bundle.ts";
import { recordedInputDeps } from "./bundle/input_deps.ts";
import { type PolicyLoader, sdkLoader, thrownMessage, type WasmPolicy } from "./policy.ts";
import { type BundleInfo, EngineError } from "./types.ts";

export type BundleInput = { kind: "archive"; bytes: Uint8Array } | { kind: "files"; files: FileMap };

export interface LoadOptions extends ReadOptions {
  /** Host built-ins offered to the module (the engine's entry point passes HOST_BUILTINS). */
  builtins?: HostBuiltins;
  /** Enables http.send (compiled in, and offered to the module) with these limits. Default off. */
  httpSend?: HttpSendOptions;
  /** Enables net.lookup_ip_addr (compiled in, and offered to the module) with these limits. Default off. */
  lookupIpAddr?: LookupIpAddrOptions;
  /** Entrypoints to compile when the bundle carries only sources and its manifest lists none. */
  entrypoints?: string[];
  /** Strictness when compiling sources whose manifest does not record it. Default false. */
  strict?: boolean;
  /** Compile sources in a worker, leaving this thread free (compile_off_thread.ts). Default false. */
  compileOffThread?: boolean;
  loader?: PolicyLoader;
  /** Evaluate every entrypoint with `{}` to make sure the module does not trap. Default true. */
  smokeTest?: boolean;
  /** Where the bundle came from, for BundleInfo. */
  source?: string;
  now?: () => Date;
}

export interface LoadedBundle {
  info: BundleInfo;
  policy: WasmPolicy;
}

export async function loadBundle(input: BundleInput, options: LoadOptions = {}): Promise<LoadedBundle> {
  const bundle = input.kind === "archive"
    ? await readBundle(input.bytes, options)
    : await bundleFromFiles(input.files, options);
  const strict = isStrict(bundle.manifest) || options.strict === true;
  // A module the bundle carries comes with the dependencies our build recorded for it, if any.
  const compiled = bundle.wasm !== undefined
    ? { wasm: bundle.wasm, inputDependencies: recordedInputDeps(bundle.manifest, bundle.wasm) }
    : await compileSources(options.compileOffThread === true, {
      sources: bundle.sources.map((s) => ({ ...s, regoVersion: regoVersionOf(bundle.manifest, s.path) })),
      entrypoints: declaredEntrypoints(bundle).length > 0
        ? declaredEntrypoints(bundle)
        : options.entrypoints ?? [],
      regoVersion: bundle.manifest.rego_version,
      strict,
      allowBuiltins: [
        ...(options.httpSend ? ["http.send"] : []),
        ...(options.lookupIpAddr ? ["net.lookup_ip_addr"] : []),
      ],
    });
  const wasm = compiled.wasm;
  const builtins = {
    ...options.builtins,
    ...(options.httpSend ? { "http.send": createHttpSend(options.httpSend) } : {}),
    ...(options.lookupIpAddr ? { "net.lookup_ip_addr": createLookupIpAddr(options.lookupIpAddr) } : {}),
  };
  const policy = await instantiatePolicy(wasm, bundle.data, adaptBuiltins(builtins, strict), options.loader);
  const entrypoints = checkEntrypoints(
    bundle,
    policy,
    bundle.wasm === undefined ? options.entrypoints : undefined,
  );
  if (options.smokeTest !== false) smokeTest(policy, entrypoints);
  return {
    info: {
      revision: bundle.manifest.revision || contentRevision(bundle),
      entrypoints,
      loadedAt: (options.now ?? (() => new Date()))(),
      source: options.source ?? "embedded",
      inputDependencies: compiled.inputDependencies,
    },
    policy,
  };
}

/**
 * The compiler (and binaryen, ~40 MB of heap) is loaded only when sources are compiled on this
 * thread: a gateway that compiles in a worker, or loads built bundles, never carries it.
 */
async function compileSources(offThread: boolean, request: CompileRequest): Promise<CompiledPolicy> {
  if (offThread) {
    const { compileOffThread } = await import("./compile_off_thread.ts");
    return await compileOffThread(request);
  }
  const { compilePolicy } = await import("./compile_bundle.ts");
  return compilePolicy(request);
}

/**
 * A bundle without a manifest revision (a directory of sources, a bare bundle) is named by its
 * content, so that logs, JWTs and /readyz still tell which policy decided.
 */
function contentRevision(bundle: Bundle): string {
  const h = createHash("sha256");
  for (const src of [...bundle.sources].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    h.update(src.path).update("\0").update(src.text).update("\0");
  }
  h.update(JSON.stringify(bundle.data));
  if (bundle.wasm) h.update(bundle.wasm);
  return `sha256:${h.digest("hex").slice(0, 16)}`;
}

function declaredEntrypoints(bundle: Bundle): string[] {
  return bundle.manifest.wasm.map((w) => w.entrypoint);
}

/** Instantiates a module with the SDK and gives it its data; failures are policy_load_failed. */
export async function instantiatePolicy(
  wasm: Uint8Array,
  data: Record<string, unknown>,
  builtins: HostBuiltins,
  loader: PolicyLoader = sdkLoader,
): Promise<WasmPolicy> {
  let policy: WasmPolicy;
  try {
    policy = await loader(wasm, builtins);
  } catch (e) {
    throw new EngineError("policy_load_failed", `the policy module does not load: ${thrownMessage(e)}`, {
      cause: e,
    });
  }
  try {
    policy.setData(data);
  } catch (e) {
    throw new EngineError("policy_load_failed", `the policy module rejects the data: ${thrownMessage(e)}`, {
      cause: e,
    });
  }
  return policy;
}

/** The entrypoints in force: the manifest's (each must exist) or, failing that, the module's own. */
function checkEntrypoints(bundle: Bundle, policy: WasmPolicy, requested: string[] | undefined): string[] {
  const available = Object.keys(policy.entrypoints);
  const wanted = [...declaredEntrypoints(bundle), ...(requested ?? []).map(normalizeEntrypoint)];
  const missing = wanted.filter((e) => !Object.hasOwn(policy.entrypoints, e));
  if (missing.length > 0) {
    throw new EngineError(
      "bundle_entrypoint_missing",
      `the module lacks entrypoint(s) ${missing.join(", ")} (it has: ${available.join(", ") || "none"})`,
    );
  }
  return wanted.length > 0 ? [...new Set(wanted)] : available;
}

/**
 * A trap (unreachable, out-of-bounds memory) on an empty input means a broken module. An abort
 * or a built-in error is an answer about this input, not a defect of the module, and passes.
 */
function smokeTest(policy: WasmPolicy, entrypoints: string[]): void {
  for (const entrypoint of entrypoints) {
    try {
      policy.evaluate({}, entrypoint);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) {
        throw new EngineError("policy_load_failed", `${entrypoint} traps on an empty input: ${e.message}`, {
          cause: e,
        });
      }
    }
  }
}
