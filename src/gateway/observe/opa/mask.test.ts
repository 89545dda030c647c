import assert from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { applyMask, goPathEscape, MaskError, parseMaskRules } from "./mask.ts";

function masked(event: Record<string, unknown>, rules: unknown) {
  const copy = structuredClone(event);
  applyMask(copy, parseMaskRules(rules));
  return copy;
}

const EVENT = {
  decision_id: "d1",
  input: {
    resource: "user",
    name: "bob",
    password: "passw0rd",
    ssn: "123",
    users: [{ name: "a" }, { name: "b" }],
  },
  result: { allow: true, reason: "ok" },
};

Deno.test("mask: pointers erase, and the erased paths are recorded in rule order (OPA's example)", () => {
  const out = masked(EVENT, ["/input/password", "/input/ssn"]);
  assert.deepEqual(out.input, { resource: "user", name: "bob", users: [{ name: "a" }, { name: "b" }] });
  assert.deepEqual(out.erased, ["/input/password", "/input/ssn"]);
  assert.equal(out.masked, undefined);
});

Deno.test("mask: upsert overwrites or adds, recorded in masked; remove ops are erases", () => {
  const out = masked(EVENT, [
    { op: "upsert", path: "/input/password", value: "**REDACTED**" },
    { op: "upsert", path: "/input/extra/deep", value: 1 },
    { op: "remove", path: "/result/reason" },
  ]);
  assert.equal((out.input as any).password, "**REDACTED**");
  assert.deepEqual((out.input as any).extra, { deep: 1 });
  assert.deepEqual(out.result, { allow: true });
  assert.deepEqual(out.masked, ["/input/password", "/input/extra/deep"]);
  assert.deepEqual(out.erased, ["/result/reason"]);
});

Deno.test("mask: undefined paths are ignored and not recorded; arrays by index", () => {
  const out = masked(EVENT, ["/input/name/first", "/input/nope", "/input/users/0/name", "/input/users/5"]);
  assert.deepEqual((out.input as any).users, [{}, { name: "b" }]);
  assert.deepEqual(out.erased, ["/input/users/0/name"]);
  const removed = masked(EVENT, ["/input/users/0"]);
  assert.deepEqual((removed.input as any).users, [{ name: "b" }]);
});

Deno.test("mask: /input alone erases or replaces the whole input", () => {
  const erased = masked(EVENT, ["/input"]);
  assert.equal("input" in erased, false);
  assert.deepEqual(erased.erased, ["/input"]);
  const replaced = masked(EVENT, [{ op: "upsert", path: "/input", value: "gone" }]);
  assert.equal(replaced.input, "gone");
});

Deno.test("mask: segments compare in Go's path-escaped form, as OPA's do", () => {
  assert.equal(goPathEscape("a b;c/é"), "a%20b%3Bc%2F%C3%A9");
  assert.equal(goPathEscape("A-z_0.~$&+:=@"), "A-z_0.~$&+:=@");
  // "/input/a b" looks for the key "a%20b" (OPA's behaviour): a key with a space is not erased.
  const out = masked({ input: { "a b": 1, "a%20b": 2 } }, ["/input/a b"]);
  assert.deepEqual(out.input, { "a b": 1 });
  assert.deepEqual(out.erased, ["/input/a%20b"]);
});

Deno.test("mask: an upsert at __proto__ is a plain key of the logged JSON, not a prototype", () => {
  const out = masked({ input: {} }, [{ op: "upsert", path: "/input/__proto__/x", value: 1 }]);
  assert.equal(JSON.stringify(out.input), '{"__proto__":{"x":1}}');
  assert.equal(Object.getPrototypeOf(out.input), Object.prototype);
});

Deno.test("mask: OPA's refusals are MaskErrors (the event is then dropped, never logged unmasked)", () => {
  for (
    const bad of [
      "not a set",
      [""],
      ["input/x"],
      ["/labels/id"],
      ["/decision_id"],
      ["/input/%zz"],
      [{ op: "replace", path: "/input/x" }],
      [{ op: "", path: "/input/x" }],
      [{ op: "upsert", path: 3 }],
      [{ path: "/input/x" }],
      [42],
      [null],
    ]
  ) {
    assert.throws(() => parseMaskRules(bad), MaskError, JSON.stringify(bad));
  }
});

Deno.test("mask: hostile rules and events never throw past parsing and never touch other fields", () => {
  const json = fc.jsonValue({ maxDepth: 3 });
  const segment = fc.oneof(
    fc.constantFrom("0", "1", "a", "b", "__proto__", "constructor", "-1", "+0"),
    fc.string(),
  );
  const pointer = fc.tuple(
    fc.constantFrom("input", "result", "nd_builtin_cache"),
    fc.array(segment, { maxLength: 3 }),
  )
    .map(([root, rest]) => "/" + [root, ...rest].join("/"));
  const ruleArb = fc.oneof(
    pointer,
    fc.record({ op: fc.constantFrom("remove", "upsert"), path: pointer, value: json }),
  );
  fc.assert(fc.property(json, json, fc.array(ruleArb, { maxLength: 5 }), (input, result, rules) => {
    const event: Record<string, unknown> = { decision_id: "x", labels: { id: "i" }, input, result };
    let parsed;
    try {
      parsed = parseMaskRules(rules);
    } catch (e) {
      assert.ok(e instanceof MaskError);
      return;
    }
    applyMask(event, parsed);
    assert.equal(event.decision_id, "x");
    assert.deepEqual(event.labels, { id: "i" });
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
    assert.equal(({} as any).polluted, undefined);
    for (const p of (event.erased as string[] | undefined) ?? []) assert.match(p, /^\/(input|result)/);
  }));
});
