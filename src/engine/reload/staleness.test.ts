import assert from "node:assert/strict";
import { builtBundleIsStale } from "./staleness.ts";

Deno.test("a built bundle older than a file of its sources (at any depth) is stale", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/policies/lib`, { recursive: true });
    await Deno.writeTextFile(`${dir}/policies/lib/a.rego`, "package a\n");
    await Deno.writeTextFile(`${dir}/bundle.tar.gz`, "");
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    await Deno.utime(`${dir}/policies/lib/a.rego`, at(0), at(0));
    await Deno.utime(`${dir}/bundle.tar.gz`, at(10), at(10));
    assert.equal(await builtBundleIsStale(`${dir}/bundle.tar.gz`, `${dir}/policies`), false);
    await Deno.utime(`${dir}/policies/lib/a.rego`, at(20), at(20));
    assert.equal(await builtBundleIsStale(`${dir}/bundle.tar.gz`, `${dir}/policies`), true);
    assert.equal(await builtBundleIsStale(`${dir}/bundle.tar.gz`, `${dir}/none`), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
