/**
 * `deno task build [PATH…]` — like `opa build -t wasm`: compile Rego into an OPA bundle
 * (`/.manifest`, `/data.json`, `/policy.wasm`, the `.rego` sources, optionally `/.signatures.json`).
 *
 *   -e, --entrypoint PKG/RULE   repeatable; default: the input's .manifest, else gateway/decision
 *                               (system/log/mask is added when the policy defines it)
 *   -o, --output FILE           default build/bundle.tar.gz
 *   --revision REV              manifest revision
 *   --v0-compatible             modules are Rego v0 unless they import rego.v1
 *   --strict                    built-in errors abort evaluation (recorded in the manifest)
 *   -O, --optimize              run binaryen's optimiser
 *   --signing-key KEY           PEM file (RS256/ES256/EdDSA) or HMAC secret (HS256)
 *   --signing-alg ALG           default RS256, as in OPA
 *
 * With no PATH it builds `policies/`. `*_test.rego` files go into the bundle but not into the
 * module (policy:test compiles them); data files are merged into one `/data.json`, as OPA does.
 */
import { basename, dirname } from "node:path";
import { compile, type Diagnostic, renderDiagnostic, type SourceFile } from "../rego/mod.ts";
import type { FileMap } from "../engine/bundle/archive.ts";
import {
  type Manifest,
  MANIFEST_FILE,
  normalizeEntrypoint,
  OPTIMIZED_METADATA_KEY,
  STRICT_METADATA_KEY,
} from "../engine/bundle/bundle.ts";
import { isDataFile, mergeDataFiles } from "../engine/bundle/data.ts";
import { isBundleFile, readBundleDirectory } from "../engine/bundle/directory.ts";
import { parseManifest } from "../engine/bundle/manifest.ts";
import { INPUT_DEPS_METADATA_KEY, inputDepsMetadata } from "../engine/bundle/input_deps.ts";
import { regoSources } from "../engine/bundle/read.ts";
import { type KeyConfig, SIGNING_ALGORITHMS, type SigningAlgorithm } from "../engine/bundle/signature.ts";
import { assembleFiles, writeBundle } from "../engine/bundle/write.ts";
import { MASK_ENTRYPOINT } from "../engine/types.ts";
import { isTestFile } from "../engine/compile_bundle.ts";
import { cliMain, parseCliArgs, UsageError } from "./cli_args.ts";

export const DEFAULT_SOURCE = "policies";
export const DEFAULT_OUTPUT = "build/bundle.tar.gz";
export const DEFAULT_ENTRYPOINT = "gateway/decision";

export interface BuildConfig {
  paths: string[];
  /** Empty: take them from the input's .manifest, else DEFAULT_ENTRYPOINT. */
  entrypoints: string[];
  output: string;
  revision?: string;
  regoVersion: 0 | 1;
  strict: boolean;
  optimize: boolean;
  signingKey?: string;
  signingAlg: SigningAlgorithm;
}

export function parseBuildArgs(args: string[]): BuildConfig {
  const { values, positionals } = parseCliArgs(args, {
    entrypoint: { type: "string", short: "e", multiple: true },
    output: { type: "string", short: "o" },
    revision: { type: "string" },
    "v0-compatible": { type: "boolean" },
    strict: { type: "boolean" },
    optimize: { type: "boolean", short: "O" },
    "signing-key": { type: "string" },
    "signing-alg": { type: "string" },
  });
  const alg = values["signing-alg"] ?? "RS256";
  if (!(SIGNING_ALGORITHMS as readonly string[]).includes(alg)) {
    throw new UsageError(`--signing-alg must be one of ${SIGNING_ALGORITHMS.join(", ")}`);
  }
  if (values["signing-alg"] !== undefined && values["signing-key"] === undefined) {
    throw new UsageError("--signing-alg needs --signing-key");
  }
  return {
    paths: positionals.length > 0 ? positionals : [DEFAULT_SOURCE],
    entrypoints: (values.entrypoint ?? []).map(normalizeEntrypoint),
    output: values.output ?? DEFAULT_OUTPUT,
    revision: values.revision,
    regoVersion: values["v0-compatible"] ? 0 : 1,
    strict: values.strict ?? false,
    optimize: values.optimize ?? false,
    signingKey: values["signing-key"],
    signingAlg: alg as SigningAlgorithm,
  };
}

export interface BuildResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  /** Diagnostics rendered with their source line and a caret. */
  messages: string[];
  manifest?: Manifest;
}

/** Gathers the inputs: a directory contributes its bundle files, a file itself (by its base name). */
export async function gatherInputs(paths: string[]): Promise<FileMap> {
  const all: FileMap = new Map();
  for (const path of paths) {
    const info = await Deno.stat(path);
    const files: FileMap = info.isDirectory
      ? await readBundleDirectory(path, { maxDataBytes: Number.MAX_SAFE_INTEGER }) // the gateway's to bound
      : new Map([[basename(path), await Deno.readFile(path)]]);
    for (const [name, bytes] of files) {
      if (!isBundleFile(name)) continue;
      if (all.has(name) && name !== MANIFEST_FILE) throw new Error(`${name} is given twice (in ${path})`);
      all.set(name, bytes);
    }
  }
  return all;
}

export async function runBuild(config: BuildConfig): Promise<BuildResult> {
  const inputs = await gatherInputs(config.paths);
  const base = parseManifest(inputs.get(MANIFEST_FILE));
  const entrypoints = config.entrypoints.length > 0
    ? config.entrypoints
    : base.wasm.length > 0
    ? base.wasm.map((w) => w.entrypoint)
    : [DEFAULT_ENTRYPOINT];
  const sources = regoSources(inputs);
  const compiled = compile(sources.filter((s) => !isTestFile(s.path)), {
    entrypoints,
    // The decision-log mask rule, when the policy has one, so the gateway can mask with it.
    optionalEntrypoints: [MASK_ENTRYPOINT],
    regoVersion: config.regoVersion,
    strict: config.strict,
    optimize: config.optimize,
  });
  if (compiled.wasm === undefined) {
    return { ok: false, diagnostics: compiled.diagnostics, messages: render(compiled.diagnostics, sources) };
  }
  const manifest: Manifest = {
    revision: config.revision ?? base.revision,
    roots: base.roots,
    wasm: Object.keys(compiled.entrypoints).map((entrypoint) => ({ entrypoint, module: "/policy.wasm" })),
    rego_version: config.regoVersion,
    metadata: {
      ...base.metadata,
      [STRICT_METADATA_KEY]: config.strict,
      [OPTIMIZED_METADATA_KEY]: config.optimize,
      [INPUT_DEPS_METADATA_KEY]: inputDepsMetadata(compiled.wasm, compiled.inputDependencies),
    },
  };
  const files = assembleFiles({ manifest, data: mergeDataFiles(inputs), wasm: compiled.wasm, sources });
  for (const name of inputs.keys()) if (isDataFile(name) && name !== "data.json") files.delete(name);
  const signing = config.signingKey === undefined ? undefined : await signingKey(config);
  await Deno.mkdir(dirname(config.output), { recursive: true });
  await Deno.writeFile(config.output, await writeBundle(files, { signing }));
  return {
    ok: true,
    diagnostics: compiled.diagnostics,
    messages: render(compiled.diagnostics, sources),
    manifest,
  };
}

function render(diagnostics: Diagnostic[], sources: SourceFile[]): string[] {
  const byPath = new Map(sources.map((s) => [s.path, s.text]));
  return diagnostics.map((d) => renderDiagnostic(d, byPath.get(d.location.file)));
}

/** OPA's convention: the key is a PEM file path, or for HS256 possibly the secret itself. */
async function signingKey(config: BuildConfig): Promise<KeyConfig> {
  const value = config.signingKey!;
  try {
    return { alg: config.signingAlg, key: await Deno.readTextFile(value) };
  } catch (e) {
    if (config.signingAlg === "HS256" && e instanceof Deno.errors.NotFound) {
      return { alg: "HS256", key: value };
    }
    throw new Error(`cannot read the signing key file: ${(e as Error).message}`);
  }
}

export const USAGE = `usage: deno task build [options] [PATH…]   (default PATH: policies)

Compiles Rego into an OPA bundle, as \`opa build -t wasm\` does.

  -e, --entrypoint PKG/RULE   repeatable; default: the input's .manifest, else gateway/decision
  -o, --output FILE           default build/bundle.tar.gz
  --revision REV              manifest revision
  --v0-compatible             modules are Rego v0 unless they import rego.v1
  --strict                    built-in errors abort evaluation (recorded in the manifest)
  -O, --optimize              run binaryen's optimiser
  --signing-key KEY           PEM file (RS256/ES256/EdDSA) or HMAC secret (HS256)
  --signing-alg ALG           default RS256, as in OPA
  -h, --help                  this text`;

export function main(args: string[]): Promise<number> {
  return cliMain("build", USAGE, args, run);
}

async function run(args: string[]): Promise<number> {
  const config = parseBuildArgs(args);
  try {
    const result = await runBuild(config);
    for (const message of result.messages) console.error(message);
    if (!result.ok) {
      console.error(`build: ${result.diagnostics.length} error(s)`);
      return 1;
    }
    console.log(
      `build: wrote ${config.output} (entrypoints: ${
        result.manifest!.wasm.map((w) => w.entrypoint).join(", ")
      })`,
    );
    return 0;
  } catch (e) {
    console.error(`build: ${(e as Error).message}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
