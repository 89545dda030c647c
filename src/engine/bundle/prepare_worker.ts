/**
 * The bundle worker (see prepare_off_thread.ts). Two requests:
 * - prepare: prepareBundle (read.ts): the PreparedBundle back (its module and data transferred,
 *   not copied); when it carries a module and its data is large, the module's data image too
 *   (module_data.ts), so that the serving thread only copies memory;
 * - image: the data image of a module compiled since (a bundle of sources).
 * Failures come back as the EngineError's code and message.
 *
 * As in compile_worker.ts, the handler is installed and readiness announced before the modules
 * that do the work are imported, so that the request cannot arrive before there is a handler.
 */
/// <reference lib="deno.worker" />
import type { BundleInput, PreparedBundle } from "./bundle.ts";
import type { ReadOptions } from "./read.ts";
import type { DataImage } from "../module_data.ts";
import type { EngineError } from "../types.ts";

export type WorkerRequest =
  | { kind: "prepare"; input: BundleInput; options: ReadOptions }
  | { kind: "image"; wasm: Uint8Array; dataJson: Uint8Array };

export type WorkerReply =
  | { ok: true; bundle?: PreparedBundle; image: DataImage | null }
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

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  let reply: WorkerReply;
  try {
    if (e.data.kind === "prepare") {
      const { prepareBundle } = await import("./read.ts");
      const bundle = await prepareBundle(e.data.input, e.data.options);
      reply = { ok: true, bundle, image: bundle.wasm ? await imageOf(bundle.wasm, bundle.dataJson) : null };
    } else {
      reply = { ok: true, image: await imageOf(e.data.wasm, e.data.dataJson) };
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
  self.postMessage(reply, [...new Set(transfer)]);
};

self.postMessage({ ready: true });
