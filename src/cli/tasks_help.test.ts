/**
 * Every task of deno.json answers `--help` with its usage and exit 0, and refuses an unknown flag
 * with exit 2 (`test` is Deno's own test runner, which does both itself).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const tasks = Object.keys(
  JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).tasks as Record<string, string>,
)
  .filter((t) => t !== "test");

async function runTask(task: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", task, ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return { code: r.code, out: new TextDecoder().decode(r.stdout), err: new TextDecoder().decode(r.stderr) };
}

Deno.test({
  name: "every task answers --help (exit 0) and refuses an unknown flag (exit 2)",
  sanitizeResources: false,
  async fn() {
    assert.ok(tasks.includes("policy:eval") && tasks.includes("policy:test"));
    for (const task of tasks) {
      const help = await runTask(task, ["--help"]);
      assert.equal(help.code, 0, `${task} --help: ${help.err}`);
      assert.match(help.out, /usage:/, `${task} --help prints its usage`);
      const bad = await runTask(task, ["--no-such-flag-xyz"]);
      assert.equal(bad.code, 2, `${task} --no-such-flag-xyz: ${bad.err}`);
    }
  },
});
