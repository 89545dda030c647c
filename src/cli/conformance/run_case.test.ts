import assert from "node:assert/strict";
import { HOST_BUILTINS } from "../../engine/builtins/index.ts";
import type { Case } from "./cases.ts";
import { caseInputs, runCase } from "./run_case.ts";

const MODULE = "package test\n\ny := input.x + 5\n";

Deno.test("run case: input {many!: [...]} evaluates once per input, results in order", async () => {
  assert.deepEqual(caseInputs({ "many!": [1, { a: 2 }] }), [1, { a: 2 }]);
  assert.equal(caseInputs({ "many!": [1], other: 2 }), undefined);
  assert.equal(caseInputs({ x: 1 }), undefined);
  assert.equal(caseInputs(undefined), undefined);
  const c: Case = {
    note: "many",
    modules: [MODULE],
    input: { "many!": [{ x: 1 }, { x: 5 }] },
    query: "data.test.y",
    want_result: { "many!": [6, 10] },
  };
  assert.equal((await runCase("f.yaml", c, HOST_BUILTINS)).status, "pass");
  const wrong = await runCase("f.yaml", { ...c, want_result: { "many!": [10, 6] } }, HOST_BUILTINS);
  assert.equal(wrong.status, "fail");
  const partly = await runCase("f.yaml", { ...c, input: { "many!": [{ x: 1 }, {}] } }, HOST_BUILTINS);
  assert.equal(partly.status, "fail"); // the second evaluation is undefined
});

Deno.test("run case: a unification query reports its variables' bindings", async () => {
  const c: Case = {
    note: "oldstyle",
    modules: ["package test\n\np = 4\n"],
    query: "data.test.p = x",
    want_result: { x: 4 },
  };
  assert.equal((await runCase("f.yaml", c, HOST_BUILTINS)).status, "pass");
  const none = await runCase("f.yaml", { ...c, query: "data.test.p = 5" }, HOST_BUILTINS);
  assert.equal(none.status, "fail");
  assert.equal(none.got, "undefined");
});
