/**
 * Compiling a bundle's Rego sources off the main thread, so that a hot reload does not stall the
 * requests in flight (compiling the default policy takes ~0.3 s, a large one seconds). Each compile
 * gets a fresh worker (compile_worker.ts), terminated afterwards: reloads are rare, and a worker
 * holds the compiler's memory only while it works. Metering a module built by `opa build`
 * (meterOffThread) runs the same way.
 *
 * The worker says it is ready before it is given the request. One that cannot start (a runtime
 * without Workers, or without permission to load the module) leaves the compile to the calling
 * thread: same result, with the pause; only then is the compiler loaded into this thread. One that
 * started and then failed (it crashed, e.g. out of memory on a hostile policy) or gave no answer
 * within `timeoutMs` is a compile failure: the policy is not retried here, where the same input
 * could take the gateway down with it.
 */
import type { CompiledPolicy, CompileRequest } from "./compile_bundle.ts";
import type { CompileReply, MeterRequest } from "./compile_worker.ts";
import { EngineError } from "./types.ts";

/** Whether the last compile had to fall back to the calling thread (for tests and diagnostics). */
export let lastCompileOnCallingThread = false;

const WORKER = new URL("./compile_worker.ts", import.meta.url);

export interface OffThreadOptions {
  /** How long a compile may take. Default 120 s. */
  timeoutMs?: number;
  /** The worker module (tests: one that fails to load, crashes or hangs). */
  workerModule?: URL;
}

type Outcome = { reply: CompileReply } | { unavailable: true } | { failed: string };

export async function compileOffThread(
  request: CompileRequest,
  opts: OffThreadOptions = {},
): Promise<CompiledPolicy> {
  const outcome = await inWorker(request, [], opts);
  if ("unavailable" in outcome) return await onCallingThread(request);
  lastCompileOnCallingThread = false;
  if ("failed" in outcome) {
    throw new EngineError("policy_compile_failed", `the compiler worker failed: ${outcome.failed}`);
  }
  const reply = outcome.reply;
  if (!reply.ok) throw new EngineError(reply.code, reply.message);
  return { wasm: reply.wasm, inputDependencies: reply.inputDependencies };
}

/** Meters a module built elsewhere (see instance/sdk_module.ts); failures are policy_load_failed. */
export async function meterOffThread(wasm: Uint8Array, opts: OffThreadOptions = {}): Promise<Uint8Array> {
  const request: MeterRequest = { meter: wasm.slice() };
  const outcome = await inWorker(request, [request.meter.buffer as ArrayBuffer], opts);
  if ("unavailable" in outcome) {
    const { meterWasm } = await import("../rego/mod.ts");
    return meterWasm(wasm);
  }
  if ("failed" in outcome) {
    throw new EngineError("policy_load_failed", `the compiler worker failed: ${outcome.failed}`);
  }
  if (!outcome.reply.ok) throw new EngineError("policy_load_failed", outcome.reply.message);
  return outcome.reply.wasm;
}

async function inWorker(
  message: CompileRequest | MeterRequest,
  transfer: Transferable[],
  opts: OffThreadOptions,
): Promise<Outcome> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  let worker: Worker;
  try {
    worker = new Worker(opts.workerModule ?? WORKER, { type: "module" });
  } catch {
    return { unavailable: true };
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await new Promise<Outcome>((resolve) => {
      let started = false;
      worker.onmessage = (e: MessageEvent<CompileReply | { ready: true }>) => {
        if ("ready" in e.data) {
          started = true;
          worker.postMessage(message, transfer);
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
  } finally {
    clearTimeout(timer);
    worker.terminate();
  }
}

async function onCallingThread(request: CompileRequest): Promise<CompiledPolicy> {
  lastCompileOnCallingThread = true;
  const { compilePolicy } = await import("./compile_bundle.ts");
  return compilePolicy(request);
}
