/**
 * The policy engine's public interface, for the gateway and the CLIs.
 *
 *   const { engine, manager } = await startEngine({ bundle: "build/bundle.tar.gz" });
 *   engine.evaluate("gateway/decision", input);   // Evaluation, never throws
 *   manager.status();                              // for /readyz and metrics
 */
import { HOST_BUILTINS } from "./builtins/index.ts";
import type { BundleLimits } from "./bundle/limits.ts";
import type { KeyConfig } from "./bundle/signature.ts";
import { PolicyEngine } from "./engine.ts";
import { FileBundleSource } from "./reload/file_source.ts";
import { HttpBundleSource } from "./reload/http_source.ts";
import { BundleManager, type ManagerOptions } from "./reload/manager.ts";
import type { BundleSource } from "./reload/source.ts";

export * from "./types.ts";
export { PolicyEngine } from "./engine.ts";
export { type BundleInput, loadBundle, type LoadedBundle, type LoadOptions } from "./load.ts";
export { BundleManager, type LogEntry, type ReloadOutcome, type ReloadStatus } from "./reload/manager.ts";
export { FileBundleSource } from "./reload/file_source.ts";
export { HttpBundleSource, shownBundleUrl } from "./reload/http_source.ts";
export {
  awsSignerFromEnv,
  BUNDLE_HEADERS_ENV,
  BUNDLE_TOKEN_ENV,
  bundleHeadersFromEnv,
  CredentialsError,
  type RequestSigner,
} from "./reload/credentials.ts";
import type { RequestSigner } from "./reload/credentials.ts";
export type { BundleSource, SourceSnapshot } from "./reload/source.ts";
export { builtBundleIsStale } from "./reload/staleness.ts";
export { readBundle } from "./bundle/read.ts";
export { assembleFiles, writeBundle } from "./bundle/write.ts";
export type { Bundle, Manifest } from "./bundle/bundle.ts";
export type { KeyConfig, SigningAlgorithm } from "./bundle/signature.ts";
export { type BundleLimits, DEFAULT_LIMITS } from "./bundle/limits.ts";
export { HOST_BUILTINS };
export { type PrintHook, setPrintHook } from "./builtins/index.ts";

export interface StartOptions extends Omit<ManagerOptions, "builtins" | "source"> {
  /** A .tar.gz path, a directory of .rego/data files, or an http(s) URL. */
  bundle: string;
  verification?: KeyConfig;
  limits?: Partial<BundleLimits>;
  /** Request headers for an http(s) bundle (credentials: see reload/credentials.ts). Never logged. */
  headers?: Record<string, string>;
  /** Signs each request for an http(s) bundle (AWS SigV4: reload/credentials.ts). */
  sign?: RequestSigner;
  /** OPA's long polling of an http(s) bundle: the wait asked of the server, seconds. 0: off. */
  longPollSeconds?: number;
}

export function bundleSource(
  location: string,
  options: Pick<StartOptions, "limits" | "headers" | "sign" | "longPollSeconds"> = {},
): BundleSource {
  return /^https?:\/\//i.test(location)
    ? new HttpBundleSource(location, {
      limits: options.limits,
      headers: options.headers,
      sign: options.sign,
      longPollSeconds: options.longPollSeconds,
    })
    : new FileBundleSource(location, options.limits);
}

/** Loads the first bundle (failure is recorded, not thrown: see manager.status()) and starts watching. */
export async function startEngine(
  options: StartOptions,
): Promise<{ engine: PolicyEngine; manager: BundleManager }> {
  const engine = new PolicyEngine();
  const manager = new BundleManager(engine, bundleSource(options.bundle, options), {
    // Nothing a reload does with the bundle may stall the requests in flight: reading it (data
    // files included) and compiling its sources happen in workers.
    readOffThread: true,
    compileOffThread: true,
    ...options,
    builtins: HOST_BUILTINS,
  });
  await manager.start();
  return { engine, manager };
}
