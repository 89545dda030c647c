/**
 * Test harness: instantiates the compiled runtime on its own and converts between JS values and
 * runtime values (through opa_json_parse / opa_json_dump).
 */
import { RUNTIME_WASM } from "../emit/runtime_wasm.ts";

export class RuntimeAbort extends Error {}

type Fn = (...args: any[]) => any;

export class Runtime {
  readonly memory: WebAssembly.Memory;
  readonly x: Record<string, Fn>;
  readonly printed: string[] = [];

  constructor() {
    this.memory = new WebAssembly.Memory({ initial: 5 });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(RUNTIME_WASM as BufferSource), {
      env: {
        memory: this.memory,
        opa_abort: (addr: number) => {
          throw new RuntimeAbort(this.cstring(addr));
        },
        opa_println: (addr: number) => {
          this.printed.push(this.cstring(addr));
        },
      },
    });
    this.x = instance.exports as Record<string, Fn>;
  }

  /** Reads a NUL-terminated UTF-8 string. */
  cstring(addr: number): string {
    const bytes = new Uint8Array(this.memory.buffer);
    let end = addr;
    while (bytes[end] !== 0) end++;
    return new TextDecoder().decode(bytes.subarray(addr, end));
  }

  /** Copies bytes into the heap; returns [addr, len]. */
  bytes(data: Uint8Array): [number, number] {
    const addr = this.x.opa_malloc(data.length);
    new Uint8Array(this.memory.buffer).set(data, addr);
    return [addr, data.length];
  }

  /** A NUL-terminated UTF-8 string in the heap. */
  cstr(s: string): number {
    const data = new TextEncoder().encode(s + "\0");
    return this.bytes(data)[0];
  }

  /** Parses JSON text; 0 when invalid. */
  parseJSON(text: string | Uint8Array): number {
    const data = typeof text === "string" ? new TextEncoder().encode(text) : text;
    const [addr, len] = this.bytes(data);
    return this.x.opa_json_parse(addr, len);
  }

  /** Parses Rego value text; 0 when invalid. */
  parseValue(text: string): number {
    const [addr, len] = this.bytes(new TextEncoder().encode(text));
    return this.x.opa_value_parse(addr, len);
  }

  /** A runtime value for a JS value (via JSON). */
  v(js: unknown): number {
    const addr = this.parseJSON(JSON.stringify(js));
    if (addr === 0) throw new Error(`could not parse ${JSON.stringify(js)}`);
    return addr;
  }

  /** A runtime string value. */
  str(s: string): number {
    const [addr, len] = this.bytes(new TextEncoder().encode(s));
    return this.x.rt_string(addr, len);
  }

  /** JSON text of a value. */
  dump(addr: number): string {
    return this.cstring(this.x.opa_json_dump(addr));
  }

  /** Rego value text of a value. */
  valueDump(addr: number): string {
    return this.cstring(this.x.opa_value_dump(addr));
  }

  /** The JS value of a runtime value (undefined for 0). */
  js(addr: number): unknown {
    return addr === 0 ? undefined : JSON.parse(this.dump(addr));
  }

  /** Calls a native built-in export on JS arguments; returns the JS result (undefined for 0). */
  call(name: string, ...args: unknown[]): unknown {
    return this.js(this.x[name](...args.map((a) => this.v(a))));
  }
}
