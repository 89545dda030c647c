import assert from "node:assert/strict";
import { parseType } from "../check/builtin_types.ts";
import type { Type } from "../check/types.ts";
import { compile, formatDiagnostic } from "../mod.ts";
import { hostCallName, typeMayHoldSet, usesSetCodec } from "./host_sets.ts";
import { registry, registryEntry } from "./registry.ts";

function holdsSet(t: Type): boolean {
  switch (t.kind) {
    case "set":
      return true;
    case "any":
      return t.of.length === 0 || t.of.some(holdsSet);
    case "array":
      return t.items.some(holdsSet) || (t.dynamic !== undefined && holdsSet(t.dynamic));
    case "object":
      return [...t.props.values()].some(holdsSet) ||
        (t.dynamic !== undefined && (holdsSet(t.dynamic.key) || holdsSet(t.dynamic.value)));
    default:
      return false;
  }
}

Deno.test("typeMayHoldSet reads OPA's notation as the parsed type says, for every declared type", () => {
  const types = new Set(registry().flatMap((b) => [...b.args, b.variadic ?? "null", b.result ?? "null"]));
  for (const t of types) assert.equal(typeMayHoldSet(t), holdsSet(parseType(t)), t);
});

Deno.test("the set codec is used exactly by host built-ins whose types may hold a set", () => {
  const codec = (name: string) => usesSetCodec(registryEntry(name)!);
  for (const name of ["net.cidr_expand", "json.patch", "object.subset", "internal.print", "yaml.marshal"]) {
    assert.ok(codec(name), name);
    assert.equal(hostCallName(name), `${name}#sets`);
  }
  for (const name of ["regex.match", "time.now_ns", "crypto.sha256", "count", "numbers.range"]) {
    assert.ok(!codec(name), name);
    assert.equal(hostCallName(name), name);
  }
});

/** Runs a module against a fake host: `host(name, args as JSON text)` answers with JSON text. */
function run(text: string, entrypoint: string, host: (name: string, args: string[]) => string | undefined) {
  const r = compile([{ path: "t.rego", text }], { entrypoints: [entrypoint] });
  assert.deepEqual(r.diagnostics.map(formatDiagnostic), []);
  const memory = new WebAssembly.Memory({ initial: 5 });
  let x: Record<string, CallableFunction> = {};
  const cstr = (addr: number) => {
    const bytes = new Uint8Array(memory.buffer, addr);
    return new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0)));
  };
  const load = (json: string) => {
    const bytes = new TextEncoder().encode(json);
    const addr = x.opa_malloc(bytes.length);
    new Uint8Array(memory.buffer).set(bytes, addr);
    return x.opa_json_parse(addr, bytes.length);
  };
  let names: Record<number, string> = {};
  const builtin = (id: number, _ctx: number, ...args: number[]) => {
    const out = host(names[id], args.map((a) => cstr(x.opa_json_dump(a))));
    return out === undefined ? 0 : load(out);
  };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(r.wasm!), {
    env: {
      memory,
      opa_abort: (addr: number) => {
        throw new Error(cstr(addr));
      },
      opa_println: () => {},
      opa_builtin0: builtin,
      opa_builtin1: builtin,
      opa_builtin2: builtin,
      opa_builtin3: builtin,
      opa_builtin4: builtin,
    },
  });
  x = instance.exports as Record<string, CallableFunction>;
  const declared = JSON.parse(cstr(x.opa_json_dump(x.builtins()))) as Record<string, number>;
  names = Object.fromEntries(Object.entries(declared).map(([n, i]) => [i, n]));
  const ctx = x.opa_eval_ctx_new();
  x.opa_eval_ctx_set_input(ctx, load("{}"));
  x.opa_eval_ctx_set_data(ctx, load("{}"));
  x.eval(ctx);
  return { declared, result: JSON.parse(cstr(x.opa_json_dump(x.opa_eval_ctx_get_result(ctx)))) };
}

Deno.test("a module sends sets to the host encoded and decodes the host's sets", () => {
  const seen: string[] = [];
  const { declared, result } = run(
    `package t
    import rego.v1
    s := net.cidr_expand("10.0.0.0/31")
    u := object.union_n([{"a": {1, {2}}, "\\u0000k": set()}])
    ok if { s["10.0.0.1"]; s == {"10.0.0.0", "10.0.0.1"}; u == {"a": {1, {2}}, "\\u0000k": set()} }
    m := crypto.md5("a")`,
    "t",
    (name, args) => {
      seen.push(`${name} ${args.join(" ")}`);
      if (name === "net.cidr_expand#sets") return JSON.stringify({ "\u0000": ["10.0.0.1", "10.0.0.0"] });
      if (name === "object.union_n#sets") return args[0].slice(1, -1);
      if (name === "crypto.md5") return '"digest"';
    },
  );
  // Besides the meter's own ($meter.*), which every module declares.
  assert.deepEqual(Object.keys(declared).filter((n) => !n.startsWith("$meter.")).sort(), [
    "crypto.md5",
    "net.cidr_expand#sets",
    "object.union_n#sets",
  ]);
  assert.deepEqual(
    seen.sort(),
    [
      'net.cidr_expand#sets "10.0.0.0/31"',
      'object.union_n#sets [{"\\u0000\\u0000k":{"\\u0000":[]},"a":{"\\u0000":[1,{"\\u0000":[2]}]}}]',
      'crypto.md5 "a"',
    ].sort(),
  );
  assert.equal(result[0].result.ok, true);
});
