/**
 * Modules compiled here need no host built-ins for anything OPA's own Wasm module implements: the
 * default policy with its tests, and one policy per family of native built-ins
 * (test/fixtures/natives/*.rego), load and evaluate in plain Node with the stock
 * @open-policy-agent/opa-wasm SDK and no custom built-ins, with OPA's answers (from
 * ../shared/opa-oracle, OPA v0.47; `walk` checked by hand, the oracle refuses it).
 */
import assert from "node:assert/strict";
import "@open-policy-agent/opa-wasm"; // makes sure node_modules holds the SDK
import { compile, formatDiagnostic } from "../src/rego/mod.ts";

const root = new URL("..", import.meta.url).pathname;
const fixtures = `${root}test/fixtures/natives/`;

/** OPA's result for each family's `results` rule. */
const OPA: Record<string, unknown> = {
  regex: {
    find: ["1", "22"],
    fold: [["k"], ["K"], ["K"]],
    go_semantics: [["ab", "a"]],
    match: true,
    no_match: false,
    split: ["a", "b", "c"],
    submatches: [["x@y.com", "x", "y"], ["z@w.com", "z", "w"]],
    unicode: true,
    valid: [false, true],
  },
  glob: { matches: [true, false, true, true, true, true], quoted: "\\*.a\\{b\\}" },
  net: [true, false, true, true, true, true, false],
  encoding: {
    decode: "héllo, wörld",
    encode: "aMOpbGxvLCB3w7ZybGQ=",
    no_pad: "YQ",
    url: "Pz8-Pg==",
    url_decode: "??>>",
    valid: [true, false],
  },
  json: {
    filter: { user: { name: "alice", tags: ["x"] } },
    marshal: '{"n":1.5,"user":{"name":"alice","roles":["admin","dev"],"tags":["x","y"]}}',
    remove: { user: { name: "alice", tags: ["x", "y"] } },
    unmarshal: { a: [1, "<b>", null], c: { d: true } },
    valid: [true, false],
  },
  graph: { reachable: ["a", "b", "c", "d"], walked: [["x", 0], ["x", 1, "y"]] },
  core: {
    aggregates: [3, 3.5, 6, 3, "a", [1, 2, 3], 5],
    numbers: [3, -3, 42, 3.5, 1, 3, 3, 2, -2, [1, 2, 3, 4], 8, 1024, 42],
    objects: [1, { a: 1, b: 2 }, { a: 1 }, { b: 2 }, [1, 2], [2], [1, 2], [2], "set", true],
    strings: [
      "a-b",
      "x=42 (3.14)",
      "àb",
      "STRAßE",
      ["a", "b", "", "c"],
      "bbb",
      "x",
      2,
      "éll",
      "ff",
      "12c",
      "x",
      true,
      true,
      true,
    ],
  },
  legacy: [true, false, true, [1, 3], true, true],
};

/** Runs a Node script that loads each module with the stock SDK and evaluates its entrypoints. */
async function evaluateInNode(modules: { wasm: Uint8Array; entrypoints: string[] }[]): Promise<unknown[][]> {
  const dir = await Deno.makeTempDir();
  try {
    const files = await Promise.all(modules.map(async (m, i) => {
      const file = `${dir}/policy_${i}.wasm`;
      await Deno.writeFile(file, m.wasm);
      return { file, entrypoints: m.entrypoints };
    }));
    const script = `
      const { loadPolicy } = require(${JSON.stringify(`${root}node_modules/@open-policy-agent/opa-wasm`)});
      const fs = require("node:fs");
      (async () => {
        const out = [];
        for (const m of ${JSON.stringify(files)}) {
          const policy = await loadPolicy(fs.readFileSync(m.file)); // no custom built-ins
          out.push(m.entrypoints.map((ep) => policy.evaluate({}, ep)[0]?.result));
        }
        process.stdout.write(JSON.stringify(out));
      })().catch((e) => { console.error(e); process.exit(1); });
    `;
    const res = await new Deno.Command("node", { args: ["-e", script], stdout: "piped", stderr: "piped" })
      .output();
    assert.equal(res.code, 0, new TextDecoder().decode(res.stderr));
    return JSON.parse(new TextDecoder().decode(res.stdout));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the default policy's tests pass in Node with the stock SDK and no host built-ins", async () => {
  const sources = await Promise.all(["gateway.rego", "gateway_test.rego"].map(async (f) => ({
    path: `policies/${f}`,
    text: await Deno.readTextFile(`${root}policies/${f}`),
  })));
  const tests = [...sources[1].text.matchAll(/^(test_\w+) if/gm)].map((m) => `gateway_test/${m[1]}`);
  assert.ok(tests.length >= 9, "the default policy has tests");
  const entrypoints = ["gateway/decision", ...tests];
  const result = compile(sources, { entrypoints });
  assert.deepEqual(result.diagnostics.map(formatDiagnostic), []);
  assert.deepEqual(result.hostBuiltins, []);
  const [values] = await evaluateInNode([{ wasm: result.wasm!, entrypoints }]);
  assert.deepEqual(values.slice(1), tests.map(() => true));
});

Deno.test("one policy per native family evaluates in Node with the stock SDK and OPA's answers", async () => {
  const families = Object.keys(OPA);
  const modules = await Promise.all(families.map(async (family) => {
    const text = await Deno.readTextFile(`${fixtures}${family}.rego`);
    const result = compile([{ path: `${family}.rego`, text }], {
      entrypoints: [`natives/${family}/results`],
      regoVersion: family === "legacy" ? 0 : 1,
    });
    assert.deepEqual(result.diagnostics.map(formatDiagnostic), [], family);
    assert.deepEqual(result.hostBuiltins, [], `${family} needs no host built-in`);
    return { wasm: result.wasm!, entrypoints: [`natives/${family}/results`] };
  }));
  const values = await evaluateInNode(modules);
  families.forEach((family, i) => assert.deepEqual(values[i][0], OPA[family], family));
});
