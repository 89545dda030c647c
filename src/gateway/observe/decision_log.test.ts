import assert from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { type DecisionLine, formatDecisionLine } from "./decision_log.ts";

/** Any text, control characters, quotes, lone surrogates and all. */
const text = fc.string({ unit: "binary", maxLength: 40 });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -0, 1e21, 1e-7));

const line: fc.Arbitrary<DecisionLine> = fc.record({
  "@timestamp": text,
  level: fc.constant("INFO" as const),
  request_id: text,
  method: text,
  path: text,
  status: number,
  decision: text,
  reason: maybe(text),
  route: maybe(text),
  key_id: maybe(text),
  org: maybe(text),
  identity_type: maybe(text),
  rate_limit: maybe(fc.record({ key: text, limit: number, remaining: number, allowed: fc.boolean() })),
  revision: maybe(text),
  jti: maybe(text),
  latency_ms: number,
  policy_ms: maybe(number),
  decision_cache: fc.constantFrom("hit" as const, "miss" as const, null),
  upstream_status: maybe(number),
}).chain((l) =>
  fc.option(text, { nil: undefined }).map((detail) => detail === undefined ? l : { ...l, detail })
);

Deno.test("decision log: the hand-written line is JSON.stringify's, for any content", () => {
  fc.assert(
    fc.property(line, (l) => {
      assert.equal(formatDecisionLine(l), JSON.stringify(l));
    }),
    { numRuns: 2000 },
  );
});
