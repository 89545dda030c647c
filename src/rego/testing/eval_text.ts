/**
 * Test helper: compiles Rego and evaluates it through the module's own ABI (opa_eval), with input
 * and data given as JSON text and the result read back as JSON text, so that numbers pass both
 * ways exactly as the module holds them (JavaScript's JSON.parse would round them to doubles).
 * No host built-ins: a policy that needs one fails to instantiate.
 */
import { compile, formatDiagnostic } from "../mod.ts";

export interface TextPolicy {
  /** The JSON text of the entrypoint's result set, or the abort message prefixed with "abort: ". */
  evaluate(entrypoint: string, input?: string, data?: string): string;
}

export function compileText(
  source: string,
  entrypoints: string[],
  options: { strict?: boolean; regoVersion?: 0 | 1 } = {},
): TextPolicy {
  const result = compile([{ path: "t.rego", text: source }], { entrypoints, ...options });
  if (result.wasm === undefined) throw new Error(result.diagnostics.map(formatDiagnostic).join("\n"));
  const memory = new WebAssembly.Memory({ initial: 5 });
  const text = (addr: number) => {
    const bytes = new Uint8Array(memory.buffer, addr);
    return new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0)));
  };
  const builtin = () => {
    throw new Error("no host built-ins here");
  };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(result.wasm as BufferSource), {
    env: {
      memory,
      opa_abort: (addr: number) => {
        throw new Abort(text(addr));
      },
      opa_println: () => {},
      opa_builtin0: builtin,
      opa_builtin1: builtin,
      opa_builtin2: builtin,
      opa_builtin3: builtin,
      opa_builtin4: builtin,
    },
  });
  const x = instance.exports as Record<string, CallableFunction>;
  const call = (name: string, ...args: number[]) => x[name](...args) as number;
  const write = (s: string): [number, number] => {
    const bytes = new TextEncoder().encode(s);
    const addr = call("opa_malloc", bytes.length);
    new Uint8Array(memory.buffer).set(bytes, addr);
    return [addr, bytes.length];
  };
  const ids = JSON.parse(text(call("opa_json_dump", call("entrypoints")))) as Record<string, number>;
  const base = call("opa_heap_ptr_get");
  return {
    evaluate(entrypoint, input, data = "{}") {
      call("opa_heap_ptr_set", base);
      const [dp, dn] = write(data);
      const dataAddr = call("opa_json_parse", dp, dn);
      if (dataAddr === 0) throw new Error(`invalid data JSON: ${data}`);
      const [ip, inLen] = input === undefined ? [0, 0] : write(input);
      const heap = call("opa_heap_ptr_get");
      try {
        return text(call("opa_eval", 0, ids[entrypoint], dataAddr, ip, inLen, heap, 0));
      } catch (e) {
        if (e instanceof Abort) return `abort: ${e.message}`;
        throw e;
      }
    },
  };
}

class Abort extends Error {}

/** The value text inside a one-result set `[{"result":…}]`; undefined for an empty set. */
export function resultText(set: string): string | undefined {
  if (set === "[]") return undefined;
  const prefix = '[{"result":';
  if (!set.startsWith(prefix) || !set.endsWith("}]")) throw new Error(`not a one-result set: ${set}`);
  return set.slice(prefix.length, -2);
}
