/**
 * A module compiled from the default policy loads and evaluates in plain Node with the stock
 * @open-policy-agent/opa-wasm SDK (not through Deno, not through the project's engine).
 */
import assert from "node:assert/strict";
import "@open-policy-agent/opa-wasm"; // makes sure node_modules holds the SDK
import { compile, formatDiagnostic } from "../src/rego/mod.ts";

const root = new URL("..", import.meta.url).pathname;

Deno.test("policies/gateway.rego compiled here evaluates in Node with the stock SDK", async () => {
  const path = `${root}policies/gateway.rego`;
  const result = compile([{ path: "policies/gateway.rego", text: await Deno.readTextFile(path) }], {
    entrypoints: ["gateway/decision"],
  });
  assert.deepEqual(result.diagnostics.map(formatDiagnostic), []);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/policy.wasm`, result.wasm!);
    const script = `
      const { loadPolicy } = require(${JSON.stringify(`${root}node_modules/@open-policy-agent/opa-wasm`)});
      const fs = require("node:fs");
      (async () => {
        const policy = await loadPolicy(fs.readFileSync(${JSON.stringify(`${dir}/policy.wasm`)}));
        const input = (type, scopes) => ({
          identity: { key_id: "key_1", org: "acme", subject: "alice", type, scopes, plan: "free" },
          request: { method: "GET", path: "/orders/1" },
          route: { id: "orders" },
        });
        const out = {
          entrypoints: policy.entrypoints,
          allowed: policy.evaluate(input("human", ["orders:read"]), "gateway/decision"),
          denied: policy.evaluate(input("human", ["billing:read"]), "gateway/decision"),
        };
        process.stdout.write(JSON.stringify(out));
      })().catch((e) => { console.error(e); process.exit(1); });
    `;
    const out = await new Deno.Command("node", { args: ["-e", script], stdout: "piped", stderr: "piped" })
      .output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const got = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.deepEqual(got.entrypoints, { "gateway/decision": 0 });
    assert.equal(got.allowed[0].result.allow, true);
    assert.deepEqual(got.allowed[0].result.permissions, ["orders:read"]);
    assert.deepEqual(got.allowed[0].result.claims, { kind: "human", user: "alice", plan: "free" });
    assert.equal(got.denied[0].result.allow, false);
    assert.equal(got.denied[0].result.reason, "scope_missing");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a metered module (loops, walk, sort, memory growth) evaluates in Node's stock SDK exactly as an unmetered one", async () => {
  // The SDK knows nothing of the meter: nothing arms it, so the module never calls out (meter.ts).
  const text = `package loops
import rego.v1
pairs := count([1 | some i in numbers.range(1, input.n); some j in numbers.range(1, input.n); i < j])
words := concat(",", sort([sprintf("w%d", [i]) | some i in numbers.range(1, input.n)]))
nodes := count([1 | walk(input, _)])
big := count(numbers.range(1, input.n * 1000))
`;
  const dir = await Deno.makeTempDir();
  try {
    for (const meter of [true, false]) {
      const result = compile([{ path: "loops.rego", text }], { entrypoints: ["loops"], meter });
      assert.deepEqual(result.diagnostics.map(formatDiagnostic), []);
      await Deno.writeFile(`${dir}/${meter ? "metered" : "plain"}.wasm`, result.wasm!);
    }
    const script = `
      const { loadPolicy } = require(${JSON.stringify(`${root}node_modules/@open-policy-agent/opa-wasm`)});
      const fs = require("node:fs");
      (async () => {
        const out = {};
        for (const name of ["metered", "plain"]) {
          const policy = await loadPolicy(fs.readFileSync(${JSON.stringify(dir)} + "/" + name + ".wasm"));
          out[name] = [0, 3, 400].map((n) => policy.evaluate({ n, tree: [[1, [2]], { a: { b: 3 } }] }, "loops"));
        }
        process.stdout.write(JSON.stringify(out));
      })().catch((e) => { console.error(e); process.exit(1); });
    `;
    const out = await new Deno.Command("node", { args: ["-e", script], stdout: "piped", stderr: "piped" })
      .output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const got = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.deepEqual(got.metered, got.plain);
    assert.equal(got.metered[2][0].result.pairs, 400 * 399 / 2);
    assert.equal(got.metered[2][0].result.big, 400_000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
