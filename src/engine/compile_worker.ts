/**
 * The compiler in a worker (see compile_off_thread.ts). One request in, one reply out:
 *
 * - a CompileRequest: the module and its input dependencies (the module's buffer transferred, not
 *   copied), or the compile error;
 * - a MeterRequest: a module built elsewhere (`opa build`), metered (src/rego/emit/meter.ts), or
 *   why it cannot be.
 *
 * The handler is installed, and readiness announced, before anything else runs: the compiler's
 * modules load with top-level awaits (binaryen), during which a message to a worker without a
 * handler would be lost. So they are imported when the request arrives.
 */
/// <reference lib="deno.worker" />
import type { CompiledPolicy, CompileRequest } from "./compile_bundle.ts";
import type { EngineError } from "./types.ts";

/** A module to meter. */
export interface MeterRequest {
  meter: Uint8Array;
}

export type CompileReply =
  | { ok: true; wasm: Uint8Array; inputDependencies: CompiledPolicy["inputDependencies"] }
  | { ok: false; code: EngineError["code"]; message: string };

self.onmessage = async (e: MessageEvent<CompileRequest | MeterRequest>) => {
  let reply: CompileReply;
  try {
    if ("meter" in e.data) {
      const { meterWasm } = await import("../rego/mod.ts");
      reply = { ok: true, wasm: meterWasm(e.data.meter), inputDependencies: {} };
    } else {
      const { compilePolicy } = await import("./compile_bundle.ts");
      const { wasm, inputDependencies } = compilePolicy(e.data);
      reply = { ok: true, wasm, inputDependencies };
    }
  } catch (err) {
    const { EngineError } = await import("./types.ts");
    reply = err instanceof EngineError ? { ok: false, code: err.code, message: err.message } : {
      ok: false,
      code: "meter" in e.data ? "policy_load_failed" : "policy_compile_failed",
      message: "meter" in e.data
        ? `${(err as Error)?.message ?? err}`
        : `compiler failed: ${(err as Error)?.message ?? err}`,
    };
  }
  self.postMessage(reply, reply.ok ? [reply.wasm.buffer as ArrayBuffer] : []);
};

self.postMessage({ ready: true });
