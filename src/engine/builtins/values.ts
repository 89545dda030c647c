/**
 * Value order, equality and text forms for JSON values, following OPA's rules:
 * null < boolean < number < string < array < object (sets arrive as arrays); strings compare by
 * code point (the order of their UTF-8 bytes); objects compare by sorted keys, then values.
 */
import type { Json, JsonObject } from "./operands.ts";
import { isObject } from "./operands.ts";

function rank(v: unknown): number {
  if (v === null) return 0;
  if (typeof v === "boolean") return 1;
  if (typeof v === "number") return 2;
  if (typeof v === "string") return 3;
  if (Array.isArray(v)) return 4;
  return 5;
}

/** Compare strings by code point, as Go compares UTF-8 bytes. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a), rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return 0;
    case 1:
    case 2:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 3:
      return compareStrings(a as string, b as string);
    case 4: {
      const x = a as unknown[], y = b as unknown[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length - y.length < 0 ? -1 : x.length > y.length ? 1 : 0;
    }
    default: {
      const x = a as JsonObject, y = b as JsonObject;
      const kx = sortedKeys(x), ky = sortedKeys(y);
      for (let i = 0; i < Math.min(kx.length, ky.length); i++) {
        const c = compareStrings(kx[i], ky[i]);
        if (c !== 0) return c;
        const d = compareValues(x[kx[i]], y[ky[i]]);
        if (d !== 0) return d;
      }
      return kx.length < ky.length ? -1 : kx.length > ky.length ? 1 : 0;
    }
  }
}

export function equalValues(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

export function sortedKeys(o: JsonObject): string[] {
  return Object.keys(o).sort(compareStrings);
}

/** Sorted, duplicate-free copy: how a set built on the host is returned (as an array). */
export function toSet<T>(items: T[]): T[] {
  const sorted = [...items].sort(compareValues);
  return sorted.filter((v, i) => i === 0 || compareValues(sorted[i - 1], v) !== 0);
}

export function setHas(items: unknown[], v: unknown): boolean {
  return items.some((x) => equalValues(x, v));
}

/** Compact JSON with object keys sorted, as OPA's json.marshal writes it. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (isObject(v)) {
    return `{${sortedKeys(v).map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

/** Rego's text form of a value (OPA's term String()), used by sprintf for non-strings. */
export function regoText(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(regoText).join(", ")}]`;
  if (isObject(v)) {
    return `{${sortedKeys(v).map((k) => `${JSON.stringify(k)}: ${regoText(v[k])}`).join(", ")}}`;
  }
  return JSON.stringify(v ?? null);
}

export function deepClone<T extends Json>(v: T): T {
  return structuredClone(v);
}
