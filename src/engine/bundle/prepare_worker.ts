/**
 * The bundle worker (see prepare_off_thread.ts): requests by id, answered by id. Two kinds:
 * - prepare: prepareBundle (read.ts): the PreparedBundle back (its module and data transferred,
 *   not copied); when it carries a module, the input dependencies that can be believed
 *   (input_deps.ts: recompiling its sources here when it is unsigned, so that no compile worker
 *   is started for it) and, when its data is large, the module's data image (module_data.ts), so
 *   that the serving thread only copies memory;
 * - image: the data image of a module compiled since (a bundle of sources).
 * Failures come back as the EngineError's code and message.
 *
 * As in compile_worker.ts, the handler is installed and readiness announced before the modules
 * that do the work are imported, so that the request cannot arrive before there is a handler.
 */
/// <reference lib="deno.worker" />
import type { BundleInput, PreparedBundle } from "./bundle.ts";
import type { ReadOptions } from "./read.ts";
import type { InputDependencies } from "./input_deps.ts";
import type { CompileRequest } from "../compile_bundle.ts";
import type { DataImage } from "../module_data.ts";
import type { EngineError } from "../types.ts";

export type WorkerRequest =
  | { kind: "prepare"; input: BundleInput; options: ReadOptions }
  | { kind: "image"; wasm: Uint8Array; dataJson: Uint8Array };

export type WorkerReply =
  | {
    ok: true;
    bundle?: PreparedBundle;
    image: DataImage | null;
    /** For a bundle carrying a module: its dependencies as input_deps.ts trustedInputDeps gives them. */
    inputDependencies?: Record<string, InputDependencies> | null;
  }
  | { ok: false; code: EngineError["code"]; message: string };

async function imageOf(wasm: Uint8Array, dataJson: Uint8Array): Promise<DataImage | null> {
  const { DATA_IMAGE_MIN_BYTES, makeDataImage } = await import("../module_data.ts");
  if (dataJson.byteLength < DATA_IMAGE_MIN_BYTES) return null;
  const { EngineError } = await import("../types.ts");
  const { thrownMessage } = await import("../policy.ts");
  try {
    return await makeDataImage(wasm, dataJson);
  } catch (e) {
    // The serving thread would fail the same way: the same error, without parsing it again there.
    const loaded = e instanceof Error && /failed to parse json value/.test(e.message);
    throw new EngineError(
      "policy_load_failed",
      loaded
        ? `the policy module rejects the data: ${thrownMessage(e)}`
        : `the policy module does not load: ${thrownMessage(e)}`,
    );
  }
}

self.onmessage = async (e: MessageEvent<{ id: number; request: WorkerRequest }>) => {
  const { id, request } = e.data;
  let reply: WorkerReply;
  try {
    if (request.kind === "prepare") {
      const { prepareBundle } = await import("./read.ts");
      const bundle = await prepareBundle(request.input, request.options);
      if (bundle.wasm === undefined) reply = { ok: true, bundle, image: null };
      else {
        const { trustedInputDeps } = await import("./input_deps.ts");
        const compile = async (r: CompileRequest) => (await import("../compile_bundle.ts")).compilePolicy(r);
        const inputDependencies = await trustedInputDeps(bundle, compile);
        reply = { ok: true, bundle, image: await imageOf(bundle.wasm, bundle.dataJson), inputDependencies };
      }
    } else {
      reply = { ok: true, image: await imageOf(request.wasm, request.dataJson) };
    }
  } catch (err) {
    const { EngineError } = await import("../types.ts");
    reply = err instanceof EngineError ? { ok: false, code: err.code, message: err.message } : {
      ok: false,
      code: "bundle_corrupt",
      message: `reading the bundle failed: ${(err as Error)?.message ?? err}`,
    };
  }
  const transfer: ArrayBuffer[] = [];
  if (reply.ok) {
    if (reply.bundle) transfer.push(reply.bundle.dataJson.buffer as ArrayBuffer);
    if (reply.bundle?.wasm) transfer.push(reply.bundle.wasm.buffer as ArrayBuffer);
    if (reply.image) transfer.push(reply.image.memory);
  }
  self.postMessage({ id, reply }, [...new Set(transfer)]);
};

self.postMessage({ ready: true });
