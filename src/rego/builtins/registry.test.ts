import assert from "node:assert/strict";
import { NATIVE_BUILTINS } from "./native.ts";
import { OPA_CAPABILITIES } from "./opa_capabilities.ts";
import { render, typeString } from "./opa_capabilities_gen.ts";
import { refusalOf, registry, registryEntry } from "./registry.ts";

Deno.test("registry: exactly OPA's built-ins, with OPA's names, arities, types and flags", () => {
  const ours = new Map(registry().map((b) => [b.name, b]));
  assert.equal(ours.size, registry().length, "duplicate names");
  assert.deepEqual([...ours.keys()].sort(), OPA_CAPABILITIES.map((b) => b.name).sort());
  for (const opa of OPA_CAPABILITIES) {
    const b = ours.get(opa.name)!;
    assert.deepEqual(b.args, opa.args, `${opa.name}: arguments`);
    assert.equal(b.result, opa.result, `${opa.name}: result`);
    assert.equal(b.variadic, opa.variadic, `${opa.name}: variadic`);
    assert.equal(b.infix, opa.infix, `${opa.name}: infix`);
    assert.equal(b.deprecated ?? false, opa.deprecated ?? false, `${opa.name}: deprecated`);
    assert.equal(b.relation ?? false, opa.relation ?? false, `${opa.name}: relation`);
    // Ours may add nondeterminism OPA does not declare (certificate checks read the clock), never drop it.
    if (opa.nondeterministic) assert.equal(b.nondeterministic, true, `${opa.name}: nondeterministic`);
  }
});

Deno.test("registry: the runtime's exports (native.ts) are the native built-ins", () => {
  for (const [name, { arity }] of Object.entries(NATIVE_BUILTINS)) {
    const b = registryEntry(name);
    assert.ok(b, `native.ts exports unknown ${name}`);
    assert.ok(
      b.home === "native" || b.home === "compiler",
      `${name} is native in native.ts but ${b.home} here`,
    );
    assert.equal(arity, b.args.length, `${name}: arity`);
  }
  for (const b of registry().filter((b) => b.home === "native")) {
    assert.ok(NATIVE_BUILTINS[b.name], `${b.name} is native here but native.ts has no export for it`);
  }
});

Deno.test("registry: a refused built-in says why; an opt-in one is a host built-in", () => {
  for (const b of registry()) {
    if (b.home === "refused") assert.ok(b.refusal && b.refusal.length > 20, `${b.name}: no reason`);
    else assert.equal(b.refusal, undefined, `${b.name}: a reason but not refused`);
    if (b.optIn !== undefined) assert.equal(b.home, "host", b.name);
  }
  assert.equal(refusalOf("count"), undefined);
  assert.equal(refusalOf("no.such.builtin"), undefined);
});

Deno.test("capabilities generator: OPA's JSON types in OPA's notation", () => {
  assert.equal(typeString({ type: "string" }), "string");
  assert.equal(
    typeString({ type: "any", of: [{ type: "null" }, { type: "array", dynamic: { type: "string" } }] }),
    "any<null, array[string]>",
  );
  assert.equal(
    typeString({ type: "array", static: [{ type: "boolean" }, { type: "any" }] }),
    "array<boolean, any>",
  );
  assert.equal(
    typeString({
      type: "object",
      static: [{ key: "op", value: { type: "string" } }],
      dynamic: { key: { type: "any" }, value: { type: "any" } },
    }),
    "object<op: string>[any: any]",
  );
  assert.equal(typeString({ type: "set", of: { type: "number" } }), "set[number]");
  const text = render({
    builtins: [
      { name: "walk", decl: { args: [{ type: "any" }], result: { type: "any" } }, relation: true },
      { name: "print", decl: { variadic: { type: "any" } } },
    ],
  }, "test");
  assert.match(
    text,
    /\{ name: "print", args: \[\], variadic: "any" \},\n {2}\{ name: "walk", args: \["any"\], result: "any", relation: true \}/,
  );
});
