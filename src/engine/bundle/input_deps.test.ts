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
    // Built with binaryen's optimiser (recorded in the manifest), recomputed the same way.
    const optimized = join(dir, "optimized.tar.gz");
    assert.equal(await build([dir, "-O", "-o", optimized]), 0);
    const fromOptimized = await loadBundle({ kind: "archive", bytes: await Deno.readFile(optimized) });
    assert.deepEqual(fromOptimized.info.inputDependencies, DEPS);

    // The same manifest in front of another module (e.g. rebuilt by `opa build`): not trusted.
    const bundle = await readBundle(bytes);
    const other = new Uint8Array([...bundle.wasm!, 0, 1]); // a custom section would do the same
    assert.equal(recordedInputDeps(bundle.manifest, other), null);
    assert.deepEqual(recordedInputDeps(bundle.manifest, bundle.wasm!), DEPS);
  });
});

Deno.test("input deps: from the manifest only when a verified signature covers it", async () => {
  await withPolicyDir(async (dir) => {
    const out = join(dir, "bundle.tar.gz");
    assert.equal(await build([dir, "-o", out]), 0);
    const bundle = await readBundle(await Deno.readFile(out));
    const wasm = bundle.wasm!;
    const key = { alg: "HS256" as const, key: "bundle-signing-secret" };
    const withMetadata = async (metadata: Record<string, unknown>, signed: boolean) => {
      const manifest = { ...bundle.manifest, metadata };
      const files = assembleFiles({ manifest, data: {}, wasm, sources: [] });
      const bytes = await writeBundle(files, { signing: signed ? key : undefined });
      return (await loadBundle({ kind: "archive", bytes }, { verification: signed ? key : undefined })).info
        .inputDependencies;
    };
    const good = inputDepsMetadata(wasm, DEPS);
    assert.deepEqual(await withMetadata({ [INPUT_DEPS_METADATA_KEY]: good }, true), DEPS);
    // Unsigned, and without sources to recompute them from: anyone could have written them.
    assert.equal(await withMetadata({ [INPUT_DEPS_METADATA_KEY]: good }, false), null);
    assert.equal(await withMetadata({}, true), null); // as `opa build -t wasm` writes it
    for (
      const bad of [
        { ...good, entrypoints: { "gateway/decision": { paths: "identity", volatile: [] } } },
        { ...good, entrypoints: { "gateway/decision": { paths: [[1]], volatile: [] } } },
        { ...good, entrypoints: null },
        { entrypoints: good.entrypoints },
        "yes",
      ]
    ) {
      assert.equal(await withMetadata({ [INPUT_DEPS_METADATA_KEY]: bad }, true), null, JSON.stringify(bad));
    }
  });
});

Deno.test("input deps: an unsigned bundle's are recomputed from its sources, and used only for its own module", async () => {
  await withPolicyDir(async (dir) => {
    const out = join(dir, "bundle.tar.gz");
    assert.equal(await build([dir, "-o", out]), 0);
    const bundle = await readBundle(await Deno.readFile(out));
    const forged = { "gateway/decision": { paths: [], volatile: [] } }; // "reads nothing: cache it all"
    const load = async (sources: { path: string; text: string }[]) => {
      const manifest = {
        ...bundle.manifest,
        metadata: {
          ...bundle.manifest.metadata,
          [INPUT_DEPS_METADATA_KEY]: inputDepsMetadata(bundle.wasm!, forged),
        },
      };
      const bytes = await writeBundle(assembleFiles({ manifest, data: {}, wasm: bundle.wasm!, sources }));
      return (await loadBundle({ kind: "archive", bytes })).info.inputDependencies;
    };
    // The module's own sources: the compiler's answer, not the manifest's.
    assert.deepEqual(await load(bundle.sources), DEPS);
    // Sources that are not the module's (they compile to another module): nothing is believed.
    const other = [{ path: "decision.rego", text: POLICY.replace('"service"', '"human"') }];
    assert.equal(await load(other), null);
    // Sources that do not compile: nothing is believed, and the module still loads.
    assert.equal(await load([{ path: "decision.rego", text: "package gateway\n\ndecision := {" }]), null);
  });
});
