import assert from "node:assert/strict";
import { ConfigError } from "./errors.ts";
import { parseConfig } from "./load.ts";

Deno.test("policy.bundle: a URL with credentials is refused, and the message does not repeat them", () => {
  for (
    const bundle of ["https://u:s3cret@bundles.example/b.tar.gz", "http://s3cret@bundles.example/b.tar.gz"]
  ) {
    assert.throws(() => parseConfig({ policy: { bundle } }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /policy\.bundle: a bundle URL must not carry credentials/);
      assert.doesNotMatch(e.message, /s3cret/);
      return true;
    });
  }
  for (const bundle of ["https://bundles.example/b.tar.gz?sig=x", "build/bundle.tar.gz", "policies"]) {
    assert.equal(parseConfig({ policy: { bundle } }).policy.bundle, bundle);
  }
});

Deno.test("policy.bundleLimits: optional positive integers, the engine's defaults when unset", () => {
  assert.deepEqual(parseConfig({}).policy.bundleLimits, {});
  assert.deepEqual(
    parseConfig({ policy: { bundleLimits: { maxDataBytes: 1024, maxFiles: 10 } } }).policy.bundleLimits,
    { maxDataBytes: 1024, maxFiles: 10 },
  );
  for (const bad of [{ maxDataBytes: 0 }, { maxArchiveBytes: 1.5 }, { maxBytes: 1 }]) {
    assert.throws(() => parseConfig({ policy: { bundleLimits: bad } }), ConfigError, JSON.stringify(bad));
  }
});
