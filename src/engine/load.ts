/**
 * Loading a candidate bundle completely: read (limits, signature, data: in a worker with
 * `readOffThread`) → compile if it carries only sources (in a worker with `compileOffThread`) →
 * instantiate with the SDK → check the built-ins it needs → give it its data → check entrypoints
 * → smoke evaluation. Only a candidate that passed every step is returned; every failure is an
 * EngineError.
 *
 * Input dependencies (what the decision cache keys on) are believed only when they cannot have
 * been forged: from the compiler for sources compiled here; from the manifest of a bundle whose
 * signature was verified (it covers the manifest and the module); else recomputed by compiling
 * the bundle's sources, and used only if that gives the very module the bundle carries. Failing
 * that they are null, and every request is evaluated.
 */
import { regoVersionOf } from "./bundle/manifest.ts";
import {
  type BundleInput,
  isStrict,
  normalizeEntrypoint,
  OPTIMIZED_METADATA_KEY,
  type PreparedBundle,
  STRICT_METADATA_KEY,
} from "./bundle/bundle.ts";
import { prepareBundle, type ReadOptions } from "./bundle/read.ts";
import { HOST_BUILTINS } from "./builtins/index.ts";
import { adaptBuiltins, type HostBuiltins } from "./builtin_adapter.ts";
import type { CompiledPolicy, CompileRequest } from "./compile_bundle.ts";
import { type InputDependencies, moduleSha256, recordedInputDeps } from "./bundle/input_deps.ts";
import { checkBuiltins } from "./module_builtins.ts";
import { applyDataImage, DATA_IMAGE_MIN_BYTES, type DataImage, setDataJson } from "./module_data.ts";
import { type PolicyLoader, sdkLoader, thrownMessage, type WasmPolicy } from "./policy.ts";
import { type BundleInfo, EngineError } from "./types.ts";

export type { BundleInput };

export interface LoadOptions extends ReadOptions {
  /** Host built-ins offered to the module. Default: the engine's (HOST_BUILTINS). */
  builtins?: HostBuiltins;
  /** Entrypoints the caller evaluates: compiled when the bundle carries only sources and its
   * manifest lists none; in every case, the module must have them. */
  entrypoints?: string[];
  /** Strictness when compiling sources whose manifest does not record it. Default false. */
  strict?: boolean;
  /** Read the bundle in a worker (bundle/prepare_off_thread.ts). Default false. */
  readOffThread?: boolean;
  /** How long the worker may take to read it (and make its data image). Default 60 s. */
  readTimeoutMs?: number;
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
  const { bundle, image } = await readBundleInput(input, options);
  const strict = isStrict(bundle.manifest) || options.strict === true;
  const compiled = bundle.wasm !== undefined
    ? { wasm: bundle.wasm, inputDependencies: await moduleInputDeps(bundle, bundle.wasm, options) }
    : await compileSources(options.compileOffThread === true, compileRequest(bundle, options, strict));
  const builtins = adaptBuiltins(options.builtins ?? HOST_BUILTINS, strict);
  const data = {
    json: bundle.dataJson,
    image: image ?? await sourcesDataImage(bundle, compiled.wasm, options),
  };
  const policy = await instantiatePolicy(compiled.wasm, data, builtins, options.loader);
  const entrypoints = checkEntrypoints(bundle, policy, options.entrypoints);
  if (options.smokeTest !== false) smokeTest(policy, entrypoints);
  return {
    info: {
      revision: bundle.revision,
      entrypoints,
      loadedAt: (options.now ?? (() => new Date()))(),
      source: options.source ?? "embedded",
      inputDependencies: compiled.inputDependencies,
    },
    policy,
  };
}

async function readBundleInput(
  input: BundleInput,
  options: LoadOptions,
): Promise<{ bundle: PreparedBundle; image: DataImage | null }> {
  const read = { limits: options.limits, verification: options.verification };
  if (options.readOffThread !== true) return { bundle: await prepareBundle(input, read), image: null };
  const { prepareOffThread } = await import("./bundle/prepare_off_thread.ts");
  return await prepareOffThread(input, read, { timeoutMs: options.readTimeoutMs });
}

/** The data image for a module compiled since the bundle was read (module_data.ts), if worth it. */
async function sourcesDataImage(
  bundle: PreparedBundle,
  wasm: Uint8Array,
  options: LoadOptions,
): Promise<DataImage | null> {
  if (bundle.wasm !== undefined || options.readOffThread !== true) return null;
  if (bundle.dataJson.byteLength < DATA_IMAGE_MIN_BYTES || options.loader !== undefined) return null;
  const { dataImageOffThread } = await import("./bundle/prepare_off_thread.ts");
  return await dataImageOffThread(wasm, bundle.dataJson, { timeoutMs: options.readTimeoutMs });
}

function compileRequest(bundle: PreparedBundle, options: LoadOptions, strict: boolean): CompileRequest {
  const declared = declaredEntrypoints(bundle);
  return {
    sources: bundle.sources.map((s) => ({ ...s, regoVersion: regoVersionOf(bundle.manifest, s.path) })),
    entrypoints: declared.length > 0 ? declared : options.entrypoints ?? [],
    regoVersion: bundle.manifest.rego_version,
    strict,
  };
}

/**
 * The input dependencies of a module the bundle carries (see the module comment), or null. The
 * recompilation takes the options the build recorded (entrypoints, Rego version, strictness,
 * optimisation) and
 * compares modules by hash: a difference (a module built by `opa build`, sources that are not
 * the module's, another compiler version) leaves them null. A compile failure is no load failure:
 * the module, not its sources, is what runs.
 */
async function moduleInputDeps(
  bundle: PreparedBundle,
  wasm: Uint8Array,
  options: LoadOptions,
): Promise<Record<string, InputDependencies> | null> {
  if (bundle.signed) return recordedInputDeps(bundle.manifest, wasm);
  const recorded = recordedInputDeps(bundle.manifest, wasm);
  if (recorded === null || bundle.sources.length === 0 || declaredEntrypoints(bundle).length === 0) {
    return null;
  }
  const { metadata } = bundle.manifest;
  const request = {
    ...compileRequest(bundle, options, metadata[STRICT_METADATA_KEY] === true),
    optimize: metadata[OPTIMIZED_METADATA_KEY] === true,
  };
  let recompiled: CompiledPolicy;
  try {
    recompiled = await compileSources(options.compileOffThread === true, request);
  } catch {
    return null;
  }
  return moduleSha256(recompiled.wasm) === moduleSha256(wasm) ? recompiled.inputDependencies : null;
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

function declaredEntrypoints(bundle: PreparedBundle): string[] {
  return bundle.manifest.wasm.map((w) => w.entrypoint);
}

/**
 * The data for a module: an object, or JSON bytes as bundle/data.ts serializeData makes them with,
 * when it was made, the module's image given them (module_data.ts).
 */
export type ModuleData = Record<string, unknown> | { json: Uint8Array; image: DataImage | null };

/**
 * Instantiates a module with the SDK, checks the built-ins it needs and gives it its data;
 * failures are policy_load_failed, a missing built-in bundle_builtin_missing.
 */
export async function instantiatePolicy(
  wasm: Uint8Array,
  data: ModuleData,
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
  checkBuiltins(policy, builtins);
  try {
    if (!isJsonData(data)) policy.setData(data);
    else if (data.image === null || !(await applyDataImage(policy, data.image))) {
      setDataJson(policy, data.json);
    }
  } catch (e) {
    throw new EngineError("policy_load_failed", `the policy module rejects the data: ${thrownMessage(e)}`, {
      cause: e,
    });
  }
  return policy;
}

function isJsonData(data: ModuleData): data is { json: Uint8Array; image: DataImage | null } {
  return (data as { json?: unknown }).json instanceof Uint8Array;
}

/**
 * The entrypoints in force: the manifest's and the caller's, each of which the module must have;
 * with neither, the module's own.
 */
function checkEntrypoints(
  bundle: PreparedBundle,
  policy: WasmPolicy,
  requested: string[] | undefined,
): string[] {
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
