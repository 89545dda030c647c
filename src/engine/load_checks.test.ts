/**
 * What a load refuses besides a corrupt bundle: a module without the entrypoint the caller
 * evaluates, a module calling built-ins nobody implements, data over its limit; and how the data
 * reaches the module (JSON bytes, keys in the module's order), on this thread or from a worker.
 */
import assert from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { compile } from "../rego/mod.ts";
import { emptyManifest } from "./bundle/manifest.ts";
import { serializeData } from "./bundle/data.ts";
import { resolveLimits } from "./bundle/limits.ts";
import { lastPrepareOnCallingThread } from "./bundle/prepare_off_thread.ts";
import { assembleFiles, writeBundle } from "./bundle/write.ts";
import { adaptBuiltins } from "./builtin_adapter.ts";
import { HOST_BUILTINS } from "./builtins/index.ts";
import { instantiatePolicy, loadBundle } from "./load.ts";
import { makeDataImage } from "./module_data.ts";
import { evaluatePolicy } from "./policy.ts";
import { EngineError } from "./types.ts";

const enc = new TextEncoder();

function engineError(code: string, pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof EngineError, `expected EngineError, got ${e}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  };
}

/** A built bundle (module, manifest) of one source, compiled for `entrypoints`. */
async function builtBundle(
  rego: string,
  entrypoints: string[],
  data: Record<string, unknown> = {},
  allowBuiltins: string[] = [],
) {
  const compiled = compile([{ path: "p.rego", text: rego }], { entrypoints, allowBuiltins });
  assert.ok(compiled.wasm, compiled.diagnostics.map((d) => d.message).join("\n"));
  const manifest = {
    ...emptyManifest(),
    revision: "r1",
    wasm: entrypoints.map((entrypoint) => ({ entrypoint, module: "/policy.wasm" })),
  };
  return await writeBundle(assembleFiles({ manifest, data, wasm: compiled.wasm }));
}

Deno.test("load: a module without the entrypoint the caller evaluates is refused, built or not", async () => {
  const rego = "package other\n\nrule := true\n";
  const bytes = await builtBundle(rego, ["other/rule"]);
  await assert.rejects(
    loadBundle({ kind: "archive", bytes }, { entrypoints: ["gateway/decision"] }),
    engineError(
      "bundle_entrypoint_missing",
      /lacks entrypoint\(s\) gateway\/decision \(it has: other\/rule\)/,
    ),
  );
  // Sources compiled at load: the compiler's error, in OPA's words.
  await assert.rejects(
    loadBundle({ kind: "files", files: new Map([["p.rego", enc.encode(rego)]]) }, {
      entrypoints: ["gateway/decision"],
    }),
    engineError("policy_compile_failed", /entrypoint "gateway\/decision" does not refer to a rule/),
  );
  // The same bundle for a caller of other/rule loads.
  const loaded = await loadBundle({ kind: "archive", bytes }, { entrypoints: ["other/rule"] });
  assert.deepEqual(loaded.info.entrypoints, ["other/rule"]);
});

Deno.test("load: a module calling built-ins nobody implements is refused with their names", async () => {
  const rego = `package gateway

decision := {"allow": http.send({"method": "GET", "url": input.u}).status_code == 200}
`;
  // Compiled with http.send allowed, as a module built elsewhere may call it.
  const bytes = await builtBundle(rego, ["gateway/decision"], {}, ["http.send"]);
  await assert.rejects(
    loadBundle({ kind: "archive", bytes }),
    engineError("bundle_builtin_missing", /does not implement: http\.send$/),
  );
  // Given by the host, it is fine; the SDK's own (sprintf) and the host's (HOST_BUILTINS) count.
  const provided = { ...HOST_BUILTINS, "http.send": () => ({ status_code: 200 }) };
  await loadBundle({ kind: "archive", bytes }, { builtins: provided });
  const usual = await builtBundle(
    'package gateway\n\ndecision := {"s": sprintf("%d", [1]), "u": upper("a"), "t": time.now_ns()}\n',
    ["gateway/decision"],
  );
  await loadBundle({ kind: "archive", bytes: usual });
});

Deno.test("load: data over maxDataBytes is refused, and the old answer of a load is unchanged below it", async () => {
  const rego = "package gateway\n\ndecision := data.tiers\n";
  const data = { tiers: { free: 1, paid: "x".repeat(2000) } };
  const bytes = await builtBundle(rego, ["gateway/decision"], data);
  await assert.rejects(
    loadBundle({ kind: "archive", bytes }, { limits: { maxDataBytes: 1000 } }),
    engineError("bundle_too_large", /maxDataBytes/),
  );
  const loaded = await loadBundle({ kind: "archive", bytes }, { limits: { maxDataBytes: 4000 } });
  const result = evaluatePolicy(loaded.instance.policy!, "r", "gateway/decision", {});
  assert.ok(result.ok);
  assert.deepEqual(result.value, data.tiers);
});

Deno.test("load: read in a worker, a bundle loads as on this thread; its errors arrive the same", async () => {
  const bytes = await builtBundle("package gateway\n\ndecision := data.a\n", ["gateway/decision"], {
    a: [1, 2],
  });
  const here = await loadBundle({ kind: "archive", bytes });
  const there = await loadBundle({ kind: "archive", bytes }, { readOffThread: true });
  assert.equal(lastPrepareOnCallingThread, false);
  assert.deepEqual(there.info.revision, here.info.revision);
  const a = evaluatePolicy(there.instance.policy!, "r", "gateway/decision", {});
  const b = evaluatePolicy(here.instance.policy!, "r", "gateway/decision", {});
  assert.ok(a.ok && b.ok);
  assert.deepEqual(a.value, [1, 2]);
  assert.deepEqual(a.value, b.value);
  assert.equal(bytes.byteLength > 0, true); // the caller's bytes are copied, not taken
  await assert.rejects(
    loadBundle({ kind: "archive", bytes: enc.encode("not gzip") }, { readOffThread: true }),
    engineError("bundle_corrupt", /not valid gzip/),
  );
  await assert.rejects(
    loadBundle({ kind: "archive", bytes }, { readOffThread: true, limits: { maxDataBytes: 4 } }),
    engineError("bundle_too_large", /maxDataBytes/),
  );
});

/** JSON values as bundle data holds them (no sets), with keys that stress the order. */
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ unit: "binary" }),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: "binary", maxLength: 4 }), tie("value"), { maxKeys: 6 }),
  ),
})).value;

Deno.test("load property: data given as sorted JSON bytes, or as a module image, reads back as the SDK's setData gives it", async () => {
  const compiled = compile([{ path: "p.rego", text: "package p\n\nwhole := data.d\n" }], {
    entrypoints: ["p/whole"],
  });
  const builtins = adaptBuiltins(HOST_BUILTINS, false);
  await fc.assert(
    fc.asyncProperty(
      fc.dictionary(fc.string({ unit: "binary", maxLength: 6 }), jsonValue, { maxKeys: 8 }),
      async (data) => {
        const bytes = serializeData({ d: data }, resolveLimits());
        const viaBytes = await instantiatePolicy(compiled.wasm!, { json: bytes, image: null }, builtins);
        const image = await makeDataImage(compiled.wasm!, bytes);
        assert.ok(image !== null);
        const viaImage = await instantiatePolicy(compiled.wasm!, { json: new Uint8Array(), image }, builtins);
        const viaSdk = await instantiatePolicy(compiled.wasm!, { d: data }, builtins);
        const expected = viaSdk.evaluate({}, "p/whole");
        assert.deepEqual(viaBytes.evaluate({}, "p/whole"), expected);
        assert.deepEqual(viaImage.evaluate({}, "p/whole"), expected);
        assert.deepEqual(viaImage.evaluate({}, "p/whole"), expected); // and again: the heap top is right
      },
    ),
    { numRuns: 150 },
  );
});

Deno.test("load: an optional entrypoint (system/log/mask) is compiled and kept when the policy has it, else no error", async () => {
  const policy = enc.encode('package gateway\ndecision := {"allow": true}\n');
  const mask = enc.encode('package system.log\nmask contains "/input/x"\n');
  const opts = { entrypoints: ["gateway/decision"], optionalEntrypoints: ["system/log/mask"] };
  const withMask = await loadBundle(
    { kind: "files", files: new Map([["p.rego", policy], ["m.rego", mask]]) },
    opts,
  );
  assert.deepEqual(withMask.info.entrypoints, ["gateway/decision", "system/log/mask"]);
  const value = withMask.instance.evaluate("r", "system/log/mask", { input: { x: 1 } });
  assert.deepEqual(value.ok && value.value, ["/input/x"]);
  const without = await loadBundle({ kind: "files", files: new Map([["p.rego", policy]]) }, opts);
  assert.deepEqual(without.info.entrypoints, ["gateway/decision"]);
  // A module built elsewhere: kept when it has it, no error when it has not.
  const built = await builtBundle('package system.log\nmask contains "/input/x"\n', ["system/log/mask"]);
  const loaded = await loadBundle({ kind: "archive", bytes: built }, {
    optionalEntrypoints: ["system/log/mask"],
  });
  assert.deepEqual(loaded.info.entrypoints, ["system/log/mask"]);
  const other = await builtBundle("package p\nr := 1\n", ["p/r"]);
  const noMask = await loadBundle({ kind: "archive", bytes: other }, {
    entrypoints: ["p/r"],
    optionalEntrypoints: ["system/log/mask"],
  });
  assert.deepEqual(noMask.info.entrypoints, ["p/r"]);
});
