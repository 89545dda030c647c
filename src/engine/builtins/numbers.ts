/**
 * Number built-ins: numbers.range, numbers.range_step, rand.intn (the same answer for the same
 * operands within one evaluation, as OPA caches it), abs, ceil, floor, round (half away from
 * zero) and bits.* (on integers up to 2^53; beyond, JS numbers are not exact).
 */
import type { HostBuiltin } from "./host_builtin.ts";
import { fail, int, num, str } from "./operands.ts";

const RANGE_LIMIT = 1_000_000;
const randoms = new Map<string, number>();

/** Start of an evaluation: forget the rand.intn answers given so far. */
export function resetRandoms(): void {
  randoms.clear();
}

function range(name: string, from: number, to: number, step: number): number[] {
  const count = Math.floor(Math.abs(to - from) / step) + 1;
  if (count > RANGE_LIMIT) fail(name, `range of more than ${RANGE_LIMIT} numbers`);
  const dir = to >= from ? 1 : -1;
  return Array.from({ length: count }, (_, i) => from + dir * i * step);
}

const bigint = (name: string, v: unknown, pos: number): bigint => BigInt(int(name, v, pos));

export const NUMBER_BUILTINS: Record<string, HostBuiltin> = {
  "numbers.range": (a, b) =>
    range("numbers.range", int("numbers.range", a, 1), int("numbers.range", b, 2), 1),
  "numbers.range_step": (a, b, step) => {
    const name = "numbers.range_step";
    const from = int(name, a, 1), to = int(name, b, 2), s = int(name, step, 3);
    if (s <= 0) fail(name, "step must be a positive number above zero");
    return range(name, from, to, s);
  },
  "rand.intn": (seed, n) => {
    const key = str("rand.intn", seed, 1);
    let limit = int("rand.intn", n, 2);
    if (limit === 0) return 0;
    if (limit < 0) limit = -limit;
    const cacheKey = `${limit}\u0000${key}`;
    let v = randoms.get(cacheKey);
    if (v === undefined) {
      v = Math.floor(Math.random() * limit);
      randoms.set(cacheKey, v);
    }
    return v;
  },
  abs: (x) => Math.abs(num("abs", x, 1)),
  ceil: (x) => Math.ceil(num("ceil", x, 1)),
  floor: (x) => Math.floor(num("floor", x, 1)),
  round: (x) => {
    const v = num("round", x, 1);
    return Math.sign(v) * Math.round(Math.abs(v));
  },
  "bits.and": (a, b) => Number(bigint("bits.and", a, 1) & bigint("bits.and", b, 2)),
  "bits.or": (a, b) => Number(bigint("bits.or", a, 1) | bigint("bits.or", b, 2)),
  "bits.xor": (a, b) => Number(bigint("bits.xor", a, 1) ^ bigint("bits.xor", b, 2)),
  "bits.negate": (a) => Number(~bigint("bits.negate", a, 1)),
  "bits.lsh": (a, b) => {
    const s = bigint("bits.lsh", b, 2);
    if (s < 0n) fail("bits.lsh", "operand 2 must be an unsigned integer number but got a negative integer");
    return Number(bigint("bits.lsh", a, 1) << s);
  },
  "bits.rsh": (a, b) => {
    const s = bigint("bits.rsh", b, 2);
    if (s < 0n) fail("bits.rsh", "operand 2 must be an unsigned integer number but got a negative integer");
    return Number(bigint("bits.rsh", a, 1) >> s);
  },
};
