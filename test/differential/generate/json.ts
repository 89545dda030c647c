/**
 * Random JSON documents for `input` and `data`: every JSON type, nested, drawn from a small
 * vocabulary so that the policies' references find something (the keys policies read, strings
 * they compare with, small numbers, arrays and objects to iterate).
 */
import type { Rng } from "./rng.ts";

/** Keys of input and data documents, which the generated policies read. */
export const KEYS = ["a", "b", "n", "s", "xs", "ys", "obj", "roles"] as const;
export const STRINGS = ["a", "b", "admin", "user", "", "x y", "A"] as const;
/** Numbers kept small and exact, so the numbers helper's area (precision) stays out. */
export const NUMBERS = [0, 1, 2, 3, -1, 10, 0.5, 1.5, -2.25] as const;

export function scalar(r: Rng): unknown {
  return r.weighted<() => unknown>([
    [1, () => null],
    [2, () => r.chance(0.5)],
    [4, () => r.pick(NUMBERS)],
    [4, () => r.pick(STRINGS)],
  ])();
}

export function value(r: Rng, depth: number): unknown {
  if (depth <= 0) return scalar(r);
  return r.weighted<() => unknown>([
    [5, () => scalar(r)],
    [3, () => Array.from({ length: r.int(0, 3) }, () => value(r, depth - 1))],
    [3, () => object(r, depth - 1, r.int(0, 3))],
  ])();
}

export function object(r: Rng, depth: number, size: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < size; i++) out[r.pick([...KEYS, ...STRINGS.slice(0, 4)])] = value(r, depth);
  return out;
}

/** An input document: mostly an object with the policy keys; sometimes absent or not an object. */
export function input(r: Rng): unknown {
  return r.weighted<() => unknown>([
    [1, () => undefined],
    [1, () => value(r, 2)],
    [12, () => {
      const out: Record<string, unknown> = {};
      for (const k of KEYS) {
        if (!r.chance(0.75)) continue;
        out[k] = k === "xs" || k === "ys" || k === "roles"
          ? r.chance(0.85)
            ? Array.from({ length: r.int(0, 4) }, () => k === "roles" ? r.pick(STRINGS) : value(r, 1))
            : value(r, 1)
          : k === "obj"
          ? r.chance(0.85) ? object(r, 1, r.int(0, 3)) : value(r, 1)
          : k === "n"
          ? r.chance(0.8) ? r.pick(NUMBERS) : value(r, 1)
          : k === "s"
          ? r.chance(0.8) ? r.pick(STRINGS) : value(r, 1)
          : value(r, 2);
      }
      return out;
    }],
  ])();
}

/** Base data: under one key, `d`, that no package uses. */
export function data(r: Rng): Record<string, unknown> | undefined {
  if (r.chance(0.3)) return undefined;
  return { d: object(r, 2, r.int(1, 4)) };
}
