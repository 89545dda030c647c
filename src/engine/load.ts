/**
 * Loading a candidate bundle completely: read (limits, signature, data: in a worker with
 * `readOffThread`) → compile if it carries only sources (in a worker with `compileOffThread`) →
 * meter a module built elsewhere → instantiate with the SDK, memory capped → check the built-ins
 * it needs → give it its data → check entrypoints → smoke evaluation, under the deadline. Only a
 * candidate that passed every step is returned; every failure is an EngineError.
 *
 * Input dependencies (what the decision cache keys on) are believed only when they cannot have
 * been forged: from the compiler for sources compiled here; from the manifest of a bundle whose
 * signature was verified (it covers the manifest and the module); else recomputed by compiling
 * the bundle's sources, and used only if that gives the very module the bundle carries
 * (bundle/input_deps.ts trustedInputDeps; in the bundle worker when there is one). Failing that
 * they are null, and every request is evaluated.
 */
import { type BundleInput, isStrict, normalizeEntrypoint, type PreparedBundle } from "./bundle/bundle.ts";
import { compileRequestFor, declaredEntrypoints } from "./bundle/compile_request.ts";
import { type InputDependencies, trustedInputDeps } from "./bundle/input_deps.ts";
import type { BundleWorker } from "./bundle/prepare_off_thread.ts";
import { prepareBundle, type ReadOptions } from "./bundle/read.ts";
import { HOST_BUILTINS } from "./builtins/index.ts";
import { adaptBuiltins, type HostBuiltins } from "./builtin_adapter.ts";
import { createHttpSend, type HttpSendOptions } from "./builtins/http_send.ts";
import { createLookupIpAddr, type LookupIpAddrOptions } from "./builtins/net_lookup.ts";
import type { CompiledPolicy, CompileRequest } from "./compile_bundle.ts";
import { type InstanceData, PolicyInstance } from "./instance/instance.ts";
import { DEFAULT_MAX_MEMORY_MB } from "./instance/limits.ts";
import { sdkLoader } from "./instance/sdk_module.ts";
import { DATA_IMAGE_MIN_BYTES, type DataImage } from "./module_data.ts";
import {
  type LoaderOptions,
  type PolicyLoader,
  type PolicyModule,
  thrownMessage,
  type WasmPolicy,
} from "./policy.ts";
import { type BundleInfo, EngineError } from "./types.ts";

type InputDeps = Record<string, InputDependencies>;

export type { BundleInput };

export interface LoadOptions extends ReadOptions {
  /** Host built-ins offered to the module. Default: the engine's (HOST_BUILTINS). */
  builtins?: HostBuiltins;
  /** Enables http.send (compiled in, and offered to the module) with these limits. Default off. */
  httpSend?: HttpSendOptions;
  /** Enables net.lookup_ip_addr (compiled in, and offered to the module) with these limits. Default off. */
  lookupIpAddr?: LookupIpAddrOptions;
  /** Entrypoints the caller evaluates: compiled when the bundle carries only sources and its
   * manifest lists none; in every case, the module must have them. */
  entrypoints?: string[];
  /**
   * Entrypoints used when the policy defines them (system/log/mask, for decision-log masking):
   * compiled from sources when they name a rule, taken from a built module when it has them, and
   * no error when absent.
   */
  optionalEntrypoints?: string[];
  /** Strictness when compiling sources whose manifest does not record it. Default false. */
  strict?: boolean;
  /** Read the bundle in a worker (bundle/prepare_off_thread.ts). Default false. */
  readOffThread?: boolean;
  /** How long the worker may take to read it (and make its data image). Default 60 s. */
  readTimeoutMs?: number;
  /** The worker to read in (kept across loads: see bundle/prepare_off_thread.ts); default: one per load. */
  bundleWorker?: BundleWorker;
  /** Compile sources in a worker, leaving this thread free (compile_off_thread.ts). Default false. */
  compileOffThread?: boolean;
  loader?: PolicyLoader;
  /** Deadline of one evaluation, in ms (policy.timeoutMs). Default 200. */
  timeoutMs?: number;
  /** Memory cap of the module's instance, in MiB (policy.maxMemoryMB). Default 128. */
  maxMemoryMB?: number;
  /** Evaluate every entrypoint with `{}` to make sure the module does not trap. Default true. */
  smokeTest?: boolean;
  /** Where the bundle came from, for BundleInfo. */
  source?: string;
  now?: () => Date;
}

export interface LoadedBundle {
  info: BundleInfo;
  /** The module's instance, replaced when an evaluation spoils it (instance/instance.ts). */
  instance: PolicyInstance;
}

export async function loadBundle(input: BundleInput, options: LoadOptions = {}): Promise<LoadedBundle> {
  const { bundle, image, inputDependencies } = await readBundleInput(input, options);
  const strict = isStrict(bundle.manifest) || options.strict === true;
  const allowBuiltins = [
    ...(options.httpSend ? ["http.send"] : []),
    ...(options.lookupIpAddr ? ["net.lookup_ip_addr"] : []),
  ];
  const compile = (request: CompileRequest) =>
    compileSources(options.compileOffThread === true, { ...request, allowBuiltins });
  const compiled = bundle.wasm !== undefined
    ? {
      wasm: bundle.wasm,
      inputDependencies: inputDependencies !== undefined
        ? inputDependencies
        : await trustedInputDeps(bundle, compile),
    }
    : await compile(
      compileRequestFor(bundle, options.entrypoints ?? [], strict, options.optionalEntrypoints),
    );
  const host = {
    ...(options.builtins ?? HOST_BUILTINS),
    ...(options.httpSend ? { "http.send": createHttpSend(options.httpSend) } : {}),
    ...(options.lookupIpAddr ? { "net.lookup_ip_addr": createLookupIpAddr(options.lookupIpAddr) } : {}),
  };
  const builtins = adaptBuiltins(host, strict);
  const maxMemoryMB = options.maxMemoryMB ?? DEFAULT_MAX_MEMORY_MB;
  const module = await loadModule(compiled.wasm, builtins, options.loader, {
    maxMemoryBytes: maxMemoryMB * 1024 * 1024,
    offThread: options.compileOffThread === true,
  });
  // An image fits instances of the module it was made from: not one metered here since.
  const data: InstanceData = {
    json: bundle.dataJson,
    image: module.meteredAtLoad ? null : image ?? await sourcesDataImage(bundle, compiled.wasm, options),
  };
  const instance = await PolicyInstance.create(module, data, {
    builtins,
    timeoutMs: options.timeoutMs,
    maxMemoryMB,
  });
  const entrypoints = checkEntrypoints(
    bundle,
    instance.policy!,
    options.entrypoints,
    options.optionalEntrypoints,
  );
  if (options.smokeTest !== false) smokeTest(instance, entrypoints);
  return {
    info: {
      revision: bundle.revision,
      entrypoints,
      loadedAt: (options.now ?? (() => new Date()))(),
      source: options.source ?? "embedded",
      inputDependencies: compiled.inputDependencies,
    },
    instance,
  };
}

async function readBundleInput(
  input: BundleInput,
  options: LoadOptions,
): Promise<{ bundle: PreparedBundle; image: DataImage | null; inputDependencies?: InputDeps | null }> {
  const read = { limits: options.limits, verification: options.verification };
  if (options.readOffThread !== true) return { bundle: await prepareBundle(input, read), image: null };
  const { prepareOffThread } = await import("./bundle/prepare_off_thread.ts");
  return await prepareOffThread(input, read, {
    timeoutMs: options.readTimeoutMs,
    worker: options.bundleWorker,
  });
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
  return await dataImageOffThread(wasm, bundle.dataJson, {
    timeoutMs: options.readTimeoutMs,
    worker: options.bundleWorker,
  });
}

/**
 * The compiler (and binaryen, ~40 MB of heap) is loaded only when sources are compiled on this
 * thread: a gateway that compiles in workers never carries it there (its bundle worker does,
 * once it has checked an unsigned bundle's dependencies).
 */
async function compileSources(offThread: boolean, request: CompileRequest): Promise<CompiledPolicy> {
  if (offThread) {
    const { compileOffThread } = await import("./compile_off_thread.ts");
    return await compileOffThread(request);
  }
  const { compilePolicy } = await import("./compile_bundle.ts");
  return compilePolicy(request);
}

/** Compiles (and meters) a module for the loader; failures are policy_load_failed. */
async function loadModule(
  wasm: Uint8Array,
  builtins: HostBuiltins,
  loader: PolicyLoader = sdkLoader,
  options: LoaderOptions = {},
): Promise<PolicyModule> {
  try {
    return await loader(wasm, builtins, options);
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw new EngineError("policy_load_failed", `the policy module does not load: ${thrownMessage(e)}`, {
      cause: e,
    });
  }
}

/**
 * Instantiates a module with the SDK, checks the built-ins it needs and gives it its data;
 * failures are policy_load_failed, a missing built-in bundle_builtin_missing. One instance, nobody
 * to replace it: for the CLIs (policy tests, conformance).
 */
export async function instantiatePolicy(
  wasm: Uint8Array,
  data: InstanceData,
  builtins: HostBuiltins,
  loader: PolicyLoader = sdkLoader,
): Promise<WasmPolicy> {
  const module = await loadModule(wasm, builtins, loader);
  const instance = await PolicyInstance.create(module, data, { builtins });
  return instance.policy!;
}

/**
 * The entrypoints in force: the manifest's and the caller's, each of which the module must have
 * (with neither, the module's own), and the optional ones the module has.
 */
function checkEntrypoints(
  bundle: PreparedBundle,
  policy: WasmPolicy,
  requested: string[] | undefined,
  optional: string[] = [],
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
  if (wanted.length === 0) return available;
  const present = optional.map(normalizeEntrypoint).filter((e) => Object.hasOwn(policy.entrypoints, e));
  return [...new Set([...wanted, ...present])];
}

/**
 * A trap (unreachable, out-of-bounds memory) on an empty input means a broken module, and so does
 * running past the deadline or out of memory on it: every request would. An abort or a built-in
 * error is an answer about this input, not a defect of the module, and passes.
 */
function smokeTest(instance: PolicyInstance, entrypoints: string[]): void {
  for (const entrypoint of entrypoints) {
    const result = instance.evaluate("", entrypoint, {});
    if (result.ok) continue;
    const { code, cause, message } = result.error;
    if (code === "policy_timeout" || code === "policy_memory_exceeded") {
      throw new EngineError("policy_load_failed", `on an empty input, ${message}`, { cause: result.error });
    }
    if (cause instanceof WebAssembly.RuntimeError || cause instanceof RangeError) {
      throw new EngineError("policy_load_failed", `${entrypoint} traps on an empty input: ${cause.message}`, {
        cause,
      });
    }
  }
}
