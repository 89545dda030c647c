import assert from "node:assert/strict";
import { jsonResults, main, runPolicyTests } from "./policy_test.ts";

Deno.test("policy:test captures each test's print() lines, <undefined> for undefined arguments", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/a.rego`,
      `package demo\nimport rego.v1\nallow if {\n  print("user is", input.user, input.missing)\n  input.user == "alice"\n}\n`,
    );
    await Deno.writeTextFile(
      `${dir}/a_test.rego`,
      `package demo\nimport rego.v1\ntest_alice if allow with input as {"user": "alice"}\ntest_bob if allow with input as {"user": "bob"}\n`,
    );
    const { outcomes, errors } = await runPolicyTests({ paths: [dir], regoVersion: 1 });
    assert.deepEqual(errors, []);
    assert.deepEqual(outcomes.map((o) => [o.name, o.passed, o.printed]), [
      ["demo/test_alice", true, ["user is alice <undefined>"]],
      // As in OPA: its rule index reads `input.user == "alice"` before the body, so for bob the
      // body (and its print) is never evaluated.
      ["demo/test_bob", false, []],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function withFiles(files: Record<string, string>, fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(`${dir}/${name}`, text);
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const rows = (ranges: { start: { row: number }; end: { row: number } }[] | undefined) =>
  (ranges ?? []).map((r) => [r.start.row, r.end.row]);

Deno.test("coverage: OPA's own threshold case — 40%, rows 3-4 and 7 not covered", async () => {
  // OPA's cmd/test_test.go: "coverage threshold not met" expects 40.00 and 3-4, 7.
  const text = "package test\n\np := 1 if {\n\t1 == 1\n}\nq := 2\nr := 3\ntest_q if { q == 2 }\n";
  await withFiles({ "test.rego": text }, async (dir) => {
    const { outcomes, coverage } = await runPolicyTests({ paths: [dir], regoVersion: 1, coverage: true });
    assert.ok(outcomes.every((o) => o.passed));
    const file = coverage!.files[`${dir}/test.rego`];
    assert.deepEqual(rows(file.covered), [[6, 6], [8, 8]]);
    assert.deepEqual(rows(file.not_covered), [[3, 4], [7, 7]]);
    assert.equal(file.covered_lines, 2);
    assert.equal(file.not_covered_lines, 3);
    assert.equal(coverage!.coverage, 40);
    assert.deepEqual(Object.keys(coverage!), ["files", "covered_lines", "not_covered_lines", "coverage"]);
  });
});

Deno.test("coverage: a default used or not, an else branch, a partial set, some-declarations left out", async () => {
  const text = `package t

default allow := false

allow if {
	input.x == 1
}

s contains v if {
	some v in [1, 2]
	v > 1
}

f(x) := 1 if x > 0
else := 2

test_allow if allow with input as {"x": 1}
test_s if s == {2}
test_f if f(1) == 1
`;
  await withFiles({ "t.rego": text }, async (dir) => {
    const { coverage } = await runPolicyTests({ paths: [dir], regoVersion: 1, coverage: true });
    const file = coverage!.files[`${dir}/t.rego`];
    assert.deepEqual(rows(file.covered), [[5, 6], [9, 9], [11, 11], [14, 14], [17, 19]]);
    assert.deepEqual(rows(file.not_covered), [[3, 3], [15, 15]]);
    assert.equal(coverage!.coverage, 80);
    // The default and the else are reached once a test needs them.
    const more = text + `test_deny if not allow with input as {"x": 2}\ntest_else if f(0) == 2\n`;
    await Deno.writeTextFile(`${dir}/t.rego`, more);
    const again = await runPolicyTests({ paths: [dir], regoVersion: 1, coverage: true });
    assert.equal(again.coverage!.coverage, 100);
    // --run selects tests by OPA's name.
    const one = await runPolicyTests({ paths: [dir], regoVersion: 1, run: /^data\.t\.test_s$/ });
    assert.deepEqual(one.outcomes.map((o) => o.name), ["t/test_s"]);
  });
});

Deno.test("policy:test --help exits 0, an unknown flag 2, --format json has OPA's fields", async () => {
  assert.equal(await main(["--help"]), 0);
  assert.equal(await main(["--no-such-flag"]), 2);
  await withFiles({ "a_test.rego": "package a.b\n\ntest_ok if true\ntest_bad if false\n" }, async (dir) => {
    const { outcomes } = await runPolicyTests({ paths: [dir], regoVersion: 1 });
    const json = jsonResults(outcomes);
    assert.deepEqual(json.map((r) => [r.package, r.name, r.fail, r.location]), [
      ["data.a.b", "test_ok", undefined, { file: `${dir}/a_test.rego`, row: 3, col: 1 }],
      ["data.a.b", "test_bad", true, { file: `${dir}/a_test.rego`, row: 4, col: 1 }],
    ]);
    assert.ok(json.every((r) => typeof r.duration === "number"));
  });
});

Deno.test("policy:test --bench: passing tests are run in growing rounds and report N and ns/op; failing ones are not", async () => {
  await withFiles({
    "a.rego": 'package demo\nimport rego.v1\nallow if input.user == "alice"\n',
    "a_test.rego":
      'package demo\nimport rego.v1\ntest_alice if allow with input as {"user": "alice"}\ntest_bob if allow with input as {"user": "bob"}\n',
  }, async (dir) => {
    const { outcomes } = await runPolicyTests({ paths: [dir], regoVersion: 1, benchMs: 20 });
    const [alice, bob] = outcomes;
    assert.ok(alice.bench !== undefined && alice.bench.N >= 1 && alice.bench.nsPerOp > 0);
    assert.ok(alice.bench.T >= 20e6, "the last round lasted at least the bench time");
    assert.match(String(alice.bench.N), /^[125]0*$/, "rounds of 1, 2, 5, 10… as Go's testing.B");
    assert.equal(bob.passed, false);
    assert.equal(bob.bench, undefined);
    const [json] = jsonResults([alice]) as { bench_result?: { N: number; ns_per_op: number } }[];
    assert.equal(json.bench_result?.N, alice.bench.N);
  });
  assert.equal(await main(["--bench", "--benchtime", "zero"]), 2);
});
