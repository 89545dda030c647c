import assert from "node:assert/strict";
import { join } from "node:path";
import { main as build } from "../../cli/build.ts";
import { loadBundle } from "../load.ts";
import { readBundleDirectory } from "./directory.ts";
import { INPUT_DEPS_METADATA_KEY, inputDepsMetadata, recordedInputDeps } from "./input_deps.ts";
import { readBundle } from "./read.ts";
import { assembleFiles, writeBundle } from "./write.ts";

const POLICY = `package gateway
decision := {"allow": true} if input.identity.type == "service"
`;
const DEPS = { "gateway/decision": { paths: [["identity", "type"]], volatile: [] } };

async function withPolicyDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "decision.rego"), POLICY);
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("input deps: a bundle of sources gets them from the compiler", async () => {
  await withPolicyDir(async (dir) => {
    const loaded = await loadBundle({ kind: "files", files: await readBundleDirectory(dir) }, {
      entrypoints: ["gateway/decision"],
    });
    assert.deepEqual(loaded.info.inputDependencies, DEPS);
  });
});

Deno.test("input deps: the build records them with the module's hash; the loader checks the hash", async () => {
  await withPolicyDir(async (dir) => {
    const out = join(dir, "bundle.tar.gz");
    assert.equal(await build([dir, "-o", out]), 0);
    const bytes = await Deno.readFile(out);
    const loaded = await loadBundle({ kind: "archive", bytes });
    assert.deepEqual(loaded.info.inputDependencies, DEPS);

    // The same manifest in front of another module (e.g. rebuilt by `opa build`): not trusted.
    const bundle = await readBundle(bytes);
    const other = new Uint8Array([...bundle.wasm!, 0, 1]); // a custom section would do the same
    assert.equal(recordedInputDeps(bundle.manifest, other), null);
    assert.deepEqual(recordedInputDeps(bundle.manifest, bundle.wasm!), DEPS);
  });
});

Deno.test("input deps: a module without them, or with malformed ones, is not cacheable", async () => {
  await withPolicyDir(async (dir) => {
    const out = join(dir, "bundle.tar.gz");
    assert.equal(await build([dir, "-o", out]), 0);
    const bundle = await readBundle(await Deno.readFile(out));
    const wasm = bundle.wasm!;
    const withMetadata = async (metadata: Record<string, unknown>) => {
      const manifest = { ...bundle.manifest, metadata };
      const bytes = await writeBundle(assembleFiles({ manifest, data: {}, wasm, sources: [] }));
      return (await loadBundle({ kind: "archive", bytes })).info.inputDependencies;
    };
    assert.equal(await withMetadata({}), null); // as `opa build -t wasm` writes it
    const good = inputDepsMetadata(wasm, DEPS);
    assert.deepEqual(await withMetadata({ [INPUT_DEPS_METADATA_KEY]: good }), DEPS);
    for (
      const bad of [
        { ...good, entrypoints: { "gateway/decision": { paths: "identity", volatile: [] } } },
        { ...good, entrypoints: { "gateway/decision": { paths: [[1]], volatile: [] } } },
        { ...good, entrypoints: null },
        { entrypoints: good.entrypoints },
        "yes",
      ]
    ) {
      assert.equal(await withMetadata({ [INPUT_DEPS_METADATA_KEY]: bad }), null, JSON.stringify(bad));
    }
  });
});
