import assert from "node:assert/strict";
import { npmPackageName, packagesLoadedBy, runtimeImports } from "./runtime_imports.ts";

Deno.test("runtime imports: package names from npm specifiers", () => {
  assert.equal(npmPackageName("npm:hono@^4.13.0"), "hono");
  assert.equal(npmPackageName("npm:/hono@^4.13.0/"), "hono");
  assert.equal(npmPackageName("npm:/@noble/hashes@^2.4.0/"), "@noble/hashes");
  assert.equal(npmPackageName("npm:@upstash/redis@^1.35.0"), "@upstash/redis");
  assert.equal(npmPackageName("./local.ts"), null);
});

Deno.test("runtime imports: the gateway's entry points load the stores' clients, not the build or bench tools", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  const used = new Set<string>();
  for (const entry of ["../main.ts", "./keys.ts"]) {
    for (const name of await packagesLoadedBy(new URL(entry, import.meta.url).pathname)) used.add(name);
  }
  const kept = Object.keys(runtimeImports(config.imports, used));
  for (
    const name of [
      "hono",
      "postgres",
      "@upstash/redis",
      "@redis/client",
      "binaryen",
      "@open-policy-agent/opa-wasm",
      "undici", // imported dynamically (upstream.client)
    ]
  ) {
    assert.ok(kept.includes(name), name);
  }
});

Deno.test("runtime imports: deno.json maps only what the gateway and its tasks load (the first run installs no build or bench tool)", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  const used = new Set<string>();
  for (
    const entry of ["../main.ts", "./keys.ts", "./check.ts", "./build.ts", "../engine/compile_worker.ts"]
  ) {
    for (const name of await packagesLoadedBy(new URL(entry, import.meta.url).pathname)) used.add(name);
  }
  // The test, benchmark and runtime-build tools are inline npm: specifiers in the files that use them.
  const mapped = new Set(Object.keys(config.imports).map((k) => k.replace(/\/$/, "")));
  for (const name of ["autocannon", "assemblyscript", "fast-check", "pure-rand", "ajv"]) {
    assert.ok(!mapped.has(name), `${name} is a dev tool: not in the import map`);
  }
  assert.deepEqual([...mapped].filter((name) => !used.has(name)), [], "mapped but loaded by no entry point");
});
