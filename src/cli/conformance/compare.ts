/**
 * Comparing a result with a case's expectation. Expected values use the suite's tags:
 * `set!: [...]` (a set: order-insensitive) and `object!: [{key, value}]` (an object whose keys may
 * be non-strings; a non-string key is compared as its JSON text, as the Wasm JSON dump writes it).
 * `sort_bindings` makes every array order-insensitive. Numbers compare by value.
 */
type Json = unknown;

export function matches(got: Json, want: Json, sortArrays: boolean): boolean {
  if (isTagged(want, "set!")) {
    return Array.isArray(got) && sameMembers(got, want["set!"] as Json[], sortArrays);
  }
  if (isTagged(want, "object!")) {
    const entries = want["object!"] as { key: Json; value: Json }[];
    const obj = Object.fromEntries(entries.map((e) => [keyText(e.key), e.value]));
    return matches(got, obj, sortArrays);
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) return false;
    return sortArrays ? sameMembers(got, want, true) : want.every((w, i) => matches(got[i], w, false));
  }
  if (typeof want === "object" && want !== null) {
    if (typeof got !== "object" || got === null || Array.isArray(got)) return false;
    const wantKeys = Object.keys(want);
    if (wantKeys.length !== Object.keys(got).length) return false;
    return wantKeys.every((k) =>
      Object.hasOwn(got, k) &&
      matches((got as Record<string, Json>)[k], (want as Record<string, Json>)[k], sortArrays)
    );
  }
  if (typeof want === "number" && typeof got === "number") return want === got;
  return got === want;
}

/**
 * A key as the JSON dump writes it: a string as is, anything else as its JSON text, in which a
 * set's members and an object's keys appear in Rego's value order.
 */
export function keyText(key: Json): string {
  const value = dumped(key);
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The expected value as the JSON dump would write it: sets as sorted arrays, objects key-sorted. */
function dumped(v: Json): Json {
  if (isTagged(v, "set!")) return [...(v["set!"] as Json[])].sort(regoCompare).map(dumped);
  const entries = objectEntries(v);
  if (entries !== undefined) {
    const sorted = [...entries].sort((a, b) => regoCompare(a.key, b.key));
    return Object.fromEntries(sorted.map((e) => [keyText(e.key), dumped(e.value)]));
  }
  if (Array.isArray(v)) return v.map(dumped);
  return v;
}

/** An object (plain or `object!`) as entries; undefined for anything else. */
function objectEntries(v: Json): { key: Json; value: Json }[] | undefined {
  if (isTagged(v, "object!")) return v["object!"] as { key: Json; value: Json }[];
  if (typeof v !== "object" || v === null || Array.isArray(v) || isTagged(v, "set!")) return undefined;
  return Object.entries(v).map(([key, value]) => ({ key, value }));
}

/** Rego's order of values: null < boolean < number < string < array < object < set. */
export function regoCompare(a: Json, b: Json): number {
  const ra = rank(a), rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 4 || ra === 6) {
    const x = ra === 4 ? (a as Json[]) : [...(a as Record<string, Json[]>)["set!"]].sort(regoCompare);
    const y = ra === 4 ? (b as Json[]) : [...(b as Record<string, Json[]>)["set!"]].sort(regoCompare);
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const c = regoCompare(x[i], y[i]);
      if (c !== 0) return c;
    }
    return x.length - y.length;
  }
  if (ra === 5) {
    const x = objectEntries(a)!.sort((p, q) => regoCompare(p.key, q.key));
    const y = objectEntries(b)!.sort((p, q) => regoCompare(p.key, q.key));
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const c = regoCompare(x[i].key, y[i].key) || regoCompare(x[i].value, y[i].value);
      if (c !== 0) return c;
    }
    return x.length - y.length;
  }
  if (ra === 3) return a === b ? 0 : codePointLess(a as string, b as string) ? -1 : 1;
  return a === b ? 0 : (a as number) < (b as number) ? -1 : 1;
}

function rank(v: Json): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === "boolean") return 1;
  if (typeof v === "number") return 2;
  if (typeof v === "string") return 3;
  if (Array.isArray(v)) return 4;
  return isTagged(v, "set!") ? 6 : 5;
}

/** Strings compare by code point (Go compares their UTF-8 bytes), not by UTF-16 unit. */
function codePointLess(a: string, b: string): boolean {
  const x = [...a], y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i].codePointAt(0)! < y[i].codePointAt(0)!;
  }
  return x.length < y.length;
}

function sameMembers(got: Json[], want: Json[], sortArrays: boolean): boolean {
  if (got.length !== want.length) return false;
  const remaining = [...got];
  for (const w of want) {
    const i = remaining.findIndex((g) => matches(g, w, sortArrays));
    if (i < 0) return false;
    remaining.splice(i, 1);
  }
  return true;
}

function isTagged(v: Json, tag: string): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && tag in v;
}
