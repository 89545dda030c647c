/**
 * Test support: Rego policies exercising every production, for round-trip and fuzz tests
 * (which must not depend on the shared conformance folder being present).
 */
import type { ParseOptions } from "./parse_module.ts";

export interface SamplePolicy {
  name: string;
  text: string;
  options: ParseOptions;
}

export const SAMPLE_POLICIES: SamplePolicy[] = [
  {
    name: "gateway-v1",
    options: {},
    text: `package gateway.authz

import data.lib.roles as roles
import input.request

# Deny unless a rule below allows.
default allow := false

allow if {
	request.method == "GET"
	some role in input.key.roles
	role in {"reader", "admin"}
}

allow if input.key.admin

deny contains msg if {
	not input.key.active
	msg := sprintf("key %s is inactive", [input.key.id])
}

limits[tier] := n if {
	some tier, n in data.tiers
	n > 0
}

a.b.c := 1

quota := q if {
	q := input.quota * 2 + 1 - -3 / 4 % 5
} else := 0 if {
	true
} else := -1

f(x) := y if y := x + 1
g([a, _], "k") if a == 1
h(x) if every k, v in x { k != v; v >= 0 }

r := {x | x := [1, 2, 3][_]; x & 1 == 1}
s := {k: v | some k, v in {"a": 1, 1: [1], [1]: set()}}
t := y if { y := [x | some x in input.ys] with input.ys as [1] }
u := \`raw \\n string\`
w := "esc \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00"
z := count([1 | 2]) <= 3
m := [1, 2][0].x
`,
  },
  {
    name: "legacy-v0",
    options: { regoVersion: 0 },
    text: `package legacy

p[x] { x := input.xs[_] }
q[k] = v { v := input.m[k] }
r { true } { false }
s = 1 { false } else = 2 { true } else { true }
t { not p[1] }
f(x) = y { y := x * 2 }
default u = {"a": [1, null, true]}
`,
  },
  {
    name: "future-keywords-v0",
    options: { regoVersion: 0, allFutureKeywords: true },
    text: `package fk

import future.keywords.if

v contains x if { some x in [1, 2] }
w[x] if { x := 1 }
e if { every x in [1] { x == 1 } }
`,
  },
];
