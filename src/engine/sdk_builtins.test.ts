import assert from "node:assert/strict";
import { loadPolicy } from "@open-policy-agent/opa-wasm";
import { compile } from "../rego/mod.ts";
import { adaptBuiltins } from "./builtin_adapter.ts";
import { HOST_BUILTINS, SDK_BUILTINS } from "./builtins/index.ts";
import { instantiatePolicy } from "./load.ts";
import { preferOurBuiltins, sdkBuiltinTable } from "./sdk_builtins.ts";

// json.is_valid, sprintf and regex.split are native in modules compiled here: only yaml.* reach
// the host, and there ours must run instead of the SDK's.
const source = `package p
valid := json.is_valid(input.a)
yaml := yaml.marshal(input.b)
docs := yaml.unmarshal("a: 1\\n---\\nb: 2\\n")`;

Deno.test("sdk built-ins: the SDK's table is the object its ESM entry consults", async () => {
  const { wasm } = compile([{ path: "p.rego", text: "package p\nvalid := yaml.is_valid(input.a)" }], {
    entrypoints: ["p/valid"],
  });
  const table = sdkBuiltinTable();
  const saved = table["yaml.is_valid"];
  table["yaml.is_valid"] = () => "from the SDK's table";
  try {
    const policy = await loadPolicy(wasm!, undefined, { "yaml.is_valid": () => "ours" });
    assert.deepEqual(policy.evaluate({ a: "x" }, "p/valid"), [{ result: "from the SDK's table" }]);
  } finally {
    if (saved === undefined) delete table["yaml.is_valid"];
    else table["yaml.is_valid"] = saved;
  }
});

Deno.test("sdk built-ins: ours run instead of the SDK's (json.is_valid(1) is false, as in OPA)", async () => {
  const { wasm, hostBuiltins } = compile([{ path: "p.rego", text: source }], {
    entrypoints: ["p/valid", "p/yaml", "p/docs"],
  });
  assert.deepEqual(hostBuiltins.sort(), ["yaml.marshal", "yaml.unmarshal"]);
  const called: string[] = [];
  const spied = Object.fromEntries(
    Object.entries(HOST_BUILTINS).map(([name, impl]) => [name, (...args: unknown[]) => {
      called.push(name);
      return impl(...args);
    }]),
  );
  const policy = await instantiatePolicy(wasm!, {}, adaptBuiltins(spied, false));
  const input = { a: 1, b: { k: ["x", "y"] } };
  assert.deepEqual(policy.evaluate(input, "p/valid"), [{ result: false }]); // the SDK's: undefined
  assert.deepEqual(policy.evaluate(input, "p/yaml"), [{ result: 'k:\n- x\n- "y"\n' }]); // Go's yaml.v2
  assert.deepEqual(policy.evaluate(input, "p/docs"), [{ result: { a: 1 } }]); // the first document only
  assert.deepEqual(called.sort(), ["yaml.marshal", "yaml.unmarshal"]);
  for (const name of SDK_BUILTINS) assert.equal(Object.hasOwn(sdkBuiltinTable(), name), false, name);
});

Deno.test("sdk built-ins: names the host does not implement stay in the SDK's table", () => {
  const table = sdkBuiltinTable();
  table["no.such.builtin"] = () => 1;
  try {
    preferOurBuiltins(HOST_BUILTINS);
    assert.deepEqual(preferOurBuiltins({ "yaml.marshal": () => "" }), []); // already ours
    assert.deepEqual(preferOurBuiltins({}), []);
    assert.equal(typeof table["no.such.builtin"], "function");
  } finally {
    delete table["no.such.builtin"];
  }
});
