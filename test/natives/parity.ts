/**
 * Calls a built-in both ways, natively in the Wasm runtime and on the host (src/engine/builtins),
 * and normalises the outcome for comparison: a value, undefined, or an error message. The native
 * side runs in strict mode so that an error's message is observable (non-strict, both give
 * undefined). Sets come back from the runtime as sorted arrays, as the host returns them.
 */
import { Runtime, RuntimeAbort } from "../../src/rego/runtime/harness.ts";
import { NATIVE_BUILTINS } from "../../src/rego/builtins/native.ts";
import { BuiltinError, HOST_BUILTINS } from "../../src/engine/builtins/index.ts";

export type Outcome = { value: unknown } | { undefined: true } | { error: string } | { crash: string };

export class Parity {
  readonly rt = new Runtime();
  private readonly mark: number;

  constructor() {
    this.rt.x.rt_set_strict(1);
    this.mark = this.rt.x.opa_heap_ptr_get();
  }

  /** Native outcome; args are JS values, or Rego value text when given as { rego: text }. */
  native(name: string, ...args: unknown[]): Outcome {
    const native = NATIVE_BUILTINS[name];
    if (!native) throw new Error(`${name} is not native`);
    const rt = this.rt;
    // every call starts a fresh evaluation, as the SDK does
    rt.x.opa_heap_ptr_set(this.mark);
    const addrs = args.map((a) => isRego(a) ? rt.parseValue(a.rego) : rt.v(a));
    try {
      const r = rt.x[native.export](...addrs);
      return r === 0 ? { undefined: true } : { value: rt.js(r) };
    } catch (e) {
      if (e instanceof RuntimeAbort) return { error: e.message };
      throw e;
    }
  }

  /** The same call made again within one evaluation (exercises the per-evaluation caches). */
  nativeAgain(name: string, ...args: unknown[]): Outcome {
    const rt = this.rt;
    const native = NATIVE_BUILTINS[name];
    const addrs = args.map((a) => isRego(a) ? rt.parseValue(a.rego) : rt.v(a));
    try {
      const r = rt.x[native.export](...addrs);
      return r === 0 ? { undefined: true } : { value: rt.js(r) };
    } catch (e) {
      if (e instanceof RuntimeAbort) return { error: e.message };
      throw e;
    }
  }
}

export function host(name: string, ...args: unknown[]): Outcome {
  const fn = HOST_BUILTINS[name];
  if (!fn) throw new Error(`${name} has no host implementation`);
  try {
    const r = fn(...args.map((a) => isRego(a) ? a.json : a));
    return r === undefined ? { undefined: true } : { value: r };
  } catch (e) {
    if (e instanceof BuiltinError) return { error: e.message };
    // not a built-in error: a defect of the host implementation (the evaluation would fail)
    return { crash: String(e) };
  }
}

/** A Rego value given as text for the native side and as its JSON form for the host. */
export interface RegoArg {
  rego: string;
  json: unknown;
}

function isRego(a: unknown): a is RegoArg {
  return typeof a === "object" && a !== null && "rego" in a && "json" in a;
}
