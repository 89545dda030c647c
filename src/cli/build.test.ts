import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

Deno.test("build: an entrypoint naming no rule fails with OPA's message, and writes nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const output = join(dir, "bundle.tar.gz");
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["task", "build", "-e", "no/such/rule", "-o", output],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(run.stderr);
    assert.equal(run.code, 1, stderr);
    assert.match(stderr, /entrypoint "no\/such\/rule" does not refer to a rule or policy decision/);
    assert.equal(await Deno.stat(output).then(() => true, () => false), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("build: the decision-log mask rule becomes an entrypoint when the policy defines it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const src = join(dir, "src");
    await Deno.mkdir(src);
    await Deno.writeTextFile(join(src, "p.rego"), 'package gateway\ndecision := {"allow": true}\n');
    const build = async (name: string) => {
      const output = join(dir, name);
      const run = await new Deno.Command(Deno.execPath(), {
        args: ["task", "build", src, "-o", output],
        cwd: ROOT,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
      return new TextDecoder().decode(run.stdout);
    };
    assert.match(await build("a.tar.gz"), /entrypoints: gateway\/decision\)/);
    await Deno.writeTextFile(join(src, "mask.rego"), 'package system.log\nmask contains "/input/x"\n');
    assert.match(await build("b.tar.gz"), /entrypoints: gateway\/decision, system\/log\/mask\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
