import assert from "node:assert/strict";
import { DEFAULT_ENTRYPOINT, DEFAULT_OUTPUT, parseBuildArgs } from "./build.ts";
import { HelpRequested, UsageError } from "./cli_args.ts";
import { parseConformanceArgs } from "./conformance.ts";
import { findTests, parsePolicyTestArgs } from "./policy_test.ts";

Deno.test("build args: defaults", () => {
  const c = parseBuildArgs([]);
  assert.deepEqual(c.paths, ["policies"]);
  assert.deepEqual(c.entrypoints, []);
  assert.equal(c.output, DEFAULT_OUTPUT);
  assert.equal(c.regoVersion, 1);
  assert.equal(c.strict, false);
  assert.equal(c.signingAlg, "RS256");
  assert.equal(DEFAULT_ENTRYPOINT, "gateway/decision");
});

Deno.test("build args: every option", () => {
  const c = parseBuildArgs([
    "a",
    "b.rego",
    "-e",
    "x.y",
    "--entrypoint",
    "p/q",
    "-o",
    "out.tar.gz",
    "--revision",
    "r7",
    "--v0-compatible",
    "--strict",
    "-O",
    "--signing-key",
    "key.pem",
    "--signing-alg",
    "ES256",
  ]);
  assert.deepEqual(c.paths, ["a", "b.rego"]);
  assert.deepEqual(c.entrypoints, ["x/y", "p/q"]);
  assert.equal(c.output, "out.tar.gz");
  assert.equal(c.revision, "r7");
  assert.equal(c.regoVersion, 0);
  assert.ok(c.strict && c.optimize);
  assert.equal(c.signingKey, "key.pem");
  assert.equal(c.signingAlg, "ES256");
});

Deno.test("build args: bad input is a usage error", () => {
  assert.throws(() => parseBuildArgs(["--nope"]), UsageError);
  assert.throws(() => parseBuildArgs(["--signing-key", "k", "--signing-alg", "PS999"]), /signing-alg/);
  assert.throws(() => parseBuildArgs(["--signing-alg", "HS256"]), /needs --signing-key/);
});

Deno.test("policy:test args and test discovery", () => {
  const defaults = parsePolicyTestArgs([]);
  assert.deepEqual(defaults.paths, ["policies"]);
  assert.equal(defaults.regoVersion, 1);
  assert.equal(defaults.verbose, false);
  assert.equal(defaults.coverage, false);
  assert.equal(defaults.format, "pretty");
  const c = parsePolicyTestArgs([
    "p",
    "q.rego",
    "--v0-compatible",
    "-v",
    "--threshold",
    "80",
    "-r",
    "allow$",
  ]);
  assert.deepEqual(c.paths, ["p", "q.rego"]);
  assert.equal(c.regoVersion, 0);
  assert.equal(c.verbose, true);
  assert.equal(c.coverage, true, "a threshold implies coverage");
  assert.equal(c.threshold, 80);
  assert.ok(c.run!.test("data.x.test_allow"));
  assert.throws(() => parsePolicyTestArgs(["--format", "xml"]), UsageError);
  assert.throws(() => parsePolicyTestArgs(["--threshold", "101"]), UsageError);
  assert.throws(() => parsePolicyTestArgs(["--run", "("]), UsageError);
  assert.throws(() => parsePolicyTestArgs(["--nope"]), UsageError);
  assert.throws(() => parsePolicyTestArgs(["--help"]), HelpRequested);
  const text =
    "package gateway.decision_test\n\ntest_allow if { true }\ntest_deny := true\n  test_indented if true\nhelper := 1\ntest_allow if { 1 }\n";
  assert.deepEqual(findTests({ path: "x_test.rego", text }), [
    "gateway/decision_test/test_allow",
    "gateway/decision_test/test_deny",
  ]);
});

Deno.test("conformance args", () => {
  const c = parseConformanceArgs(["--json", "d1", "d2", "--update-known-failures"]);
  assert.deepEqual(c, { dirs: ["d1", "d2"], json: true, updateKnownFailures: true });
  assert.match(parseConformanceArgs([]).dirs[0], /shared\/conformance$/);
});
