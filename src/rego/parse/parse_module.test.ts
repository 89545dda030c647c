import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { MAX_ERRORS } from "../diagnostics.ts";
import { stripLocations } from "./ast_compare.ts";
import { dotted, ref, v } from "./ast_shorthand.ts";
import { parseModule } from "./index.ts";
import { MAX_DEPTH } from "./parser_state.ts";

function errors(src: string, opts?: Parameters<typeof parseModule>[2]): string[] {
  return parseModule(src, "m.rego", opts).diagnostics.map((d) =>
    `${d.location.row}:${d.location.col} ${d.message}`
  );
}

Deno.test("module: package paths, dotted and bracketed", () => {
  const m = parseModule('# leading comment\npackage a.b["c"].if', "m.rego").module!;
  deepStrictEqual(m.package, ["a", "b", "c", "if"]);
  deepStrictEqual(m.packageLoc, { file: "m.rego", row: 2, col: 1 });
  equal(m.file, "m.rego");
  deepStrictEqual(m.rules, []);
  deepStrictEqual(errors("package a[1]"), ["1:11 a package path may contain only names and strings"]);
});

Deno.test("module: imports", () => {
  const m = parseModule(
    "package p\nimport data.a.b\nimport input.x as y\nimport future.keywords.in\nimport rego.v1\nimport data",
    "m.rego",
  ).module!;
  deepStrictEqual(stripLocations(m.imports), [
    { path: dotted("data.a.b") },
    { path: dotted("input.x"), alias: "y" },
    { path: dotted("future.keywords.in") },
    { path: dotted("rego.v1") },
    { path: ref(v("data")) },
  ]);
  deepStrictEqual(m.imports[1].loc, { file: "m.rego", row: 3, col: 1 });
  deepStrictEqual(errors("package p\nimport foo.bar"), [
    "2:8 unexpected import path, must begin with one of: data, input, future, rego; got: foo",
  ]);
  deepStrictEqual(errors("package p\nimport future.keywords.nope"), [
    "2:8 unexpected keyword, must be one of: contains, every, if, in",
  ]);
  deepStrictEqual(errors("package p\nimport rego.v2"), ["2:8 invalid import, must be `rego.v1`"]);
  deepStrictEqual(errors("package p\nimport future.keywords as k"), [
    "2:8 `future` imports cannot be aliased",
  ]);
});

Deno.test("module: Rego version from options and imports", () => {
  equal(parseModule("package p", "m").module!.regoVersion, 1);
  equal(parseModule("package p", "m", { regoVersion: 0 }).module!.regoVersion, 0);
  equal(parseModule("package p\nimport rego.v1", "m", { regoVersion: 0 }).module!.regoVersion, 1);
  equal(parseModule("package p\nimport future.keywords", "m", { regoVersion: 0 }).module!.regoVersion, 0);
});

Deno.test("module: v0 future keyword imports enable only what they name", () => {
  // `if` imported, `contains` not: `contains` stays an identifier
  const src = "package p\nimport future.keywords.if\nq if { true }\nr[x] { x := 1 }";
  const m = parseModule(src, "m", { regoVersion: 0 }).module!;
  equal(m.rules.length, 2);
  ok(errors("package p\nimport future.keywords.if\nq contains 1", { regoVersion: 0 }).length > 0);
  // keywords take effect from the import on
  ok(errors("package p\nq if { true }\nimport future.keywords.if", { regoVersion: 0 }).length > 0);
  deepStrictEqual(
    errors("package p\nimport future.keywords\nq contains 1 if { every x in [] { x } }", { regoVersion: 0 }),
    [],
  );
});

Deno.test("module: package is required and unique", () => {
  deepStrictEqual(errors("p := 1"), ["1:1 expected `package` but found identifier `p`"]);
  deepStrictEqual(errors(""), ["1:1 empty module: expected `package`"]);
  deepStrictEqual(errors("package a\npackage b"), [
    "2:1 unexpected `package`: a module has one package statement",
  ]);
});

Deno.test("module: several errors, recovering at the next rule in column 1", () => {
  const src = [
    "package p",
    "a := [1, 2",
    "b := 1",
    "c if {",
    "  x := ]",
    "}",
    'd := "unterminated',
    "e := 2",
    "f if { x",
  ].join("\n");
  const got = errors(src);
  deepStrictEqual(got, [
    "3:1 expected `,` or `]` but found identifier `b` (opened at 2:6)",
    "5:8 expected a term but found `]`",
    "7:6 unterminated string",
    "9:9 expected `}` but found end of file (opened at 9:6)",
  ]);
  // no module when there are errors
  equal(parseModule(src, "m").module, undefined);
});

Deno.test("module: at most MAX_ERRORS errors", () => {
  const src = "package p\n" + Array.from({ length: 30 }, (_, i) => `r${i} := ]`).join("\n");
  const got = errors(src);
  equal(got.length, MAX_ERRORS);
  equal(got[0], "2:7 expected a term but found `]`");
});

Deno.test("module: nesting deeper than MAX_DEPTH is an error, not a stack overflow", () => {
  for (const [open, close] of [["[", "]"], ["(", ")"], ["{", "}"], ["(-1 + ", ")"], ["[x | ", "]"]]) {
    const deep = `package p\nx := ${open.repeat(MAX_DEPTH * 4)}1${close.repeat(MAX_DEPTH * 4)}`;
    const got = errors(deep);
    equal(got.length, 1, open);
    ok(got[0].includes(`nesting too deep: more than ${MAX_DEPTH} levels`), got[0]);
  }
  // and nesting within the limit is fine
  const fine = `package p\nx := ${"[".repeat(100)}1${"]".repeat(100)}`;
  deepStrictEqual(errors(fine), []);
});

Deno.test("module: comments anywhere", () => {
  const src = "package p # c\n# c\np := [ # c\n  1, # c\n] # c\nq if { # c\n  true # c\n} # c";
  deepStrictEqual(errors(src), []);
});

Deno.test("module: every node has a location with file, row and col", () => {
  const src =
    "package p\nimport future.keywords\np[k] := {v | some v in input.xs} if {\n  k := count([1]) with input as {}\n  every x in [1] { x > -1 }\n}";
  const m = parseModule(src, "m.rego").module!;
  const missing: string[] = [];
  const visit = (node: unknown, path: string) => {
    if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${path}[${i}]`));
    if (node === null || typeof node !== "object") return;
    const o = node as Record<string, unknown>;
    if (("type" in o || "kind" in o) && !("loc" in o)) missing.push(path);
    if ("loc" in o) {
      const loc = o.loc as { file: string; row: number; col: number };
      if (loc.file !== "m.rego" || !(loc.row >= 1) || !(loc.col >= 1)) missing.push(path);
    }
    for (const [k, v] of Object.entries(o)) if (k !== "loc") visit(v, `${path}.${k}`);
  };
  visit(m, "module");
  deepStrictEqual(missing, []);
});
