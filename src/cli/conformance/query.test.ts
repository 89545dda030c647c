import assert from "node:assert/strict";
import { planQuery, splitStatements, unificationVariables, wrapperModule } from "./query.ts";

Deno.test("query: references become entrypoints; data becomes one per top-level package", () => {
  assert.deepEqual(planQuery("data.test", []), { kind: "ref", entrypoint: "test" });
  assert.deepEqual(planQuery(" data.a.b_c ", []), { kind: "ref", entrypoint: "a/b_c" });
  assert.deepEqual(planQuery("data", ["package b.x\np = 1", "# c\npackage a", "package b"]), {
    kind: "data",
    entrypoints: ["a", "b"],
  });
});

Deno.test("query: statements split at top-level ; and newlines only", () => {
  assert.deepEqual(splitStatements('a = [1;2]\nb := "x;\\"y"; c'), ["a = [1;2]", 'b := "x;\\"y"', "c"]);
});

Deno.test("query: the wrapper collects bindings, a single value, or several values", () => {
  assert.match(wrapperModule('x := split("a", "")'), /\[__r \| x := split\("a", ""\); __r := \{"x": x\}\]/);
  assert.match(wrapperModule("1 == 2"), /\[__r \| __e0 := \(1 == 2\); __r := __e0\]/);
  assert.match(wrapperModule("1 = 2"), /\[__r \| 1 = 2; __r := true\]/);
  assert.match(
    wrapperModule("true; [1][_]"),
    /__e0 := \(true\); __e1 := \(\[1\]\[_\]\); __e0 != false; __e1 != false; __r := \[__e0, __e1\]/,
  );
  assert.match(wrapperModule("a = 1\ntrue"), /a = 1; __e0 := \(true\); __e0 != false; __r := \{"a": a\}/);
  assert.match(wrapperModule("x != 1"), /__e0 := \(x != 1\)/);
});

Deno.test("query: a unification's variables become the bindings", () => {
  assert.deepEqual(unificationVariables("data.test.p = x"), ["x"]);
  assert.deepEqual(unificationVariables('[a, "b c", 1e5] = xs'), ["a", "xs"]);
  assert.deepEqual(unificationVariables("x.y = count(input.z, _)"), ["x"]);
  assert.deepEqual(unificationVariables('{"k": v} = data.o[__g]'), ["v"]);
  assert.deepEqual(unificationVariables("true = false"), []);
  assert.match(wrapperModule("data.test.p = x"), /\[__r \| data\.test\.p = x; __r := \{"x": x\}\]/);
  assert.match(wrapperModule("1 = 2"), /\[__r \| 1 = 2; __r := true\]/);
});
