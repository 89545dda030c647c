import assert from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { compile } from "../../rego/mod.ts";
import { adaptBuiltins } from "../builtin_adapter.ts";
import { instantiatePolicy } from "../load.ts";
import type { WasmPolicy } from "../policy.ts";
import { HOST_BUILTINS, setPrintHook } from "./index.ts";
import { RegoSet } from "./rego_set.ts";
import { decodeArg, encodeResult, withSetCodec } from "./set_codec.ts";
import { parseType } from "../../rego/mod.ts";

const NUL = "\u0000";

async function load(text: string, entrypoints: string[], regoVersion: 0 | 1 = 0): Promise<WasmPolicy> {
  const r = compile([{ path: "p.rego", text }], { entrypoints, regoVersion, futureKeywords: true });
  assert.deepEqual(r.diagnostics, []);
  return await instantiatePolicy(r.wasm!, {}, adaptBuiltins(HOST_BUILTINS, false));
}

function answer(policy: WasmPolicy, entrypoint: string): unknown {
  const rs = policy.evaluate({}, entrypoint) as { result: unknown }[];
  return rs.length === 0 ? { undefined: true } : { result: rs[0].result };
}

Deno.test("decodeArg: encoded sets become RegoSets (or arrays), escaped keys lose one NUL", () => {
  const wire = () => ({
    [NUL + NUL]: [1, { [NUL]: [] }],
    [NUL + NUL + "k"]: { [NUL]: ["x"] },
    a: [{ [NUL]: [2] }],
  });
  assert.deepEqual(decodeArg(wire(), true), {
    [NUL]: [1, new RegoSet([])],
    [NUL + "k"]: new RegoSet(["x"]),
    a: [new RegoSet([2])],
  });
  assert.deepEqual(decodeArg(wire(), false), { [NUL]: [1, []], [NUL + "k"]: ["x"], a: [[2]] });
  // Only a one-key object whose key is exactly NUL and whose value is an array is a set.
  assert.deepEqual(decodeArg({ [NUL]: 1 }, true), { "": 1 });
  assert.deepEqual(decodeArg({ [NUL]: [1], b: 2 }, true), { "": [1], b: 2 });
});

Deno.test("encodeResult: shapes arrays to the declared set types, escapes NUL keys", () => {
  assert.deepEqual(encodeResult(["a", "b"], parseType("set[string]")), { [NUL]: ["a", "b"] });
  assert.deepEqual(encodeResult([[0, 1]], parseType("set[array<any, any>]")), { [NUL]: [[0, 1]] });
  // Inside any: left as the built-in made it, except its RegoSets.
  assert.deepEqual(encodeResult(["a"], parseType("any")), ["a"]);
  assert.deepEqual(encodeResult([new RegoSet([1])], parseType("any")), [{ [NUL]: [1] }]);
  // Through arrays and objects whose element types hold sets.
  assert.deepEqual(
    encodeResult({ k: [["x"]], s: "y" }, parseType("object<s: string>[string: array[set[string]]]")),
    { k: [{ [NUL]: ["x"] }], s: "y" },
  );
  assert.deepEqual(encodeResult([true, ["x"]], parseType("array<boolean, set[string]>")), [true, {
    [NUL]: ["x"],
  }]);
  // A union picks its one array-or-set member; with both, nothing is converted.
  assert.deepEqual(encodeResult(["x"], parseType("any<number, set[string]>")), { [NUL]: ["x"] });
  assert.deepEqual(encodeResult(["x"], parseType("any<array[string], set[string]>")), ["x"]);
  assert.deepEqual(encodeResult({ [NUL]: 1, [NUL + "a"]: 2, b: 3 }, undefined), {
    [NUL + NUL]: 1,
    [NUL + NUL + "a"]: 2,
    b: 3,
  });
  assert.equal(encodeResult(null, parseType("set[any]")), null);
});

Deno.test("withSetCodec: a #sets form for built-ins whose types may hold a set, none for the others", () => {
  const all = withSetCodec(HOST_BUILTINS);
  assert.equal(typeof all["net.cidr_expand#sets"], "function");
  assert.equal(typeof all["json.patch#sets"], "function");
  assert.equal(all["regex.match#sets"], undefined);
  assert.equal(all["time.now_ns#sets"], undefined);
  assert.deepEqual(all["net.cidr_expand#sets"]("10.0.0.0/31"), { [NUL]: ["10.0.0.0", "10.0.0.1"] });
  // The plain form (for modules built by `opa build`) still answers with an array.
  assert.deepEqual(all["net.cidr_expand"]("10.0.0.0/31"), ["10.0.0.0", "10.0.0.1"]);
  assert.deepEqual(all["cast_set"]([2, 1, 2]), [1, 2]);
  assert.deepEqual(all["cast_set#sets"]([2, 1, 2]), { [NUL]: [1, 2] });
});

const CASES = new URL("./testdata/set_boundary.rego", import.meta.url);
const OPA = JSON.parse(await Deno.readTextFile(new URL("./testdata/set_boundary_opa.json", import.meta.url)));

Deno.test("sets across the host boundary: OPA's answers (membership, equality, sets in arguments)", async () => {
  const text = await Deno.readTextFile(CASES);
  const names = [...new Set([...text.matchAll(/^(r_\w+)/gm)].map((m) => m[1]))];
  assert.deepEqual(names.sort(), Object.keys(OPA.answers).sort());
  const policy = await load(text, names.map((n) => `t/${n}`));
  const wrong = names.filter((n) =>
    JSON.stringify(answer(policy, `t/${n}`)) !== JSON.stringify(OPA.answers[n])
  );
  assert.deepEqual(wrong.map((n) => [n, answer(policy, `t/${n}`), OPA.answers[n]]), []);
});

Deno.test("sets across the host boundary: where today's OPA differs from v0.47", async () => {
  const policy = await load(
    `package t
    # topdown/subset.go: an array is a subset when it appears as a contiguous run (v0.47: a subsequence).
    subset_gap := object.subset([1, 2, 3], [1, 3])
    subset_run := object.subset([1, 2, 3], [2, 3])
    # array.flatten (after v0.47) splices arrays only: a set stays a set.
    flat := array.flatten([1, {2, 3}, [4, {5}]])
    flat_set if array.flatten([1, {2, 3}])[1] == {2, 3}`,
    ["t/subset_gap", "t/subset_run", "t/flat", "t/flat_set"],
  );
  assert.deepEqual(answer(policy, "t/subset_gap"), { result: false });
  assert.deepEqual(answer(policy, "t/subset_run"), { result: true });
  assert.deepEqual(answer(policy, "t/flat"), { result: [1, [2, 3], 4, [5]] });
  assert.deepEqual(answer(policy, "t/flat_set"), { result: true });
});

Deno.test("print writes sets inside values as OPA does", async () => {
  const lines: string[] = [];
  setPrintHook((line) => lines.push(line));
  try {
    const policy = await load(`package t\np if { print({2, 1}, [set()], {"a": {"x"}}) }`, ["t/p"], 1);
    assert.deepEqual(answer(policy, "t/p"), { result: true });
  } finally {
    setPrintHook(undefined);
  }
  assert.deepEqual(lines, ['{1, 2} [set()] {"a": {"x"}}']);
});

/** A Rego value with sets, and the Rego text that writes it. */
type Lit = { text: string; json: boolean };
const lit = fc.letrec<{ value: Lit }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom<Lit>({ text: "null", json: true }, { text: "true", json: true }, {
      text: "-1.5",
      json: true,
    }),
    fc.constantFrom("", NUL, NUL + NUL, NUL + "a", "a", "b").map((s): Lit => ({
      text: JSON.stringify(s),
      json: true,
    })),
    fc.array(tie("value"), { maxLength: 3 }).map((xs): Lit => ({
      text: `[${xs.map((x) => x.text).join(", ")}]`,
      json: xs.every((x) => x.json),
    })),
    fc.array(tie("value"), { maxLength: 3 }).map((xs): Lit => ({
      text: xs.length === 0 ? "set()" : `{${xs.map((x) => x.text).join(", ")}}`,
      json: false,
    })),
    fc.dictionary(fc.constantFrom("", NUL, NUL + NUL, NUL + "k", "k"), tie("value"), { maxKeys: 3 }).map(
      (o): Lit => ({
        text: `{${Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}: ${v.text}`).join(", ")}}`,
        json: Object.values(o).every((v) => v.json),
      }),
    ),
  ),
})).value;

Deno.test("property: any value, sets and NUL-prefixed keys included, crosses the boundary unchanged", async () => {
  const values = fc.sample(lit, { numRuns: 60, seed: 8 });
  const rules = values.flatMap((v, i) => [
    // json.patch takes sets: the value goes to the host and back as it is.
    `same${i} if json.patch(${v.text}, []) == ${v.text}`,
    // json.unmarshal(json.marshal(x)) is x for JSON values (NUL keys escaped both ways).
    ...(v.json ? [`json${i} if json.unmarshal(json.marshal(${v.text})) == ${v.text}`] : []),
  ]);
  const entrypoints = rules.map((r) => `t/${r.split(" ")[0]}`);
  const policy = await load(`package t\n${rules.join("\n")}`, entrypoints, 1);
  const failed = entrypoints.filter((e) => JSON.stringify(answer(policy, e)) !== '{"result":true}');
  assert.deepEqual(failed.map((e) => [e, rules[entrypoints.indexOf(e)]]), []);
});
