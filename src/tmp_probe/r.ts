import { compile } from "../rego/mod.ts";
import { HOST_BUILTINS } from "../engine/builtins/index.ts";
import { instantiatePolicy } from "../engine/load.ts";
import { adaptBuiltins } from "../engine/builtin_adapter.ts";
const text = Deno.readTextFileSync(Deno.args[0]);
const r = compile([{ path: "p.rego", text }], { entrypoints: ["test"] });
if (!r.wasm) {
  console.log(r.diagnostics);
  Deno.exit(1);
}
console.log("host:", r.hostBuiltins);
const p = await instantiatePolicy(r.wasm, {}, adaptBuiltins(HOST_BUILTINS, false));
console.log(JSON.stringify(p.evaluate(JSON.parse(Deno.args[1] ?? "{}"), "test")));
