/**
 * A bounded cache of signed tokens keyed by identity and claims. A token is reused while more than
 * `reuseFraction` of its lifetime remains, so a cached token always has at least that much time
 * left when handed out. When full, the oldest entry is evicted (insertion order).
 */

export interface CachedToken {
  token: string;
  jti: string;
  iat: number;
  exp: number;
}

/**
 * Deterministic JSON (object keys sorted; undefined members left out, as JSON.stringify does) for
 * use in cache keys. It runs on every proxied request, so it builds one string without
 * intermediate arrays, and sorts keys only when they are not in order already.
 */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + stableJson(value[i]);
    return out + "]";
  }
  const obj = value as Record<string, unknown>;
  let keys = Object.keys(obj);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1] > keys[i]) {
      keys = [...keys].sort();
      break;
    }
  }
  let out = "{";
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (out.length === 1 ? "" : ",") + JSON.stringify(k) + ":" + stableJson(v);
  }
  return out + "}";
}

export class TokenCache {
  readonly #entries = new Map<string, CachedToken>();

  constructor(readonly maxEntries: number, readonly reuseFraction: number) {}

  get size(): number {
    return this.#entries.size;
  }

  /** A token with more than `reuseFraction` of its lifetime left at `nowSeconds`, or undefined. */
  get(key: string, nowSeconds: number): CachedToken | undefined {
    const hit = this.#entries.get(key);
    if (hit === undefined) return undefined;
    if (hit.exp - nowSeconds > (hit.exp - hit.iat) * this.reuseFraction) return hit;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: string, token: CachedToken): void {
    if (this.maxEntries <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, token);
    while (this.#entries.size > this.maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
  }

  clear(): void {
    this.#entries.clear();
  }
}
