import assert from "node:assert/strict";
import { loadPolicy } from "@open-policy-agent/opa-wasm";
import { compile } from "../rego/mod.ts";
import { adaptBuiltins } from "./builtin_adapter.ts";
import { HOST_BUILTINS, SDK_BUILTINS } from "./builtins/index.ts";
import { instantiatePolicy } from "./load.ts";
import { preferOurBuiltins, sdkBuiltinTable } from "./sdk_builtins.ts";

const source = `package p
valid := json.is_valid(input.a)
yaml := yaml.marshal(input.b)
parts := regex.split("a+", "baaac")`;

Deno.test("sdk built-ins: the SDK's table is the object its ESM entry consults", async () => {
  const { wasm } = compile([{ path: "p.rego", text: "package p\nvalid := json.is_valid(input.a)" }], {
    entrypoints: ["p/valid"],
  });
  const table = sdkBuiltinTable();
  const saved = table["json.is_valid"];
  table["json.is_valid"] = () => "from the SDK's table";
  try {
    const policy = await loadPolicy(wasm!, undefined, { "json.is_valid": () => "ours" });
    assert.deepEqual(policy.evaluate({ a: 1 }, "p/valid"), [{ result: "from the SDK's table" }]);
  } finally {
    if (saved === undefined) delete table["json.is_valid"];
    else table["json.is_valid"] = saved;
  }
});

Deno.test("sdk built-ins: ours run instead of the SDK's (json.is_valid(1) is false, as in OPA)", async () => {
  const { wasm, hostBuiltins } = compile([{ path: "p.rego", text: source }], {
    entrypoints: ["p/valid", "p/yaml", "p/parts"],
  });
  assert.deepEqual(hostBuiltins.sort(), ["json.is_valid", "regex.split", "yaml.marshal"]);
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
  assert.deepEqual(policy.evaluate(input, "p/parts"), [{ result: ["b", "c"] }]);
  assert.deepEqual(called.sort(), ["json.is_valid", "regex.split", "yaml.marshal"]);
  for (const name of SDK_BUILTINS) assert.equal(Object.hasOwn(sdkBuiltinTable(), name), false, name);
});

Deno.test("sdk built-ins: names the host does not implement stay in the SDK's table", () => {
  const table = sdkBuiltinTable();
  table["no.such.builtin"] = () => 1;
  try {
    assert.deepEqual(preferOurBuiltins({ "json.is_valid": () => true }), []);
    assert.deepEqual(preferOurBuiltins({}), []);
    assert.equal(typeof table["no.such.builtin"], "function");
  } finally {
    delete table["no.such.builtin"];
  }
});
