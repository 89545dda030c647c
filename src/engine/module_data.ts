/**
 * Giving a module its data, the one step of a load that must end on the serving thread.
 *
 * `setDataJson`: the JSON bytes (bundle/data.ts serializeData) are copied into the module's
 * memory and parsed there (`opa_json_parse`), as the SDK's `setData` does after JSON.stringify of
 * an object tree, a step this skips. It follows the SDK (v1.10) `setData` exactly: heap reset to
 * the base, the parsed document's address and the heap top after it kept for evaluations.
 *
 * Parsing is the slow part (measured on the project's 2-core machines: ~20-80 ms per MB of JSON
 * with the machine idle, depending on the data's shape, and 3× that with the machine loaded), so
 * large data is parsed in a worker instead (`makeDataImage`): the worker instantiates the same
 * module, gives it the data, and hands back an image of its memory up to the heap top; the
 * serving thread copies that image into its own instance (`applyDataImage`: a memory copy, ~20
 * bytes per byte of JSON at worst, in slices between which requests are served). This relies on what OPA's ABI relies on between evaluations:
 * a module's state is its memory and its heap pointer (the SDK itself restores nothing else),
 * and two instances of one module start identical (checked: the heap base must agree).
 *
 * A policy that is not the SDK's (a test's stand-in) gets the object through its own `setData`.
 */
import { loadPolicy } from "@open-policy-agent/opa-wasm";
import { initialPages, type WasmPolicy } from "./policy.ts";

/** Data smaller than this is parsed on the serving thread: an image would save less than it costs. */
export const DATA_IMAGE_MIN_BYTES = 256 * 1024;

interface SdkState {
  wasmInstance: WebAssembly.Instance;
  mem: WebAssembly.Memory;
  baseHeapPtr: number;
  dataAddr: number;
  dataHeapPtr: number;
}

interface DataExports {
  opa_heap_ptr_set(p: number): void;
  opa_heap_ptr_get(): number;
  opa_malloc(n: number): number;
  opa_json_parse(p: number, n: number): number;
}

/** A module's memory after it was given its data (see the module comment). */
export interface DataImage {
  /** Bytes [0, dataHeapPtr) of the module's memory. */
  memory: ArrayBuffer;
  baseHeapPtr: number;
  dataAddr: number;
  dataHeapPtr: number;
}

function sdkState(policy: WasmPolicy): (SdkState & { exports: DataExports }) | null {
  const p = policy as unknown as Partial<SdkState>;
  const exports = p.wasmInstance?.exports as Partial<DataExports> | undefined;
  const ok = p.mem instanceof WebAssembly.Memory && typeof p.baseHeapPtr === "number" &&
    typeof exports?.opa_heap_ptr_set === "function" && typeof exports.opa_heap_ptr_get === "function" &&
    typeof exports.opa_malloc === "function" && typeof exports.opa_json_parse === "function";
  return ok ? { ...(p as SdkState), exports: exports as DataExports } : null;
}

/** Sets the module's data from JSON text in UTF-8; throws as the SDK does on text it rejects. */
export function setDataJson(policy: WasmPolicy, json: Uint8Array): void {
  const sdk = sdkState(policy);
  if (sdk === null) {
    policy.setData(JSON.parse(new TextDecoder().decode(json)));
    return;
  }
  const { exports, mem } = sdk;
  exports.opa_heap_ptr_set(sdk.baseHeapPtr);
  const at = exports.opa_malloc(json.byteLength);
  new Uint8Array(mem.buffer).set(json, at); // opa_malloc grew the memory as needed
  const parsed = exports.opa_json_parse(at, json.byteLength);
  if (parsed === 0) throw new Error("failed to parse json value");
  const state = policy as unknown as SdkState;
  state.dataAddr = parsed;
  state.dataHeapPtr = exports.opa_heap_ptr_get();
}

/**
 * Instantiates `wasm` (no built-ins: reading data calls none; unarmed, a metered module never
 * calls its meter) and gives it `json`; the image of its memory, or null for a module the SDK does
 * not load as expected. The image fits instances of these very bytes (load.ts does not use it for
 * a module metered at load, whose bytes differ).
 */
export async function makeDataImage(wasm: Uint8Array, json: Uint8Array): Promise<DataImage | null> {
  const policy = await loadPolicy(wasm as Uint8Array<ArrayBuffer>, {
    initial: initialPages(wasm),
  }) as WasmPolicy;
  if (sdkState(policy) === null) return null;
  setDataJson(policy, json);
  const state = policy as unknown as SdkState;
  return {
    memory: (state.mem.buffer as ArrayBuffer).slice(0, state.dataHeapPtr),
    baseHeapPtr: state.baseHeapPtr,
    dataAddr: state.dataAddr,
    dataHeapPtr: state.dataHeapPtr,
  };
}

/** Bytes of an image copied between two turns of the event loop (see applyDataImage). */
export const IMAGE_SLICE_BYTES = 512 * 1024;

/**
 * Puts an image made from the same module into `policy`; false (nothing changed) if it cannot.
 *
 * The copy goes in slices of IMAGE_SLICE_BYTES with a turn of the event loop between them: the
 * first write to freshly grown memory costs a page fault per page, which on the project's
 * machines made one 131 MB copy take 1.8 s (the same copy again: 45 ms), a slice 5-60 ms
 * depending on the machine's load. The policy is not in
 * force yet, so requests meanwhile are decided by the one that is.
 */
export async function applyDataImage(policy: WasmPolicy, image: DataImage): Promise<boolean> {
  const sdk = sdkState(policy);
  if (
    sdk === null || sdk.baseHeapPtr !== image.baseHeapPtr || image.memory.byteLength !== image.dataHeapPtr
  ) {
    return false;
  }
  const { mem, exports } = sdk;
  const missing = image.memory.byteLength - mem.buffer.byteLength;
  if (missing > 0) mem.grow(Math.ceil(missing / 65536));
  const from = new Uint8Array(image.memory);
  for (let at = 0; at < from.byteLength; at += IMAGE_SLICE_BYTES) {
    if (at > 0) await new Promise((resolve) => setTimeout(resolve, 0));
    new Uint8Array(mem.buffer).set(from.subarray(at, at + IMAGE_SLICE_BYTES), at);
  }
  exports.opa_heap_ptr_set(image.dataHeapPtr);
  const state = policy as unknown as SdkState;
  state.dataAddr = image.dataAddr;
  state.dataHeapPtr = image.dataHeapPtr;
  return true;
}
