/**
 * The whole compiler on mutated policies: every input gives either diagnostics (with a location)
 * or a module that WebAssembly validates — never an exception, a hang, or an invalid module.
 */
import assert from "node:assert/strict";
import { compile } from "./mod.ts";
import { mutate, prng } from "./testing/mutate.ts";

const SEEDS = [
  `package p
import rego.v1
default allow := false
allow if { input.user == "alice"; some r in input.roles; r == "admin" }
names contains n if { some x in input.items; n := x.name }
f(x) := y if { y := x * 2 } else := 0
obj[k] := v if { some k, v in input.map }
all_ok if { every x in input.xs { x > 0 } }
q := [x | some x in input.xs; x > 1]
w := v if { v := data.p.allow with input.user as "alice" }`,
  `package q
deny[msg] { input.x > 1; msg := sprintf("too big: %v", [input.x]) }
z = {"a": 1, "b": [1, 2, {3}]}
r { not deny["x"] }
t = count(input.list) + 1`,
];

Deno.test("compile() on 4,000 mutated policies: diagnostics or a valid module, never a throw", () => {
  const r = prng(0xC0FFEE);
  let modules = 0;
  let rejected = 0;
  for (let i = 0; i < 4000; i++) {
    const text = mutate(SEEDS[i % SEEDS.length], r);
    // Each seed's own entrypoint: one naming no rule is an error (as in `opa build`).
    const result = compile([{ path: "fuzz.rego", text }], {
      entrypoints: [i % SEEDS.length === 0 ? "p/allow" : "q/t"],
      regoVersion: i % 3 === 0 ? 0 : 1,
    });
    if (result.wasm) {
      modules++;
      assert.ok(WebAssembly.validate(result.wasm), `invalid module for input #${i}:\n${text}`);
      assert.deepEqual(result.diagnostics, []);
    } else {
      rejected++;
      assert.ok(result.diagnostics.length > 0, `no module and no diagnostics for input #${i}`);
      for (const d of result.diagnostics) {
        assert.ok(d.location.row >= 1 && d.location.col >= 1, `bad location in ${JSON.stringify(d)}`);
        assert.ok(!d.message.startsWith("internal compiler error"), `input #${i}: ${d.message}\n${text}`);
      }
    }
  }
  // The mutations must exercise both outcomes, or the test proves little.
  assert.ok(modules > 20, `only ${modules} inputs compiled`);
  assert.ok(rejected > 200, `only ${rejected} inputs were rejected`);
});

Deno.test("compile() handles large policies: a 5,000-expression body and a 5,000-entry object", async () => {
  const n = 5000;
  const body = Array.from({ length: n }, (_, i) => `  input.x${i} == ${i}`).join("\n");
  const obj = Array.from({ length: n }, (_, i) => `"k${i}": [${i}, "v${i}"]`).join(", ");
  const text = `package p\nimport rego.v1\nallow if {\n${body}\n}\nbig := {${obj}}\n`;
  const result = compile([{ path: "large.rego", text }], { entrypoints: ["p/allow", "p/big"] });
  assert.deepEqual(result.diagnostics, []);
  const { loadPolicy } = await import("@open-policy-agent/opa-wasm");
  const policy = await loadPolicy(result.wasm!, { initial: Math.ceil(result.wasm!.byteLength / 65536) + 1 });
  const input = Object.fromEntries(Array.from({ length: n }, (_, i) => [`x${i}`, i]));
  assert.deepEqual(policy.evaluate(input, "p/allow"), [{ result: true }]);
  assert.deepEqual(policy.evaluate({ ...input, x4999: 0 }, "p/allow"), []);
  const big = (policy.evaluate({}, "p/big") as [{ result: Record<string, unknown> }])[0].result;
  assert.equal(Object.keys(big).length, n);
  assert.deepEqual(big.k1234, [1234, "v1234"]);
});

Deno.test("compile() handles a chain of 3,000 rules, each referring to the one before", async () => {
  const rules = Array.from({ length: 3000 }, (_, i) => `r${i + 1} := r${i} + 1`).join("\n");
  const result = compile([{ path: "chain.rego", text: `package p\nimport rego.v1\nr0 := 1\n${rules}\n` }], {
    entrypoints: ["p/r3000"],
  });
  assert.deepEqual(result.diagnostics, []);
  const { loadPolicy } = await import("@open-policy-agent/opa-wasm");
  const policy = await loadPolicy(result.wasm!, { initial: Math.ceil(result.wasm!.byteLength / 65536) + 1 });
  assert.deepEqual(policy.evaluate({}, "p/r3000"), [{ result: 3001 }]);
});
