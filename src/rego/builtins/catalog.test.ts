import assert from "node:assert/strict";
import { allBuiltins, lookupBuiltin } from "./catalog.ts";

Deno.test("catalog: covers OPA v1's built-ins with unique names", () => {
  const all = allBuiltins();
  assert.ok(all.length >= 190, `only ${all.length} built-ins`);
  assert.equal(new Set(all.map((b) => b.name)).size, all.length);
});

Deno.test("catalog: arities and flags of representative built-ins", () => {
  assert.deepEqual(lookupBuiltin("count"), { name: "count", args: 1, result: true });
  assert.equal(lookupBuiltin("strings.replace_n")?.args, 2);
  assert.equal(lookupBuiltin("regex.template_match")?.args, 4);
  assert.equal(lookupBuiltin("time.now_ns")?.args, 0);
  assert.equal(lookupBuiltin("time.now_ns")?.nondeterministic, true);
  assert.equal(lookupBuiltin("io.jwt.verify_es512")?.args, 2);
  assert.equal(lookupBuiltin("io.jwt.encode_sign")?.args, 3);
  assert.deepEqual(lookupBuiltin("print"), {
    name: "print",
    args: 0,
    result: false,
    variadic: true,
    effect: true,
  });
  assert.equal(lookupBuiltin("crypto.x509.parse_and_verify_certificates")?.nondeterministic, true);
  assert.equal(lookupBuiltin("nope"), undefined);
});

Deno.test("catalog: the parser's operators are there with their infix spelling", () => {
  for (
    const [name, infix] of [["eq", "="], ["assign", ":="], ["equal", "=="], ["neq", "!="], ["plus", "+"], [
      "and",
      "&",
    ]]
  ) {
    assert.equal(lookupBuiltin(name)?.infix, infix, name);
  }
  assert.equal(lookupBuiltin("internal.member_2")?.args, 2);
  assert.equal(lookupBuiltin("internal.member_3")?.args, 3);
});

Deno.test("catalog: exactly OPA's deprecated built-ins are flagged", () => {
  const deprecated = allBuiltins().filter((b) => b.deprecated).map((b) => b.name).sort();
  assert.deepEqual(deprecated, [
    "all",
    "any",
    "cast_array",
    "cast_boolean",
    "cast_null",
    "cast_object",
    "cast_set",
    "cast_string",
    "net.cidr_overlap",
    "re_match",
    "set_diff",
  ]);
});
