import assert from "node:assert/strict";
import { MALFORMED_DECISIONS } from "../testing/fakes.ts";
import { decisionSchema } from "./schema.ts";
import { validateDecision } from "./validate.ts";

const BASE = {
  allow: true,
  reason: "scope_ok",
  permissions: ["orders:read"],
  claims: { tier: "gold", n: 1 },
  rate_limits: [{ key: "org:acme", limit: 10, window: "1m" }, { key: "k2", limit: 5, window: 30, cost: 2 }],
  headers: { "x-tenant": "acme", "X-Plan": "pro" },
};

/** Values each field is set to, alone, on top of BASE. */
const POOL: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  1,
  -1,
  1.5,
  2 ** 53,
  31_536_000,
  31_536_001,
  "",
  "x",
  "a".repeat(256),
  "a".repeat(257),
  "😀".repeat(256),
  "😀".repeat(257),
  "30s",
  "0s",
  "1w",
  "9999999d",
  "10000000d",
  [],
  ["a"],
  [1],
  {},
  { a: 1 },
  { "bad name": "v" },
  { ok: "line\nbreak" },
  { ok: "tab\tok" },
  { ok: "é" },
  { ok: "€" },
  { ok: 1 },
  { ok: "v".repeat(8193) },
  Array.from({ length: 17 }, () => ({ key: "k", limit: 1, window: 1 })),
  Array.from({ length: 16 }, () => ({ key: "k", limit: 1, window: 1 })),
];

const RATE_POOL_FIELDS = ["key", "limit", "window", "cost"];

function cases(): unknown[] {
  const out: unknown[] = [null, [], "x", 1, BASE, { allow: false, reason: "" }, { allow: true }];
  for (const field of Object.keys(BASE)) {
    for (const v of POOL) out.push({ ...BASE, [field]: v });
    const { [field]: _, ...rest } = BASE as Record<string, unknown>;
    out.push(rest);
  }
  for (const field of RATE_POOL_FIELDS) {
    for (const v of POOL) {
      out.push({ ...BASE, rate_limits: [{ ...BASE.rate_limits[1], [field]: v }] });
    }
    out.push({ ...BASE, rate_limits: [{ key: "k", limit: 1, window: 1, [field]: undefined }] });
  }
  for (const v of POOL) {
    out.push({ ...BASE, permissions: ["a", v] });
    out.push({ ...BASE, rate_limits: [v] });
    out.push({ ...BASE, headers: { "x-a": v } });
  }
  out.push({ ...BASE, headers: { ["a".repeat(300)]: "v" } });
  out.push({ ...BASE, extra: "ignored" });
  return out;
}

Deno.test("validateDecision agrees with decisionSchema on every case", () => {
  let valid = 0, invalid = 0;
  for (const c of cases()) {
    const z = decisionSchema.safeParse(c);
    const v = validateDecision(c);
    assert.equal(v.ok, z.success, JSON.stringify(c)?.slice(0, 200));
    if (v.ok && z.success) {
      for (const k of Object.keys(z.data)) {
        assert.deepEqual((v.decision as Record<string, unknown>)[k], (z.data as Record<string, unknown>)[k]);
      }
      valid++;
    } else invalid++;
  }
  assert.ok(valid > 20 && invalid > 50, `valid ${valid}, invalid ${invalid}`);
});

Deno.test("a failure names the offending field", () => {
  const v = validateDecision({ ...BASE, rate_limits: [{ key: "", limit: 1, window: 1 }] });
  assert.equal(v.ok, false);
  assert.ok(!v.ok && v.issue.startsWith("rate_limits.0.key"));
  const root = validateDecision([]);
  assert.ok(!root.ok && root.issue.startsWith("(root)"));
});

Deno.test("the existing malformed examples fail here too", () => {
  for (const bad of MALFORMED_DECISIONS) assert.equal(validateDecision(bad).ok, false, JSON.stringify(bad));
});
