import assert from "node:assert/strict";
import { KeyError } from "./errors.ts";
import { resolveKeySecret, secretFilePath } from "./secret.ts";

const noEnv = () => undefined;

Deno.test("GATEWAY_KEY_SECRET wins and must be long enough", async () => {
  const env = (name: string) => (name === "GATEWAY_KEY_SECRET" ? "x".repeat(40) : undefined);
  const resolved = await resolveKeySecret({ storePath: "/nonexistent/keys.db", env });
  assert.equal(resolved.source, "env");
  assert.deepEqual(resolved.secret, new TextEncoder().encode("x".repeat(40)));
  await assert.rejects(
    resolveKeySecret({ storePath: null, env: () => "short" }),
    (e: unknown) => e instanceof KeyError && e.code === "key_secret_invalid",
  );
});

Deno.test("without the variable a secret is generated beside the store once, mode 0600, then reused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const storePath = `${dir}/sub/keys.db`;
    const first = await resolveKeySecret({ storePath, env: noEnv });
    assert.equal(first.source, "generated");
    assert.equal(first.secret.length, 32);
    const info = await Deno.stat(secretFilePath(storePath));
    if (Deno.build.os !== "windows") assert.equal(info.mode! & 0o777, 0o600);
    const second = await resolveKeySecret({ storePath, env: noEnv });
    assert.equal(second.source, "file");
    assert.deepEqual(second.secret, first.secret);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an in-memory store with no variable has nowhere to keep a secret", async () => {
  await assert.rejects(resolveKeySecret({ storePath: ":memory:", env: noEnv }), KeyError);
});

Deno.test("a truncated secret file is refused rather than silently replaced", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(secretFilePath(`${dir}/keys.db`), "abcd\n");
    await assert.rejects(resolveKeySecret({ storePath: `${dir}/keys.db`, env: noEnv }), KeyError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
