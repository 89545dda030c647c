import assert from "node:assert/strict";
import { check, main } from "./check.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

async function withFile(text: string, fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/gateway.yaml`, text);
    await fn(`${dir}/gateway.yaml`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("check: the defaults are ready to start, and the report says what would run", async () => {
  const r = await check({ env: env({}) });
  assert.deepEqual(r.problems, []);
  assert.equal(r.config, "(defaults)");
  assert.match(r.policy.revision ?? "", /^sha256:/);
  assert.match(r.jwt, /ephemeral/);
});

Deno.test("check: every problem is one line, and no secret is printed", async () => {
  await withFile(
    [
      "routes:",
      "  - { id: a, prefix: /a, upstream: 'http://a.internal' }",
      "policy: { bundle: /nonexistent/bundle.tar.gz, verifyAlg: ES256 }",
      "keys: { store: postgres }",
    ].join("\n"),
    async (path) => {
      const r = await check({
        config: path,
        env: env({ GATEWAY_KEY_SECRET: "short-secret-value", GATEWAY_JWT_KEYS: '[{"kty":"OKP"}]' }),
      });
      assert.equal(r.routes.length, 1);
      const text = r.problems.join("\n");
      for (const p of r.problems) assert.ok(!p.includes("\n"), p);
      assert.match(text, /GATEWAY_KEY_SECRET: must be at least 32 bytes/);
      assert.match(text, /GATEWAY_JWT_KEYS: /);
      assert.match(text, /policy\.verifyAlg is set but GATEWAY_BUNDLE_KEY is not/);
      assert.doesNotMatch(text, /short-secret-value/);
    },
  );
  await withFile("policy: { entrypoint: gateway/nothing }\n", async (path) => {
    const r = await check({ config: path, env: env({}) });
    assert.equal(r.problems.length, 1);
    assert.match(
      r.problems[0],
      /^policy policies: policy_compile_failed: .*"gateway\/nothing" does not refer to a rule/,
    );
  });
  await withFile("routes: [{ id: a, prefix: /a, upstrem: 'http://x' }]\n", async (path) => {
    const r = await check({ config: path, env: env({}) });
    assert.ok(r.problems.some((p) => /did you mean "upstream"/.test(p)), r.problems.join("\n"));
  });
});

Deno.test("check: --help exits 0, an unknown flag 2", async () => {
  assert.equal(await main(["--help"]), 0);
  assert.equal(await main(["--bogus"]), 2);
});
