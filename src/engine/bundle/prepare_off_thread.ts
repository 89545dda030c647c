/**
 * Reading a bundle in a worker (prepare_worker.ts), so that nothing a bundle carries keeps the
 * serving thread busy: inflating, unpacking, checking the signature, parsing its data files (a
 * 100 MB data.json takes 1-2 s to parse alone) and giving its module the data (see
 * module_data.ts) all happen there. What comes back is small (manifest, sources) or moved without
 * a copy (the module, the data, the data image). Each request gets a fresh worker, terminated
 * afterwards.
 *
 * A worker that cannot start (no Workers in this runtime, or a request it cannot be sent: a
 * CryptoKey verification key) leaves the work to this thread (without data images). One that
 * started and then failed (crashed) or gave no answer within `timeoutMs` is a failed load: the
 * bundle is not read again here.
 */
import type { BundleInput, PreparedBundle } from "./bundle.ts";
import type { WorkerReply, WorkerRequest } from "./prepare_worker.ts";
import { prepareBundle, type ReadOptions } from "./read.ts";
import type { DataImage } from "../module_data.ts";
import { EngineError } from "../types.ts";

const WORKER = new URL("./prepare_worker.ts", import.meta.url);

export interface OffThreadOptions {
  /** How long a request may take. Default 60 s. */
  timeoutMs?: number;
  /** The worker module (tests). */
  workerModule?: URL;
}

/** Whether the last request ran on the calling thread (tests and diagnostics). */
export let lastPrepareOnCallingThread = false;

export async function prepareOffThread(
  input: BundleInput,
  options: ReadOptions,
  opts: OffThreadOptions = {},
): Promise<{ bundle: PreparedBundle; image: DataImage | null }> {
  const reply = await inWorker({ kind: "prepare", input, options }, opts);
  if (reply === null) return { bundle: await prepareBundle(input, options), image: null };
  return { bundle: reply.bundle!, image: reply.image };
}

/** The data image of `wasm` given `dataJson` (null: none needed, or no worker to make it). */
export async function dataImageOffThread(
  wasm: Uint8Array,
  dataJson: Uint8Array,
  opts: OffThreadOptions = {},
): Promise<DataImage | null> {
  const reply = await inWorker({ kind: "image", wasm, dataJson }, opts);
  return reply?.image ?? null;
}

type Outcome = { reply: WorkerReply } | { unavailable: true } | { failed: string };

/** The worker's answer; null when no worker could take the request (do it here). */
async function inWorker(
  request: WorkerRequest,
  opts: OffThreadOptions,
): Promise<Extract<WorkerReply, { ok: true }> | null> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let worker: Worker;
  try {
    worker = new Worker(opts.workerModule ?? WORKER, { type: "module" });
  } catch {
    lastPrepareOnCallingThread = true;
    return null;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const outcome = await new Promise<Outcome>((resolve) => {
      let started = false;
      worker.onmessage = (e: MessageEvent<WorkerReply | { ready: true }>) => {
        if ("ready" in e.data) {
          try {
            worker.postMessage(request); // copies the input: the caller keeps its bytes
          } catch {
            return resolve({ unavailable: true });
          }
          started = true;
          timer = setTimeout(() => resolve({ failed: `no answer within ${timeoutMs} ms` }), timeoutMs);
        } else {
          resolve({ reply: e.data });
        }
      };
      worker.onerror = (e) => {
        e.preventDefault();
        resolve(started ? { failed: e.message } : { unavailable: true });
      };
      worker.onmessageerror = () => resolve({ failed: "its answer could not be read" });
    });
    lastPrepareOnCallingThread = "unavailable" in outcome;
    if ("unavailable" in outcome) return null;
    if ("failed" in outcome) {
      throw new EngineError("bundle_corrupt", `the bundle worker failed: ${outcome.failed}`);
    }
    if (!outcome.reply.ok) throw new EngineError(outcome.reply.code, outcome.reply.message);
    return outcome.reply;
  } finally {
    clearTimeout(timer);
    worker.terminate();
  }
}
