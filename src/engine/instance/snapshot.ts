/**
 * An instance's state once its data is set, to start a replacement from without parsing the data
 * again (instance.ts).
 *
 * OPA's ABI already holds that this state is the memory below the data heap pointer plus the heap
 * pointer: between evaluations the SDK restores nothing else (ABI 1.1 evaluates after
 * `opa_heap_ptr_set(dataHeapPtr)`, ABI 1.2 hands `opa_eval` the heap pointer). The other globals
 * of a module are either reset by every call (our runtime's scratch state, the evaluation's input,
 * data and memoised values, the strict flag) or, in OPA's C runtime, kept in memory (its heap
 * bounds and free lists) or back at their start value between calls (the stack pointer). A fresh
 * instance of the same module, given that memory (as large as the original's, as OPA's runtime
 * keeps the heap's end in memory) and that heap pointer, evaluates as the original did.
 *
 * Only the SDK's LoadedPolicy is snapshot (the fields the engine already reads, policy.ts); any
 * other WasmPolicy is given its data again.
 */
import type { DataImage } from "../module_data.ts";
import type { WasmPolicy } from "../policy.ts";

export interface MemorySnapshot {
  /** Memory [0, dataHeapPtr). */
  bytes: Uint8Array;
  pages: number;
  dataAddr: number;
  baseHeapPtr: number;
  dataHeapPtr: number;
}

interface SdkState {
  mem: WebAssembly.Memory;
  wasmInstance: WebAssembly.Instance;
  dataAddr: number;
  baseHeapPtr: number;
  dataHeapPtr: number;
}

const WASM_PAGE = 64 * 1024;

function sdkState(policy: WasmPolicy): SdkState | null {
  const p = policy as unknown as Partial<SdkState>;
  return p.mem instanceof WebAssembly.Memory && p.wasmInstance instanceof WebAssembly.Instance &&
      typeof p.wasmInstance.exports.opa_heap_ptr_set === "function" && typeof p.dataAddr === "number" &&
      typeof p.baseHeapPtr === "number" && typeof p.dataHeapPtr === "number"
    ? p as SdkState
    : null;
}

/** The state of an instance whose data was just set, or null for a policy that is not the SDK's. */
export function takeSnapshot(policy: WasmPolicy): MemorySnapshot | null {
  const p = sdkState(policy);
  if (p === null) return null;
  return {
    bytes: new Uint8Array(p.mem.buffer, 0, p.dataHeapPtr).slice(),
    pages: p.mem.buffer.byteLength / WASM_PAGE,
    dataAddr: p.dataAddr,
    baseHeapPtr: p.baseHeapPtr,
    dataHeapPtr: p.dataHeapPtr,
  };
}

/** Gives a fresh instance of the same module the snapshot's state (in place of setData). */
export function restoreSnapshot(policy: WasmPolicy, snapshot: MemorySnapshot): void {
  const p = sdkState(policy);
  if (p === null) throw new Error("internal error: a snapshot for a policy that is not the SDK's");
  const missing = snapshot.pages - p.mem.buffer.byteLength / WASM_PAGE;
  if (missing > 0) p.mem.grow(missing);
  new Uint8Array(p.mem.buffer).set(snapshot.bytes);
  (p.wasmInstance.exports.opa_heap_ptr_set as (ptr: number) => void)(snapshot.dataHeapPtr);
  p.dataAddr = snapshot.dataAddr;
  p.baseHeapPtr = snapshot.baseHeapPtr;
  p.dataHeapPtr = snapshot.dataHeapPtr;
}

/** The snapshot an applied data image stands for (module_data.ts): the image's bytes, not a copy. */
export function snapshotOfImage(policy: WasmPolicy, image: DataImage): MemorySnapshot {
  const p = sdkState(policy);
  if (p === null) throw new Error("internal error: a data image for a policy that is not the SDK's");
  return {
    bytes: new Uint8Array(image.memory),
    pages: p.mem.buffer.byteLength / WASM_PAGE,
    dataAddr: image.dataAddr,
    baseHeapPtr: image.baseHeapPtr,
    dataHeapPtr: image.dataHeapPtr,
  };
}
