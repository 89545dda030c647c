/**
 * A start that cannot go on says why in one line and exits 2: no stack trace, no secret.
 */
import assert from "node:assert/strict";
import { ROOT } from "./harness.ts";

async function start(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const dir = await Deno.makeTempDir();
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--unstable-kv", "src/main.ts"],
      cwd: ROOT,
      env: { GATEWAY_KEYS_DB: `${dir}/keys.db`, GATEWAY_PORT: "0", ...env },
      stdout: "null",
      stderr: "piped",
    }).output();
    return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The last line of stderr (earlier ones are the JSON log), and that there is no stack trace. */
function oneLine(stderr: string): string {
  assert.doesNotMatch(stderr, /^\s+at /m, `a stack trace:\n${stderr}`);
  return stderr.trim().split("\n").at(-1)!;
}

Deno.test("startup errors: one line and exit 2 for bad secrets and a port in use", async () => {
  const badJwks = await start({ GATEWAY_JWT_KEYS: "{not json, secret-ish" });
  assert.equal(badJwks.code, 2);
  assert.match(oneLine(badJwks.stderr), /GATEWAY_JWT_KEYS is not valid JSON$/);
  assert.doesNotMatch(badJwks.stderr, /secret-ish/, "the variable's value is never printed");

  const shortSecret = await start({ GATEWAY_KEY_SECRET: "short" });
  assert.equal(shortSecret.code, 2);
  assert.match(oneLine(shortSecret.stderr), /GATEWAY_KEY_SECRET must be at least 32 bytes$/);

  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const busy = await start({ GATEWAY_PORT: String((taken.addr as Deno.NetAddr).port) });
    assert.equal(busy.code, 2);
    assert.match(oneLine(busy.stderr), /cannot listen on 127\.0\.0\.1:\d+: the address is in use/);
  } finally {
    taken.close();
  }
});
