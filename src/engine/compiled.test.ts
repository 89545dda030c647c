/**
 * End to end with the project's compiler: Rego → module → bundle → SDK → evaluation.
 * (Needs src/rego's compile(); fails until it lands.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { main as build } from "../cli/build.ts";
import { runPolicyTests } from "../cli/policy_test.ts";
import { PolicyEngine } from "./engine.ts";
import { loadBundle } from "./load.ts";
import { readBundle } from "./bundle/read.ts";

const POLICY = `package gateway

default decision := {"allow": false}

decision := {"allow": true, "tier": data.tiers[input.key]} if {
  input.key in object.keys(data.tiers)
}
`;

async function withPolicyDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "decision.rego"), POLICY);
    await Deno.writeTextFile(join(dir, "data.json"), JSON.stringify({ tiers: { k1: "free" } }));
    await Deno.writeTextFile(
      join(dir, "decision_test.rego"),
      'package gateway_test\n\ntest_known if data.gateway.decision.allow with input as {"key": "k1"}\n' +
        'test_unknown_fails if data.gateway.decision.allow with input as {"key": "nope"}\n',
    );
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("compiled: a directory of sources loads and evaluates", async () => {
  await withPolicyDir(async (dir) => {
    const { readBundleDirectory } = await import("./bundle/directory.ts");
    const engine = new PolicyEngine();
    engine.activate(
      await loadBundle({ kind: "files", files: await readBundleDirectory(dir) }, {
        entrypoints: ["gateway/decision"],
      }),
    );
    const allowed = engine.evaluate("gateway/decision", { key: "k1" });
    assert.ok(allowed.ok, !allowed.ok ? allowed.error.message : "");
    assert.deepEqual(allowed.value, { allow: true, tier: "free" });
    const denied = engine.evaluate("gateway/decision", { key: "other" });
    assert.ok(denied.ok);
    assert.deepEqual(denied.value, { allow: false });
  });
});

Deno.test("compiled: the build CLI writes a bundle the engine loads", async () => {
  await withPolicyDir(async (dir) => {
    const out = join(dir, "out", "bundle.tar.gz");
    assert.equal(
      await build([dir, "-o", out, "--revision", "r42", "--signing-key", "s3cret", "--signing-alg", "HS256"]),
      0,
    );
    const bytes = await Deno.readFile(out);
    const bundle = await readBundle(bytes, { verification: { alg: "HS256", key: "s3cret" } });
    assert.equal(bundle.manifest.revision, "r42");
    assert.deepEqual(bundle.manifest.wasm, [{ entrypoint: "gateway/decision", module: "/policy.wasm" }]);
    assert.ok(bundle.files.has("decision_test.rego"));
    const loaded = await loadBundle({ kind: "archive", bytes });
    const engine = new PolicyEngine();
    engine.activate(loaded);
    const result = engine.evaluate("gateway/decision", { key: "k1" });
    assert.ok(result.ok && result.revision === "r42");
  });
});

Deno.test("compiled: the build CLI reports compile errors and exits 1", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "bad.rego"), "package gateway\n\ndecision := {\n");
    assert.equal(await build([dir, "-o", join(dir, "b.tar.gz")]), 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compiled: policy:test runs test rules", async () => {
  await withPolicyDir(async (dir) => {
    const { outcomes, errors } = await runPolicyTests({ paths: [dir], regoVersion: 1 });
    assert.deepEqual(errors, []);
    assert.deepEqual(outcomes.map((o) => [o.name, o.passed]), [
      ["gateway_test/test_known", true],
      ["gateway_test/test_unknown_fails", false],
    ]);
  });
});

Deno.test("compiled: the manifest's rego_version and file_rego_versions choose each file's syntax", async () => {
  const { readBundleDirectory } = await import("./bundle/directory.ts");
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "legacy"));
    // Rego v0: no `if`, `deny[msg] { … }` is a partial set.
    await Deno.writeTextFile(
      join(dir, "legacy", "old.rego"),
      'package legacy\n\ndeny[msg] { input.x > 1; msg := "big" }\n',
    );
    await Deno.writeTextFile(
      join(dir, "new.rego"),
      'package gateway\nimport rego.v1\n\ndecision := {"allow": count(data.legacy.deny) == 0}\n',
    );
    await Deno.writeTextFile(
      join(dir, ".manifest"),
      JSON.stringify({ rego_version: 1, file_rego_versions: { "legacy/*.rego": 0 } }),
    );
    const engine = new PolicyEngine();
    engine.activate(
      await loadBundle({ kind: "files", files: await readBundleDirectory(dir) }, {
        entrypoints: ["gateway/decision"],
      }),
    );
    const allowed = engine.evaluate("gateway/decision", { x: 1 });
    assert.ok(allowed.ok, !allowed.ok ? allowed.error.message : "");
    assert.deepEqual(allowed.value, { allow: true });
    const denied = engine.evaluate("gateway/decision", { x: 2 });
    assert.ok(denied.ok);
    assert.deepEqual(denied.value, { allow: false });

    // Without the per-file entry the v0 file is rejected as v1.
    await Deno.writeTextFile(join(dir, ".manifest"), JSON.stringify({ rego_version: 1 }));
    await assert.rejects(
      async () =>
        await loadBundle({ kind: "files", files: await readBundleDirectory(dir) }, {
          entrypoints: ["gateway/decision"],
        }),
      /rego_parse_error/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compiled: a policy whose static data exceeds the SDK's default 5 pages loads", async () => {
  const { readBundleDirectory } = await import("./bundle/directory.ts");
  const dir = await Deno.makeTempDir();
  try {
    // ~600 KB of distinct string constants: more than 5 × 64 KiB of data segments.
    const names = Array.from({ length: 3000 }, (_, i) => `"${"n".repeat(190)}${i}"`);
    await Deno.writeTextFile(
      join(dir, "big.rego"),
      `package gateway\nimport rego.v1\nnames := {${
        names.join(", ")
      }}\ndecision := {"allow": count(names) == 3000}\n`,
    );
    const engine = new PolicyEngine();
    engine.activate(
      await loadBundle({ kind: "files", files: await readBundleDirectory(dir) }, {
        entrypoints: ["gateway/decision"],
      }),
    );
    const result = engine.evaluate("gateway/decision", {});
    assert.ok(result.ok, !result.ok ? result.error.message : "");
    assert.deepEqual(result.value, { allow: true });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
