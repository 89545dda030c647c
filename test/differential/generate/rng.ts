/**
 * The generator's source of randomness: xoroshiro128+ from pure-rand (fast-check's own PRNG), so
 * that a seed reproduces a case exactly.
 */
import { uniformInt } from "npm:pure-rand@^8.4.2/distribution/uniformInt";
import { xoroshiro128plus } from "npm:pure-rand@^8.4.2/generator/xoroshiro128plus";

export class Rng {
  private g;

  constructor(seed: number) {
    this.g = xoroshiro128plus(seed | 0);
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return uniformInt(this.g, lo, hi);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.int(0, 9999) < p * 10000;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  /** One of the choices, by weight. */
  weighted<T>(choices: readonly [number, T][]): T {
    const total = choices.reduce((s, [w]) => s + w, 0);
    let r = this.int(0, total - 1);
    for (const [w, c] of choices) {
      if (r < w) return c;
      r -= w;
    }
    return choices[choices.length - 1][1];
  }
}

/** The seed of case `index` of a run seeded `seed`: distinct for nearby seeds and indexes. */
export function caseSeed(seed: number, index: number): number {
  let h = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h | 0;
}
