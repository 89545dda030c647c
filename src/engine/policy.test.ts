/**
 * evaluateJson (the gateway's path: JSON text, or an ArrayBuffer of it) against the SDK's own
 * `evaluate`, on modules made by the project's compiler and loaded by the SDK: same answers, data
 * and memory growth included.
 */
import assert from "node:assert/strict";
import { loadBundle } from "./load.ts";
import { evaluateJson, evaluatePolicy, type WasmPolicy } from "./policy.ts";
import { JsonText } from "./types.ts";

const POLICY = `package gateway

import rego.v1

default decision := {"allow": false, "reason": "no"}

decision := {
  "allow": true,
  "reason": "ok",
  "who": concat(":", [input.user, data.tiers[input.user]]),
  "echo": input.blob,
} if input.user in object.keys(data.tiers)
`;

async function load(): Promise<WasmPolicy> {
  const files = new Map<string, Uint8Array>([
    ["gateway.rego", new TextEncoder().encode(POLICY)],
    ["data.json", new TextEncoder().encode(JSON.stringify({ tiers: { ann: "gold", "bö": "free" } }))],
  ]);
  return (await loadBundle({ kind: "files", files }, { entrypoints: ["gateway/decision"] })).instance.policy!;
}

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).buffer as ArrayBuffer;

Deno.test("evaluateJson answers as the SDK's evaluate does", async () => {
  const policy = await load();
  const id = policy.entrypoints["gateway/decision"];
  const inputs = [
    {},
    { user: "ann" },
    { user: "bö", blob: 'ü€😀\n"' },
    { user: "nobody" },
    { user: "ann", blob: "x".repeat(400_000) }, // past the module's initial memory: it must grow
  ];
  for (const input of inputs) {
    const sdk = policy.evaluate(input, id);
    assert.deepEqual(evaluateJson(policy, json(input), id), sdk, JSON.stringify(input).slice(0, 60));
    assert.deepEqual(evaluateJson(policy, JSON.stringify(input), id), sdk, "as text");
  }
  // Text past the memory there is (multi-byte characters: up to 3 bytes per UTF-16 unit).
  const wide = { user: "bö", blob: "€".repeat(300_000) };
  assert.deepEqual(evaluateJson(policy, JSON.stringify(wide), id), policy.evaluate(wide, id));
  assert.deepEqual(evaluateJson(policy, json({ user: "ann", blob: 1 }), id), [{
    result: { allow: true, reason: "ok", who: "ann:gold", echo: 1 },
  }]);
});

Deno.test("evaluatePolicy takes an input object, its JSON text or its JSON as an ArrayBuffer alike", async () => {
  const policy = await load();
  const a = evaluatePolicy(policy, "r1", "gateway/decision", { user: "ann" });
  const b = evaluatePolicy(policy, "r1", "data.gateway.decision", json({ user: "ann" }));
  const c = evaluatePolicy(policy, "r1", "gateway/decision", new JsonText('{"user":"ann"}'));
  assert.ok(a.ok && b.ok && c.ok);
  assert.deepEqual(a.value, b.value);
  assert.deepEqual(c.value, a.value);
  // Text that is not JSON leaves the input undefined (as OPA does): here, the default decision.
  const d = evaluatePolicy(policy, "r1", "gateway/decision", new JsonText('{"user":'));
  assert.ok(d.ok);
  assert.deepEqual(d.value, { allow: false, reason: "no" });
});

Deno.test("evaluateJson falls back to evaluate for a policy that is not the SDK's", () => {
  const seen: unknown[] = [];
  const fake: WasmPolicy = {
    entrypoints: { "a/b": 0 },
    evaluate: (input, ep) => {
      seen.push([input, ep]);
      return [{ result: 1 }];
    },
    setData() {},
  };
  const buf = json({ x: 1 });
  assert.deepEqual(evaluateJson(fake, buf, 0), [{ result: 1 }]);
  assert.deepEqual(seen, [[buf, 0]]);
  evaluateJson(fake, '{"x":1}', 0); // text reaches it as UTF-8 bytes
  assert.equal(new TextDecoder().decode((seen[1] as [ArrayBuffer, number])[0]), '{"x":1}');
});
