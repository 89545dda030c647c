/**
 * Reading a bundle in a worker (prepare_worker.ts), so that nothing a bundle carries keeps the
 * serving thread busy: inflating, unpacking, checking the signature, parsing its data files (a
 * 100 MB data.json takes 1-2 s to parse alone) and giving its module the data (see
 * module_data.ts) all happen there. What comes back is small (manifest, sources) or moved without
 * a copy (the module, the data, the data image).
 *
 * A BundleWorker keeps one worker for many requests: starting one costs the calling thread
 * itself 20-200 ms (measured with `new Worker`: the more loaded the machine, the longer), which
 * a gateway should pay once, not on every reload. The BundleManager owns one and closes it when it
 * stops; a caller without one gets a worker for the request alone.
 *
 * A worker that cannot start (no Workers in this runtime, or a request it cannot be sent: a
 * CryptoKey verification key) leaves the work to this thread (without data images). One that
 * started and then failed (crashed) or gave no answer within the timeout is a failed load (the
 * bundle is not read again here), and is replaced for the next request.
 */
import type { BundleInput, PreparedBundle } from "./bundle.ts";
import type { WorkerReply, WorkerRequest } from "./prepare_worker.ts";
import { prepareBundle, type ReadOptions } from "./read.ts";
import type { DataImage } from "../module_data.ts";
import type { InputDependencies } from "./input_deps.ts";

type InputDeps = Record<string, InputDependencies>;
import { EngineError } from "../types.ts";

const WORKER = new URL("./prepare_worker.ts", import.meta.url);
const DEFAULT_TIMEOUT_MS = 60_000;

export interface OffThreadOptions {
  /** How long a request may take. Default 60 s. */
  timeoutMs?: number;
  /** The worker to use; without one, a worker is started for this request and closed after. */
  worker?: BundleWorker;
}

type Done = Extract<WorkerReply, { ok: true }>;

interface Pending {
  resolve(reply: Done | null): void;
  reject(error: EngineError): void;
  timer?: ReturnType<typeof setTimeout>;
}

/** Whether the last request ran on the calling thread (tests and diagnostics). */
export let lastPrepareOnCallingThread = false;

/** One worker, started on first use, answering requests by id; replaced after a failure. */
export class BundleWorker {
  #worker: Worker | null = null;
  #ready: Promise<boolean> | null = null;
  #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor(private readonly workerModule: URL = WORKER) {}

  /** The worker's answer; null when no worker can take the request (do it on this thread). */
  async request(request: WorkerRequest, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Done | null> {
    if (!(await this.#start())) return null;
    const worker = this.#worker;
    if (worker === null) throw new EngineError("bundle_corrupt", "the bundle worker failed as it started");
    const id = this.#nextId++;
    return await new Promise<Done | null>((resolve, reject) => {
      const pending: Pending = { resolve, reject };
      this.#pending.set(id, pending);
      try {
        worker.postMessage({ id, request }); // copies the input: the caller keeps its bytes
      } catch {
        this.#pending.delete(id);
        return resolve(null);
      }
      pending.timer = setTimeout(() => this.#fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    });
  }

  /** Terminates the worker; requests in flight fail. The next request starts another. */
  close(): void {
    this.#fail("the bundle worker was closed");
  }

  #start(): Promise<boolean> {
    if (this.#ready !== null) return this.#ready;
    let worker: Worker;
    try {
      worker = new Worker(this.workerModule, { type: "module" });
    } catch {
      return Promise.resolve(false);
    }
    this.#worker = worker;
    this.#ready = new Promise<boolean>((ready) => {
      let started = false;
      worker.onmessage = (e: MessageEvent<{ ready: true } | { id: number; reply: WorkerReply }>) => {
        if ("ready" in e.data) {
          started = true;
          return ready(true);
        }
        const pending = this.#pending.get(e.data.id);
        if (pending === undefined) return;
        this.#pending.delete(e.data.id);
        clearTimeout(pending.timer);
        const reply = e.data.reply;
        if (reply.ok) pending.resolve(reply);
        else pending.reject(new EngineError(reply.code, reply.message));
      };
      worker.onerror = (e) => {
        e.preventDefault();
        if (!started) {
          this.#reset();
          ready(false);
        } else {
          this.#fail(e.message);
        }
      };
      worker.onmessageerror = () => this.#fail("its answer could not be read");
    });
    return this.#ready;
  }

  #fail(why: string): void {
    const pending = [...this.#pending.values()];
    this.#reset();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(new EngineError("bundle_corrupt", `the bundle worker failed: ${why}`));
    }
  }

  #reset(): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#ready = null;
    this.#pending.clear();
  }
}

export async function prepareOffThread(
  input: BundleInput,
  options: ReadOptions,
  opts: OffThreadOptions = {},
): Promise<{ bundle: PreparedBundle; image: DataImage | null; inputDependencies?: InputDeps | null }> {
  const reply = await inWorker({ kind: "prepare", input, options }, opts);
  if (reply === null) return { bundle: await prepareBundle(input, options), image: null };
  return { bundle: reply.bundle!, image: reply.image, inputDependencies: reply.inputDependencies };
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

async function inWorker(request: WorkerRequest, opts: OffThreadOptions): Promise<Done | null> {
  const worker = opts.worker ?? new BundleWorker();
  try {
    const reply = await worker.request(request, opts.timeoutMs);
    lastPrepareOnCallingThread = reply === null;
    return reply;
  } finally {
    if (opts.worker === undefined) worker.close();
  }
}
