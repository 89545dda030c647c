import assert from "node:assert/strict";
import { runPolicyTests } from "./policy_test.ts";

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
    const { outcomes, errors } = await runPolicyTests({ dir, regoVersion: 1 });
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
