import assert from "node:assert/strict";
import { assertFails, call } from "./test_support.ts";

const OPA = JSON.parse(await Deno.readTextFile(new URL("./testdata/globs_match_opa.json", import.meta.url)));

Deno.test("regex.globs_match answers as OPA (its glob-intersection algorithm, not language intersection)", () => {
  for (const [a, b, want] of OPA.cases as [string, string, boolean | "ERROR"][]) {
    if (want === "ERROR") assert.throws(() => call("regex.globs_match", a, b), `${a} ${b}`);
    else assert.equal(call("regex.globs_match", a, b), want, `${a} ${b}`);
  }
  assert.equal(call("regex.globs_match", "x[ab]*y", "x[cd]*y"), false); // both match "xy"
  assertFails("regex.globs_match", ["*a", "a"], "regex.globs_match: flag '*' must be preceded by a non-flag");
  assertFails("regex.globs_match", ["[z-a]", "b"], /range is out of order/);
});
