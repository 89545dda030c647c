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

/** A key as the JSON dump writes it: a string as is, anything else as its JSON text. */
function keyText(key: Json): string {
  const value = plain(key);
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The expected value with its tags resolved to plain JSON (a set as an array). */
function plain(v: Json): Json {
  if (isTagged(v, "set!")) return (v["set!"] as Json[]).map(plain);
  if (isTagged(v, "object!")) {
    return Object.fromEntries(
      (v["object!"] as { key: Json; value: Json }[]).map((e) => [keyText(e.key), plain(e.value)]),
    );
  }
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
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
