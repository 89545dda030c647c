import assert from "node:assert/strict";
import { assertFails, call } from "./test_support.ts";

Deno.test("semver.is_valid per SemVer 2.0.0", () => {
  for (const v of ["1.9.10", "1.8.15", "1.1.12-rc1+foo", "0.0.0", "1.0.0-alpha.1", "1.0.0+build.5"]) {
    assert.equal(call("semver.is_valid", v), true, v);
  }
  for (const v of ["1.1", "v1.0.0", "01.0.0", "1.0.0-01", "1.0.0-", "1.0.0+", "", " 1.0.0"]) {
    assert.equal(call("semver.is_valid", v), false, v);
  }
  assert.equal(call("semver.is_valid", 1), false);
});

Deno.test("semver.compare: precedence rules", () => {
  assert.equal(call("semver.compare", "1.9.10", "1.8.15"), 1);
  assert.equal(call("semver.compare", "1.8.15", "1.9.10"), -1);
  assert.equal(call("semver.compare", "1.9.10", "1.9.10"), 0);
  assert.equal(call("semver.compare", "1.10.0", "1.9.0"), 1); // numeric, not lexical
  const chain = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
  ];
  for (let i = 1; i < chain.length; i++) {
    assert.equal(call("semver.compare", chain[i - 1], chain[i]), -1, chain[i]);
  }
  assert.equal(call("semver.compare", "1.0.0+a", "1.0.0+b"), 0); // build metadata is ignored
  assertFails(
    "semver.compare",
    ["1.0", "1.0.0"],
    'semver.compare: operand 1: string "1.0" is not a valid SemVer',
  );
  assertFails("semver.compare", ["1.0.0", 1], "semver.compare: operand 2 must be string but got number");
});
