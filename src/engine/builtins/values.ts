/**
 * Value order, equality and text forms for JSON values, following OPA's rules:
 * null < boolean < number < string < array < object < set (sets arrive as arrays, or as RegoSets
 * for the built-ins that take sets); strings compare by code point (the order of their UTF-8
 * bytes); objects compare by sorted keys, then values; sets by their sorted elements.
 */
import type { JsonObject } from "./operands.ts";
import { isObject } from "./operands.ts";
import { RegoSet } from "./rego_set.ts";

function rank(v: unknown): number {
  if (v === null) return 0;
  if (typeof v === "boolean") return 1;
  if (typeof v === "number") return 2;
  if (typeof v === "string") return 3;
  if (Array.isArray(v)) return 4;
  if (v instanceof RegoSet) return 6;
  return 5;
}

function compareSequences(x: readonly unknown[], y: readonly unknown[]): number {
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = compareValues(x[i], y[i]);
    if (c !== 0) return c;
  }
  return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
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
    case 4:
      return compareSequences(a as unknown[], b as unknown[]);
    case 6:
      return compareSequences(regoSet((a as RegoSet).items).items, regoSet((b as RegoSet).items).items);
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

/** A RegoSet of the items: sorted, without duplicates. */
export function regoSet(items: readonly unknown[]): RegoSet {
  return new RegoSet(toSet([...items]));
}

export function setHas(items: readonly unknown[], v: unknown): boolean {
  return items.some((x) => equalValues(x, v));
}

/** Compact JSON with object keys sorted, as OPA's json.marshal writes it (sets as sorted arrays). */
export function canonicalJson(v: unknown): string {
  if (v instanceof RegoSet) return canonicalJson(regoSet(v.items).items);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (isObject(v)) {
    return `{${sortedKeys(v).map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

/** Rego's text form of a value (OPA's term String()), used by sprintf for non-strings. */
export function regoText(v: unknown): string {
  if (v instanceof RegoSet) {
    return v.items.length === 0 ? "set()" : `{${regoSet(v.items).items.map(regoText).join(", ")}}`;
  }
  if (Array.isArray(v)) return `[${v.map(regoText).join(", ")}]`;
  if (isObject(v)) {
    return `{${sortedKeys(v).map((k) => `${JSON.stringify(k)}: ${regoText(v[k])}`).join(", ")}}`;
  }
  return JSON.stringify(v ?? null);
}

/** A deep copy (RegoSets stay RegoSets). */
export function deepClone<T>(v: T): T {
  if (v instanceof RegoSet) return new RegoSet(v.items.map(deepClone)) as T;
  if (Array.isArray(v)) return v.map(deepClone) as T;
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deepClone(x)])) as T;
  return v;
}
