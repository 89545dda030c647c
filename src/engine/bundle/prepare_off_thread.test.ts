import assert from "node:assert/strict";
import { EngineError } from "../types.ts";
import { emptyManifest } from "./manifest.ts";
import * as offThread from "./prepare_off_thread.ts";
import { prepareBundle } from "./read.ts";
import { assembleFiles, writeBundle } from "./write.ts";

const archive = await writeBundle(
  assembleFiles({ manifest: { ...emptyManifest(), revision: "r1" }, data: { b: 2, a: [1] } }),
);
const input = { kind: "archive" as const, bytes: archive };
const misbehaving = (mode: string) =>
  new URL(`../testing/misbehaving_compile_worker.ts?mode=${mode}`, import.meta.url);

Deno.test("bundle worker: one worker answers request after request, as this thread would", async () => {
  const worker = new offThread.BundleWorker();
  try {
    const here = await prepareBundle(input);
    for (let i = 0; i < 3; i++) {
      const { bundle } = await offThread.prepareOffThread(input, {}, { worker });
      assert.equal(offThread.lastPrepareOnCallingThread, false);
      assert.deepEqual(bundle, here);
    }
    assert.deepEqual(new TextDecoder().decode(here.dataJson), '{"a":[1],"b":2}');
    assert.equal(archive.byteLength > 0, true); // the caller's bytes were copied, not taken
    await assert.rejects(
      offThread.prepareOffThread({ kind: "archive", bytes: new Uint8Array([1, 2, 3]) }, {}, { worker }),
      (e: unknown) => e instanceof EngineError && e.code === "bundle_corrupt" && /gzip/.test(e.message),
    );
    worker.close(); // and the next request starts another
    assert.deepEqual((await offThread.prepareOffThread(input, {}, { worker })).bundle, here);
  } finally {
    worker.close();
  }
});

Deno.test("bundle worker: one that crashes or hangs fails the request and is replaced, never retried here", async () => {
  const crashing = new offThread.BundleWorker(misbehaving("crash"));
  for (let i = 0; i < 2; i++) {
    await assert.rejects(
      offThread.prepareOffThread(input, {}, { worker: crashing }),
      (e: unknown) => e instanceof EngineError && /bundle worker failed: .*simulated/.test(e.message),
    );
    assert.equal(offThread.lastPrepareOnCallingThread, false);
  }
  crashing.close();
  const hanging = new offThread.BundleWorker(misbehaving("hang"));
  await assert.rejects(
    offThread.prepareOffThread(input, {}, { worker: hanging, timeoutMs: 300 }),
    (e: unknown) => e instanceof EngineError && /no answer within 300 ms/.test(e.message),
  );
  hanging.close();
});

Deno.test("bundle worker: one that cannot start leaves the work to this thread", async () => {
  const missing = new offThread.BundleWorker(new URL("../testing/no_such_worker.ts", import.meta.url));
  const { bundle, image } = await offThread.prepareOffThread(input, {}, { worker: missing });
  assert.equal(offThread.lastPrepareOnCallingThread, true);
  assert.equal(image, null);
  assert.deepEqual(bundle, await prepareBundle(input));
  missing.close();
});
