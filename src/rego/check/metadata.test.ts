import assert from "node:assert/strict";
import { loadPolicy } from "@open-policy-agent/opa-wasm";
import { compile } from "../mod.ts";

async function evaluate(text: string): Promise<unknown> {
  const r = compile([{ path: "p.rego", text }], { entrypoints: ["test"] });
  assert.deepEqual(r.diagnostics, []);
  const policy = await loadPolicy(r.wasm!);
  return (policy.evaluate({}, "test") as { result: unknown }[])[0].result;
}

function errors(text: string): string[] {
  return compile([{ path: "p.rego", text }], { entrypoints: ["test"] }).diagnostics.map((d) =>
    `${d.location.row}: ${d.code}: ${d.message}`
  );
}

// The expected values are OPA's answers (v0.47) for the same rules.
Deno.test("rego.metadata.rule: the rule's own rule-scoped annotation, in OPA's JSON form", async () => {
  const result = await evaluate(`package test

# METADATA
# title: Allow
# description: An allow rule
# custom:
#   severity: HIGH
#   list: [1, 2]
allow := x if {
  x := rego.metadata.rule()
}

# METADATA
# scope: document
# title: Doc
d := rego.metadata.rule()

none := rego.metadata.rule()

# METADATA
# title: F
f(x) := [x, rego.metadata.rule()]

g := f(1)

# METADATA
# title: E1
e := 1 if { false }
# METADATA
# title: E2
e := rego.metadata.rule()

# METADATA
# authors:
# - Jane <jane@x.org>
# - name: Joe
#   email: joe@x.org
# organizations: [Acme]
# related_resources:
# - https://example.com
# - ref: https://e.org
#   description: doc
# entrypoint: true
# schemas:
# - input: {"type": "object"}
full := rego.metadata.rule()
`);
  assert.deepEqual(result, {
    allow: {
      custom: { list: [1, 2], severity: "HIGH" },
      description: "An allow rule",
      scope: "rule",
      title: "Allow",
    },
    d: {},
    e: { scope: "rule", title: "E2" },
    full: {
      authors: [{ email: "jane@x.org", name: "Jane" }, { email: "joe@x.org", name: "Joe" }],
      entrypoint: true,
      organizations: ["Acme"],
      related_resources: [{ ref: "https://example.com" }, { description: "doc", ref: "https://e.org" }],
      schemas: [{ definition: { type: "object" }, path: ["input"] }],
      scope: "rule",
    },
    g: [1, { scope: "rule", title: "F" }],
    none: {},
  });
});

Deno.test("rego.metadata.chain: rule, document, package, subpackages, innermost first", async () => {
  const result = await evaluate(`# METADATA
# scope: subpackages
# title: Tree
# METADATA
# title: Pkg
package test

# METADATA
# title: Chained
chain := rego.metadata.chain()

# METADATA
# scope: document
# title: Doc
plain := rego.metadata.chain()
`);
  // OPA's AnnotationSet.Chain; the v0.47 oracle cannot show package annotations (it rewrites packages).
  const pkg = { path: ["test"], annotations: { scope: "package", title: "Pkg" } };
  const tree = { path: ["test"], annotations: { scope: "subpackages", title: "Tree" } };
  assert.deepEqual(result, {
    chain: [{ path: ["test", "chain"], annotations: { scope: "rule", title: "Chained" } }, pkg, tree],
    plain: [
      { path: ["test", "plain"] },
      { path: ["test", "plain"], annotations: { scope: "document", title: "Doc" } },
      pkg,
      tree,
    ],
  });
});

Deno.test("METADATA blocks: misplaced scopes and bad YAML are parse errors", () => {
  assert.deepEqual(errors("# METADATA\n# scope: rule\npackage test\np := 1"), [
    "1: rego_parse_error: annotation scope 'rule' must be applied to rule (have package)",
  ]);
  assert.deepEqual(errors("package test\n# METADATA\n# scope: package\np := 1"), [
    "2: rego_parse_error: annotation scope 'package' must be applied to package (have rule)",
  ]);
  assert.match(errors("package test\n# METADATA\n# title: [\np := 1")[0], /^2: rego_parse_error: yaml: /);
  assert.deepEqual(errors("package test\n# METADATA\n# title: t\nimport data.x\np := 1"), [
    "2: rego_parse_error: a METADATA block must be followed by a package or a rule",
  ]);
});
