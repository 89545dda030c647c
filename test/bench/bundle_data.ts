/**
 * Bundle data on the serving thread: how long the event loop stalls while a bundle with a large
 * data.json is loaded, for 10, 50 and 100 MB of JSON in two shapes (`users`: an object of 110-byte
 * records, typical; `ints`: an array of single digits, the worst case per byte for the runtime's
 * JSON reader), measured three ways:
 *
 * - `sdk`: JSON.parse then the SDK's setData, on the serving thread (what a load did before);
 * - `bytes`: the JSON bytes parsed by the module, on the serving thread (module_data.ts
 *   setDataJson: what a load does for data under DATA_IMAGE_MIN_BYTES);
 * - `load`: the whole loadBundle with readOffThread and a bundle worker already running, as the
 *   gateway has (read, parse and data image in the worker, the image copied in slices): the
 *   longest stall of a 5 ms timer while it runs.
 *
 * `deno task bench bundle` (BENCH_BUNDLE_MB="10,50" to choose sizes). Each shape and size is
 * generated once; its figures are in milliseconds.
 */
import { compile, formatDiagnostic } from "../../src/rego/mod.ts";
import { emptyManifest } from "../../src/engine/bundle/manifest.ts";
import { assembleFiles, writeBundle } from "../../src/engine/bundle/write.ts";
import { adaptBuiltins } from "../../src/engine/builtin_adapter.ts";
import { HOST_BUILTINS } from "../../src/engine/builtins/index.ts";
import { instantiatePolicy, loadBundle } from "../../src/engine/load.ts";
import { setDataJson } from "../../src/engine/module_data.ts";
import { BundleWorker } from "../../src/engine/bundle/prepare_off_thread.ts";

const POLICY = 'package gateway\n\ndecision := {"allow": count(data.d) > 0}\n';

const SHAPES: Record<string, (bytes: number) => string> = {
  users: (bytes) => {
    const records: string[] = [];
    for (let i = 0, size = 0; size < bytes; i++, size += 110) {
      records.push(
        `"u${i}":{"active":${i % 2 === 0},"name":"user-${i}","org":"org-${i % 100}","quota":${
          i % 1000
        },"roles":["reader","writer"]}`,
      );
    }
    return `{"d":{${records.join(",")}}}`;
  },
  ints: (bytes) => `{"d":[${new Array(Math.floor(bytes / 2)).fill(0).join(",")}]}`,
};

/** Runs `fn` with a 5 ms timer going; the longest gap between two of its ticks, in ms. */
async function longestStall(fn: () => Promise<unknown>): Promise<number> {
  const ticks: number[] = [];
  const timer = setInterval(() => ticks.push(performance.now()), 5);
  await new Promise((r) => setTimeout(r, 20));
  try {
    await fn();
  } finally {
    await new Promise((r) => setTimeout(r, 20));
    clearInterval(timer);
  }
  let longest = 0;
  for (let i = 1; i < ticks.length; i++) longest = Math.max(longest, ticks[i] - ticks[i - 1]);
  return longest;
}

export async function run(): Promise<Record<string, number>> {
  const compiled = compile([{ path: "p.rego", text: POLICY }], { entrypoints: ["gateway/decision"] });
  if (compiled.wasm === undefined) throw new Error(compiled.diagnostics.map(formatDiagnostic).join("\n"));
  const wasm = compiled.wasm;
  const builtins = adaptBuiltins(HOST_BUILTINS, false);
  const sizes = (Deno.env.get("BENCH_BUNDLE_MB") ?? "10,50,100").split(",").map(Number);
  // The gateway keeps one bundle worker (BundleManager); so does this, started before measuring.
  const worker = new BundleWorker();
  await worker.request({ kind: "image", wasm, dataJson: new Uint8Array() });
  const results: Record<string, number> = {};
  for (const [shape, make] of Object.entries(SHAPES)) {
    for (const mb of sizes) {
      const json = make(mb * 1e6);
      const bytes = new TextEncoder().encode(json);
      const sdk = await longestStall(async () => {
        const policy = await instantiatePolicy(wasm, {}, builtins);
        policy.setData(JSON.parse(json));
      });
      const direct = await longestStall(async () =>
        setDataJson(await instantiatePolicy(wasm, {}, builtins), bytes)
      );
      const files = assembleFiles({
        manifest: {
          ...emptyManifest(),
          revision: "bench",
          wasm: [{ entrypoint: "gateway/decision", module: "/policy.wasm" }],
        },
        wasm,
      });
      files.set("data.json", bytes);
      const archive = await writeBundle(files);
      let loadMs = 0;
      const load = await longestStall(async () => {
        const started = performance.now();
        await loadBundle({ kind: "archive", bytes: archive }, {
          readOffThread: true,
          bundleWorker: worker,
          readTimeoutMs: 600_000,
          limits: { maxDataBytes: 2 * bytes.byteLength, maxUncompressedBytes: 4 * bytes.byteLength },
        });
        loadMs = performance.now() - started;
      });
      const label = `${shape}_${mb}mb`;
      results[`${label}_sdk_stall_ms`] = Math.round(sdk);
      results[`${label}_bytes_stall_ms`] = Math.round(direct);
      results[`${label}_load_stall_ms`] = Math.round(load);
      results[`${label}_load_ms`] = Math.round(loadMs);
      console.log(
        `bundle data ${shape} ${(bytes.byteLength / 1e6).toFixed(0)} MB: serving-thread stall sdk ${
          Math.round(sdk)
        } ms, bytes ${Math.round(direct)} ms, load (worker + image) ${Math.round(load)} ms; load took ${
          Math.round(loadMs)
        } ms`,
      );
    }
  }
  worker.close();
  return results;
}

if (import.meta.main) await run();
