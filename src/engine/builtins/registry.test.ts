/**
 * Every built-in of the registry (src/rego/builtins/registry.ts, OPA's whole capabilities list) is
 * either evaluated or refused at compile time with a diagnostic naming it: none can fail with "not
 * implemented" at run time. Host built-ins are spied on, so the test also proves that the module
 * reaches our implementation (not the SDK's, not nothing).
 */
import assert from "node:assert/strict";
import { adaptBuiltins } from "../builtin_adapter.ts";
import { instantiatePolicy } from "../load.ts";
import { compile, registry } from "../../rego/mod.ts";
import { HOST_BUILTINS, OPT_IN_BUILTINS } from "./index.ts";
import { thrownMessage } from "../policy.ts";

/** A JSON value of OPA type `t` (sets as arrays: the input is JSON). */
function sample(t: string): unknown {
  if (t.startsWith("any<")) return sample(splitArgs(t.slice(4, -1))[0]);
  if (t === "any" || t === "string") return "a";
  if (t === "number") return 1;
  if (t === "boolean") return true;
  if (t === "null") return null;
  const fixed = /^(array|object)<(.*?)>(\[.*\])?$/.exec(t);
  if (fixed?.[1] === "array") return splitArgs(fixed[2]).map(sample);
  if (fixed?.[1] === "object") {
    return Object.fromEntries(
      splitArgs(fixed[2]).map((p) => {
        const colon = p.indexOf(":");
        return [p.slice(0, colon), sample(p.slice(colon + 1).trim())];
      }),
    );
  }
  const dyn = /^(array|set)\[(.*)\]$/.exec(t);
  if (dyn) return [sample(dyn[2])];
  const obj = /^object\[(.*)\]$/.exec(t);
  if (obj) {
    const [, value] = splitPair(obj[1]);
    return { a: sample(value) };
  }
  throw new Error(`no sample for ${t}`);
}

function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < text.length; i++) {
    if ("<[".includes(text[i])) depth++;
    else if (">]".includes(text[i])) depth--;
    else if (text[i] === "," && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

function splitPair(text: string): [string, string] {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if ("<[".includes(text[i])) depth++;
    else if (">]".includes(text[i])) depth--;
    else if (text[i] === ":" && depth === 0) return [text.slice(0, i).trim(), text.slice(i + 1).trim()];
  }
  throw new Error(`no pair in ${text}`);
}

/** The rule that calls built-in `name` with the input's arguments a0…aN. */
function ruleFor(rule: string, name: string, arity: number, hasResult: boolean): string {
  const args = Array.from({ length: arity }, (_, i) => `input.a${i}`).join(", ");
  switch (name) {
    case "eq":
      return `${rule} if { eq(input.a0, input.a1) }`;
    case "assign":
      return `${rule} if { assign(v, input.a0); v }`;
    case "walk":
      return `${rule} := [x | walk(input.a0, x)]`;
    case "print":
      return `${rule} if { print(input.a0, input.a1) }`;
    default:
      return hasResult ? `${rule} := ${name}(${args})` : `${rule} if { ${name}(${args}) }`;
  }
}

Deno.test("every built-in of the registry is evaluated or refused at compile time, never 'not implemented'", async () => {
  const callable = registry().filter((b) => b.home !== "refused" && b.optIn === undefined);
  const refused = registry().filter((b) => b.home === "refused" || b.optIn !== undefined);
  assert.equal(callable.length + refused.length, registry().length);

  // Refused: a compile-time diagnostic that names the built-in.
  for (const b of refused) {
    const text = `package p\n${ruleFor("x", b.name, b.args.length, b.result !== undefined)}`;
    const r = compile([{ path: "p.rego", text }], {
      entrypoints: ["p/x"],
      regoVersion: 0,
      futureKeywords: true,
    });
    assert.equal(r.wasm, undefined, `${b.name} compiled`);
    assert.ok(
      r.diagnostics.some((d) => d.message.includes(b.name)),
      `${b.name}: ${JSON.stringify(r.diagnostics)}`,
    );
  }

  // Callable: one rule each, evaluated with arguments of the declared types.
  const rules = callable.map((b, i) => ruleFor(`b${i}`, b.name, b.args.length, b.result !== undefined));
  const entrypoints = callable.map((_, i) => `p/b${i}`);
  const compiled = compile([{ path: "p.rego", text: `package p\n${rules.join("\n")}` }], {
    entrypoints,
    regoVersion: 0, // v0 (with the future keywords) still has the deprecated built-ins
    futureKeywords: true,
  });
  assert.deepEqual(compiled.diagnostics, []);
  const called = new Set<string>();
  const spied = Object.fromEntries(
    Object.entries(HOST_BUILTINS).map(([name, impl]) => [name, (...args: unknown[]) => {
      called.add(name);
      return impl(...args);
    }]),
  );
  const policy = await instantiatePolicy(compiled.wasm!, {}, adaptBuiltins(spied, false));
  const failures: string[] = [];
  callable.forEach((b, i) => {
    const input: Record<string, unknown> = {};
    const types = b.variadic !== undefined ? [b.variadic, b.variadic] : b.args;
    types.forEach((t, j) => input[`a${j}`] = sample(t));
    try {
      policy.evaluate(input, `p/b${i}`);
    } catch (e) {
      failures.push(`${b.name}: ${thrownMessage(e)}`);
    }
  });
  assert.deepEqual(failures, []);
  const hostCalled = callable.filter((b) => b.home === "host");
  assert.deepEqual(
    hostCalled.filter((b) => !called.has(b.name)).map((b) => b.name),
    [],
    "host built-ins never reached",
  );
});

Deno.test("every host built-in of the registry has an implementation, and every implementation a registry entry", () => {
  for (const b of registry()) {
    if (b.home !== "host") continue;
    // Opt-in ones (http.send) are made per load from the operator's configuration.
    const table = b.optIn === undefined ? HOST_BUILTINS : OPT_IN_BUILTINS;
    assert.equal(typeof table[b.name], "function", `${b.name}: no host implementation`);
  }
  const known = new Set(registry().map((b) => b.name));
  for (const name of Object.keys(HOST_BUILTINS)) {
    assert.ok(known.has(name), `HOST_BUILTINS has unknown ${name}`);
  }
});
