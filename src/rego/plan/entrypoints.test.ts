import assert from "node:assert/strict";
import { compile } from "../mod.ts";

const SOURCES = [
  { path: "gateway.rego", text: 'package gateway\n\ndecision := {"allow": true}\n\nlimits.free := 10\n' },
  { path: "empty.rego", text: "package empty\n" },
];

function errors(entrypoints: string[]): string[] {
  return compile(SOURCES, { entrypoints }).diagnostics.map((d) => d.message);
}

Deno.test("entrypoints: one naming no rule is an error, in OPA's words", () => {
  assert.deepEqual(errors(["no/such/rule"]), [
    'entrypoint "no/such/rule" does not refer to a rule or policy decision',
  ]);
  // A package without rules, or a path beside the rules, names nothing either.
  assert.deepEqual(errors(["empty"]), ['entrypoint "empty" does not refer to a rule or policy decision']);
  assert.deepEqual(errors(["gateway/other", "gateway/decision"]), [
    'entrypoint "gateway/other" does not refer to a rule or policy decision',
  ]);
});

Deno.test("entrypoints: a rule, a path into its value, a package or a prefix of rules compile", () => {
  for (
    const ep of [
      "gateway/decision",
      "gateway/decision/allow",
      "gateway",
      "gateway/limits",
      "data.gateway.limits.free",
    ]
  ) {
    const result = compile(SOURCES, { entrypoints: [ep] });
    assert.deepEqual(result.diagnostics, [], ep);
    assert.ok(result.wasm !== undefined, ep);
  }
});
