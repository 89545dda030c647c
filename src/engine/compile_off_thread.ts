/**
 * Compiling a bundle's Rego sources off the main thread, so that a hot reload does not stall the
 * requests in flight (compiling the default policy takes ~0.3 s, a large one seconds). Each compile
 * gets a fresh worker (compile_worker.ts), terminated afterwards: reloads are rare, and a worker
 * holds the compiler's memory only while it works.
 *
 * Where a worker cannot be started (a runtime without Workers, or without permission to load the
 * module), the compile runs on the calling thread instead: same result, with the pause. Only then
 * is the compiler loaded into the calling thread.
 */
import type { CompiledPolicy, CompileRequest } from "./compile_bundle.ts";
import type { CompileReply } from "./compile_worker.ts";
import { EngineError } from "./types.ts";

/** Whether the last compile had to fall back to the calling thread (for tests and diagnostics). */
export let lastCompileOnCallingThread = false;

const WORKER = new URL("./compile_worker.ts", import.meta.url);

/** `workerModule` is for tests (a module that fails to load). */
export async function compileOffThread(
  request: CompileRequest,
  workerModule: URL = WORKER,
): Promise<CompiledPolicy> {
  let worker: Worker;
  try {
    worker = new Worker(workerModule, { type: "module" });
  } catch {
    return await onCallingThread(request);
  }
  try {
    const reply = await new Promise<CompileReply | null>((resolve) => {
      worker.onmessage = (e: MessageEvent<CompileReply>) => resolve(e.data);
      // The worker itself failed (it could not load, or it crashed): not a verdict on the policy.
      worker.onerror = (e) => {
        e.preventDefault();
        resolve(null);
      };
      worker.onmessageerror = () => resolve(null);
      worker.postMessage(request);
    });
    if (reply === null) return await onCallingThread(request);
    lastCompileOnCallingThread = false;
    if (!reply.ok) throw new EngineError(reply.code, reply.message);
    return { wasm: reply.wasm, inputDependencies: reply.inputDependencies };
  } finally {
    worker.terminate();
  }
}

/** The compiler is loaded into this thread only for this (see load.ts). */
async function onCallingThread(request: CompileRequest): Promise<CompiledPolicy> {
  lastCompileOnCallingThread = true;
  const { compilePolicy } = await import("./compile_bundle.ts");
  return compilePolicy(request);
}
