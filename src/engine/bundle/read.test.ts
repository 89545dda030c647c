import assert from "node:assert/strict";
import { EngineError } from "../types.ts";
import { emptyManifest } from "./manifest.ts";
import { readBundle } from "./read.ts";
import { assembleFiles, writeBundle } from "./write.ts";
import fc from "npm:fast-check@^4";
import { compareCodePoints, MAX_DATA_DEPTH, mergeDataFiles, serializeData } from "./data.ts";
import { resolveLimits } from "./limits.ts";

const enc = new TextEncoder();

function engineCode(code: string) {
  return (e: unknown) => {
    assert.ok(e instanceof EngineError, `expected EngineError, got ${e}`);
    assert.equal(e.code, code);
    return true;
  };
}

Deno.test("bundle: write → read gives identical files, manifest, data and sources", async () => {
  const manifest = {
    ...emptyManifest(),
    revision: "rev-7",
    roots: ["gateway"],
    wasm: [{ entrypoint: "gateway/decision", module: "/policy.wasm" }],
    rego_version: 1 as const,
    metadata: { strict_builtin_errors: true },
  };
  const files = assembleFiles({
    manifest,
    data: { gateway: { limits: { free: 10 } } },
    wasm: new Uint8Array([0, 97, 115, 109]),
    sources: [{ path: "gateway/decision.rego", text: "package gateway\n" }],
  });
  files.set("gateway/tiers/data.yaml", enc.encode("paid: 100\n"));
  const bundle = await readBundle(await writeBundle(files));
  assert.deepEqual(bundle.files, files);
  assert.deepEqual(bundle.manifest, manifest);
  assert.deepEqual(bundle.data, { gateway: { limits: { free: 10 }, tiers: { paid: 100 } } });
  assert.deepEqual(bundle.wasm, new Uint8Array([0, 97, 115, 109]));
  assert.deepEqual(bundle.sources, [{ path: "gateway/decision.rego", text: "package gateway\n" }]);
});

Deno.test("bundle: an opa-style bundle without a manifest gets OPA's defaults", async () => {
  const files = new Map([["policy.wasm", new Uint8Array([1])], ["data.json", enc.encode('{"a":1}')]]);
  const bundle = await readBundle(await writeBundle(files));
  assert.deepEqual(bundle.manifest, { revision: "", roots: [""], wasm: [], metadata: {} });
  assert.deepEqual(bundle.wasm, new Uint8Array([1]));
  assert.deepEqual(bundle.data, { a: 1 });
});

Deno.test("bundle: manifest entrypoints in dot form are normalised to slashes", async () => {
  const files = new Map([
    [".manifest", enc.encode('{"wasm":[{"entrypoint":"data.a.b","module":"/policy.wasm"}]}')],
    ["policy.wasm", new Uint8Array([1])],
  ]);
  assert.equal((await readBundle(await writeBundle(files))).manifest.wasm[0].entrypoint, "a/b");
});

Deno.test("bundle: malformed manifests and missing modules are bundle_corrupt", async () => {
  for (const text of ["not json", "[]", '{"revision":5}', '{"roots":"x"}', '{"wasm":[{"entrypoint":1}]}']) {
    await assert.rejects(
      readBundle(await writeBundle(new Map([[".manifest", enc.encode(text)]]))),
      engineCode("bundle_corrupt"),
    );
  }
  const missing = new Map([[
    ".manifest",
    enc.encode('{"wasm":[{"entrypoint":"a/b","module":"/other.wasm"}]}'),
  ]]);
  await assert.rejects(readBundle(await writeBundle(missing)), (e: unknown) => {
    engineCode("bundle_corrupt")(e);
    assert.match((e as Error).message, /other\.wasm/);
    return true;
  });
});

Deno.test("data: files merge at their directory path; conflicts and bad syntax are corrupt", () => {
  const merged = mergeDataFiles(
    new Map([
      ["data.json", enc.encode('{"x":{"y":1}}')],
      ["x/z/data.json", enc.encode("[1,2]")],
      ["w/data.yml", enc.encode("k: v")],
      ["notdata.json", enc.encode("ignored")],
    ]),
  );
  assert.deepEqual(merged, { x: { y: 1, z: [1, 2] }, w: { k: "v" } });
  assert.throws(
    () =>
      mergeDataFiles(new Map([["data.json", enc.encode('{"x":1}')], ["x/data.json", enc.encode('{"a":1}')]])),
    engineCode("bundle_corrupt"),
  );
  assert.throws(
    () => mergeDataFiles(new Map([["data.json", enc.encode("{")]])),
    engineCode("bundle_corrupt"),
  );
  assert.throws(
    () => mergeDataFiles(new Map([["data.json", enc.encode("[]")]])),
    engineCode("bundle_corrupt"),
  );
});

Deno.test("data: serialized with every object's keys in UTF-8 byte order, as the module keeps them", () => {
  const data = { b: 1, a: { "\u{1F600}": 1, "\uFFFD": 2, z: [{ y: 1, x: 2 }] }, "10": null, "9": true };
  const text = new TextDecoder().decode(serializeData(data, resolveLimits()));
  assert.equal(text, '{"10":null,"9":true,"a":{"z":[{"x":2,"y":1}],"\uFFFD":2,"\u{1F600}":1},"b":1}');
  assert.deepEqual(JSON.parse(text), data);
  assert.throws(
    () =>
      serializeData(
        JSON.parse("[".repeat(MAX_DATA_DEPTH + 2) + "]".repeat(MAX_DATA_DEPTH + 2)),
        resolveLimits(),
      ),
    engineCode("bundle_corrupt"),
  );
});

Deno.test("data property: code point order is UTF-8 byte order", () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  const byteOrder = (a: Uint8Array, b: Uint8Array) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  };
  fc.assert(
    fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (a, b) => {
      assert.equal(Math.sign(compareCodePoints(a, b)), Math.sign(byteOrder(bytes(a), bytes(b))));
    }),
    { numRuns: 2000 },
  );
});
