/**
 * Properties of the runtime's numbers over random and hostile texts: exact order (against a BigInt
 * reference), verbatim JSON, exact integers of any size, and no abort or runaway on what a caller
 * may send. Results OPA gives are checked case by case in numbers_opa.test.ts.
 */
import assert from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { Runtime } from "./harness.ts";

/** A decimal as sign × digits × 10^exp (BigInt digits). */
interface Dec {
  neg: boolean;
  digits: bigint;
  exp: number;
}

function parseDec(text: string): Dec {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (m === null) throw new Error(`not a number: ${text}`);
  const frac = m[3] ?? "";
  return { neg: m[1] === "-", digits: BigInt((m[2] || "0") + frac), exp: Number(m[4] ?? 0) - frac.length };
}

/** Exact order of two decimals (-0 == 0). */
function cmpDec(a: Dec, b: Dec): number {
  const sa = a.digits === 0n ? 0n : a.neg ? -1n : 1n;
  const sb = b.digits === 0n ? 0n : b.neg ? -1n : 1n;
  const e = Math.min(a.exp, b.exp);
  const x = sa * a.digits * 10n ** BigInt(a.exp - e);
  const y = sb * b.digits * 10n ** BigInt(b.exp - e);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** JSON number text: optional minus, integer part, optional fraction and exponent (small). */
const jsonNumber = fc.tuple(
  fc.boolean(),
  fc.oneof(fc.constant("0"), fc.stringMatching(/^[1-9][0-9]{0,30}$/)),
  fc.option(fc.stringMatching(/^[0-9]{1,30}$/), { nil: undefined }),
  fc.option(fc.integer({ min: -40, max: 40 }), { nil: undefined }),
  fc.constantFrom("e", "E", "e+"),
).map(([neg, int, frac, exp, e]) =>
  `${neg ? "-" : ""}${int}${frac === undefined ? "" : "." + frac}${
    exp === undefined ? "" : (exp < 0 ? "e" : e) + String(exp)
  }`
);

/** OPA's NumberCompare shortcut applies to two texts with trailing zeros after a point. */
function trailingZeroFloat(t: string): boolean {
  if (!t.includes(".")) return false;
  const trimmed = t.replace(/[.0]+$/, "");
  return trimmed !== t && trimmed.includes(".");
}

Deno.test("numbers: order is exact for any digits and exponents", () => {
  const rt = new Runtime();
  fc.assert(
    fc.property(jsonNumber, jsonNumber, (a, b) => {
      const mark = rt.x.opa_heap_ptr_get();
      const c = rt.x.rt_compare(rt.parseJSON(a), rt.parseJSON(b));
      const back = rt.x.rt_compare(rt.parseJSON(b), rt.parseJSON(a));
      rt.x.opa_heap_ptr_set(mark);
      let want = cmpDec(parseDec(a), parseDec(b));
      if (want !== 0 && trailingZeroFloat(a) && trailingZeroFloat(b) && Number(a) === Number(b)) want = 0;
      assert.equal(Math.sign(c), want, `${a} vs ${b}`);
      assert.equal(Math.sign(back), want === 0 ? 0 : -want, `${b} vs ${a}`);
    }),
    { numRuns: 3000 },
  );
});

Deno.test("numbers: JSON text passes through verbatim", () => {
  const rt = new Runtime();
  fc.assert(
    fc.property(fc.array(jsonNumber, { maxLength: 8 }), (xs) => {
      const text = `[${xs.join(",")}]`;
      assert.equal(rt.dump(rt.parseJSON(text)), text);
    }),
  );
});

Deno.test("numbers: integer arithmetic is exact at any size", () => {
  const rt = new Runtime();
  const bigint = fc.bigInt({ min: -(10n ** 60n), max: 10n ** 60n });
  fc.assert(
    fc.property(bigint, bigint, (a, b) => {
      const mark = rt.x.opa_heap_ptr_get();
      const x = rt.parseJSON(String(a)), y = rt.parseJSON(String(b));
      assert.equal(rt.dump(rt.x.bi_plus(x, y)), String(a + b));
      assert.equal(rt.dump(rt.x.bi_minus(x, y)), String(a - b));
      assert.equal(rt.dump(rt.x.bi_mul(x, y)), String(a * b));
      if (b !== 0n) assert.equal(rt.dump(rt.x.bi_rem(x, y)), String(a % b)); // truncated, as Go's Rem
      rt.x.opa_heap_ptr_set(mark);
    }),
    { numRuns: 1000 },
  );
});

Deno.test("numbers: float arithmetic commutes and orders like the exact values", () => {
  const rt = new Runtime();
  fc.assert(
    fc.property(jsonNumber, jsonNumber, (a, b) => {
      const mark = rt.x.opa_heap_ptr_get();
      const x = rt.parseJSON(a), y = rt.parseJSON(b);
      assert.equal(rt.dump(rt.x.bi_plus(x, y)), rt.dump(rt.x.bi_plus(y, x)));
      assert.equal(rt.dump(rt.x.bi_mul(x, y)), rt.dump(rt.x.bi_mul(y, x)));
      // rounding is monotonic: a < b implies a + 1 <= b + 1
      const one = rt.parseJSON("1");
      if (cmpDec(parseDec(a), parseDec(b)) < 0) {
        assert.ok(rt.x.rt_compare(rt.x.bi_plus(x, one), rt.x.bi_plus(y, one)) <= 0, `${a} + 1 vs ${b} + 1`);
      }
      rt.x.opa_heap_ptr_set(mark);
    }),
    { numRuns: 1000 },
  );
});

Deno.test("numbers: hostile texts and sizes neither abort nor run away", () => {
  const rt = new Runtime();
  rt.x.rt_set_strict(0);
  const hostile = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.stringMatching(/^[-+.0-9eE]{1,40}$/),
    fc.tuple(fc.integer({ min: 1, max: 20000 }), fc.constantFrom("1", "9", "0.", "1e", "1e-")).map(([n, s]) =>
      s.repeat(n)
    ),
    fc.integer({ min: 0, max: 1e9 }).map((e) => `1e${e}`),
    fc.integer({ min: 0, max: 1e9 }).map((e) => `1.5e-${e}`),
  );
  fc.assert(
    fc.property(hostile, hostile, (a, b) => {
      const mark = rt.x.opa_heap_ptr_get();
      const x = rt.x.bi_to_number(rt.str(a));
      const y = rt.x.bi_to_number(rt.str(b));
      if (x !== 0 && y !== 0) {
        for (const f of ["bi_plus", "bi_minus", "bi_mul", "bi_div", "bi_rem", "bi_lt", "bi_equal"]) {
          rt.x[f](x, y);
        }
        for (const f of ["bi_abs", "bi_round", "bi_ceil", "bi_floor"]) rt.x[f](x);
        const args = rt.x.rt_array(2);
        rt.x.rt_array_append(args, x);
        rt.x.rt_array_append(args, y);
        rt.x.bi_sprintf(rt.str("%v %d"), args);
        rt.x.bi_sprintf(rt.str("%.3f %e"), args);
        rt.x.bi_format_int(x, rt.v(16));
      }
      rt.x.opa_heap_ptr_set(mark);
    }),
    { numRuns: 300 },
  );
});
