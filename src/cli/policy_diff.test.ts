import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { disagreements } from "./diff/compare.ts";
import { parseInputs } from "./diff/inputs.ts";
import { formatText, parseDiffArgs, runDiff } from "./policy_diff.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Two policies that differ on one route: the candidate denies route "admin" to non-admins. */
const BASE = `package gateway
import rego.v1
default decision := {"allow": false, "reason": "no_route"}
decision := {"allow": true, "reason": "ok", "permissions": ["read"],
  "rate_limits": [{"key": concat(":", ["key", input.identity.key_id]), "limit": 10, "window": "1m"}]} if {
  input.route.id in {"public", "admin"}
}
`;
const CANDIDATE = BASE.replace(
  `input.route.id in {"public", "admin"}\n}`,
  `input.route.id in {"public", "admin"}\n  not denied\n}\ndenied if {\n  input.route.id == "admin"\n  not "admin" in input.identity.scopes\n}\ndecision := {"allow": false, "reason": "scope_missing"} if denied`,
);

const input = (route: string, scopes: string[] = [], path = `/${route}/x`) => ({
  identity: { key_id: "k1", scopes, type: "human" },
  request: { method: "GET", path },
  route: { id: route },
});

async function policies(): Promise<{ dir: string; base: string; candidate: string }> {
  const dir = await Deno.makeTempDir();
  for (const [name, text] of [["base", BASE], ["candidate", CANDIDATE]]) {
    await Deno.mkdir(`${dir}/${name}`);
    await Deno.writeTextFile(`${dir}/${name}/policy.rego`, text);
  }
  return { dir, base: `${dir}/base`, candidate: `${dir}/candidate` };
}

Deno.test("diff compare: each field is its own kind; permissions are a set; errors compare by code", () => {
  const d = { allow: true, reason: "ok", permissions: ["a", "b"], claims: { x: 1 } };
  assert.deepEqual(
    disagreements({ ok: true, value: d }, { ok: true, value: { ...d, permissions: ["b", "a"] } }),
    [],
  );
  assert.deepEqual(
    disagreements({ ok: true, value: d }, { ok: true, value: { ...d, allow: false, reason: "no" } }),
    ["allow", "reason"],
  );
  assert.deepEqual(disagreements({ ok: true, value: d }, { ok: true, value: { ...d, claims: { x: 2 } } }), [
    "claims",
  ]);
  assert.deepEqual(disagreements({ ok: true, value: d }, { ok: true, value: { ...d, rate_limits: [] } }), [
    "rate_limits",
  ]);
  assert.deepEqual(disagreements({ ok: true, value: d }, { ok: true, value: { ...d, extra: 1 } }), ["other"]);
  assert.deepEqual(disagreements({ ok: true, value: d }, { ok: false, error: "policy_undefined" }), [
    "error",
  ]);
  assert.deepEqual(disagreements({ ok: false, error: "e" }, { ok: false, error: "e" }), []);
});

Deno.test("diff inputs: plain inputs and decision-log events; events without an input are counted", () => {
  const text = [
    JSON.stringify(input("public")),
    "",
    JSON.stringify({ decision_id: "d1", path: "gateway/decision", input: input("admin"), result: {} }),
    JSON.stringify({ decision_id: "d2", path: "gateway/decision", result: {} }),
  ].join("\n");
  const { inputs, withoutInput } = parseInputs(text);
  assert.deepEqual(inputs.map((i) => i.line), [1, 3]);
  assert.deepEqual(inputs[1].input, input("admin"));
  assert.equal(withoutInput, 1);
  assert.throws(() => parseInputs("{not json"), /line 1: not JSON/);
});

Deno.test("diff: two policies differing on one route disagree on exactly that route's inputs", async () => {
  const { dir, base, candidate } = await policies();
  const file = `${dir}/decisions.jsonl`;
  await Deno.writeTextFile(
    file,
    [
      JSON.stringify(input("public")),
      JSON.stringify({ decision_id: "d1", path: "gateway/decision", input: input("admin") }),
      JSON.stringify(input("admin", ["admin"])),
      JSON.stringify(input("other")),
    ].join("\n") + "\n",
  );
  const report = await runDiff(parseDiffArgs(["--bundle", candidate, "--base", base, "--inputs", file]));
  assert.equal(report.inputs, 4);
  assert.equal(report.disagreeing, 1);
  assert.equal(report.disagreements[0].line, 2);
  assert.deepEqual(report.disagreements[0].kinds, ["allow", "reason", "permissions", "rate_limits"]);
  assert.deepEqual(report.disagreements[0].request, { route: "admin", method: "GET", path: "/admin/x" });
  assert.equal(report.counts.allow, 1);
  assert.equal(report.counts.claims, 0);
  const text = formatText(report);
  assert.match(text, /^line 2 route admin GET \/admin\/x: allow, reason, permissions, rate_limits$/m);
  assert.match(text, /allow → deny/);
  assert.match(text, /1 of 4 inputs decided differently/);

  // The same policy on both sides: nothing to report.
  const same = await runDiff(parseDiffArgs(["--bundle", base, "--base", base, "--inputs", file]));
  assert.equal(same.disagreeing, 0);
  await Deno.remove(dir, { recursive: true });
});

Deno.test({
  name: "diff CLI: exit 1 on disagreements (json report), 0 without, 2 on a usage error",
  sanitizeResources: false,
  async fn() {
    const { dir, base, candidate } = await policies();
    const file = `${dir}/inputs.jsonl`;
    await Deno.writeTextFile(
      file,
      JSON.stringify(input("admin")) + "\n" + JSON.stringify(input("public")) + "\n",
    );
    const run = async (args: string[]) => {
      const r = await new Deno.Command(Deno.execPath(), {
        args: ["task", "-q", "policy:diff", ...args],
        cwd: ROOT,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).output();
      return {
        code: r.code,
        out: new TextDecoder().decode(r.stdout),
        err: new TextDecoder().decode(r.stderr),
      };
    };
    const differ = await run(["--bundle", candidate, "--base", base, "--inputs", file, "--format", "json"]);
    assert.equal(differ.code, 1, differ.err);
    const report = JSON.parse(differ.out);
    assert.equal(report.disagreeing, 1);
    assert.equal(report.counts.allow, 1);
    const agree = await run(["--bundle", base, "--base", base, "--inputs", file]);
    assert.equal(agree.code, 0, agree.err);
    assert.match(agree.out, /0 of 2 inputs decided differently/);
    const usage = await run(["--bundle", candidate]);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /--inputs is required/);
    await Deno.remove(dir, { recursive: true });
  },
});
