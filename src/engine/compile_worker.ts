/**
 * The compiler in a worker (see compile_off_thread.ts): one CompileRequest in, the module and its
 * input dependencies out (the module's buffer transferred, not copied), or the compile error.
 *
 * The handler is installed, and readiness announced, before anything else runs: the compiler's
 * modules load with top-level awaits (binaryen), during which a message to a worker without a
 * handler would be lost. So they are imported when the request arrives.
 */
/// <reference lib="deno.worker" />
import type { CompiledPolicy, CompileRequest } from "./compile_bundle.ts";
import type { EngineError } from "./types.ts";

export type CompileReply =
  | { ok: true; wasm: Uint8Array; inputDependencies: CompiledPolicy["inputDependencies"] }
  | { ok: false; code: EngineError["code"]; message: string };

self.onmessage = async (e: MessageEvent<CompileRequest>) => {
  let reply: CompileReply;
  try {
    const { compilePolicy } = await import("./compile_bundle.ts");
    const { wasm, inputDependencies } = compilePolicy(e.data);
    reply = { ok: true, wasm, inputDependencies };
  } catch (err) {
    const { EngineError } = await import("./types.ts");
    reply = err instanceof EngineError ? { ok: false, code: err.code, message: err.message } : {
      ok: false,
      code: "policy_compile_failed",
      message: `compiler failed: ${(err as Error)?.message ?? err}`,
    };
  }
  self.postMessage(reply, reply.ok ? [reply.wasm.buffer as ArrayBuffer] : []);
};

self.postMessage({ ready: true });
