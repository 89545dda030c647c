/**
 * object.* built-ins over JSON objects (keys are strings; sets of keys arrive as arrays).
 * object.subset and object.union_n take sets (RegoSets): subset tells sets from arrays, union_n
 * keeps the sets inside the objects it merges.
 */
import { RegoSet, takesSets } from "./rego_set.ts";
import type { HostBuiltin } from "./host_builtin.ts";
import { arr, fail, isObject, type Json, type JsonObject, obj, typeError } from "./operands.ts";
import { equalValues, setHas, toSet } from "./values.ts";

/** Keys named by an array, a set (array) or an object (its keys). */
function keysOf(name: string, v: unknown, pos: number): Set<string> {
  if (isObject(v)) return new Set(Object.keys(v));
  if (!Array.isArray(v)) typeError(name, pos, v, "object", "set", "array");
  return new Set((v as Json[]).filter((k): k is string => typeof k === "string"));
}

function union(a: Json, b: Json): Json {
  if (!isObject(a) || !isObject(b)) return b;
  const out: JsonObject = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in a ? union(a[k], v) : v;
  return out;
}

/**
 * OPA's object.subset (topdown/subset.go): objects recursively (a value must be equal, or a subset
 * of the same kind), sets by membership, an array must contain the other as a contiguous run, and
 * a set is a subset of an array that holds each of its members. OPA v0.47 matched arrays as
 * subsequences; today's OPA wins.
 */
function objectSubset(sup: JsonObject, sub: JsonObject): boolean {
  return Object.entries(sub).every(([k, v]) => {
    if (!Object.hasOwn(sup, k)) return false;
    const s = sup[k];
    if (equalValues(s, v)) return true;
    if (isObject(s) && isObject(v)) return objectSubset(s, v);
    if (s instanceof RegoSet && v instanceof RegoSet) return setSubset(s, v);
    if (Array.isArray(s) && Array.isArray(v)) return arraySubset(s, v);
    return false;
  });
}

function setSubset(sup: RegoSet, sub: RegoSet): boolean {
  return sub.items.every((x) => setHas(sup.items, x));
}

/** OPA's naive substring search: sub must appear as a contiguous run of sup. */
function arraySubset(sup: unknown[], sub: unknown[]): boolean {
  if (sub.length > sup.length) return false;
  if (equalValues(sup, sub)) return true;
  let start = 0, i = 0;
  for (;;) {
    if (i === sub.length) return true;
    if (start + i === sup.length) return false;
    if (equalValues(sup[start + i], sub[i])) i++;
    else {
      start++;
      i = 0;
    }
  }
}

/** OPA's arraySetSubset, with its quirk: it counts matches, so a repeated element counts twice. */
function arraySetSubset(sup: unknown[], sub: RegoSet): boolean {
  let unmatched = sub.items.length;
  for (const x of sup) {
    if (setHas(sub.items, x)) unmatched--;
    if (unmatched === 0) return true;
  }
  return false;
}

export const OBJECT_BUILTINS: Record<string, HostBuiltin> = {
  "object.get": (o, key, fallback) => {
    const object = obj("object.get", o, 1);
    if (!Array.isArray(key)) return typeof key === "string" && key in object ? object[key] : fallback;
    let cur: Json = object;
    for (const k of key as Json[]) {
      if (isObject(cur) && typeof k === "string" && k in cur) cur = cur[k];
      else if (
        Array.isArray(cur) && typeof k === "number" && Number.isInteger(k) && k >= 0 && k < cur.length
      ) {
        cur = cur[k];
      } else return fallback;
    }
    return cur;
  },
  "object.remove": (o, keys) => {
    const object = obj("object.remove", o, 1);
    const drop = keysOf("object.remove", keys, 2);
    return Object.fromEntries(Object.entries(object).filter(([k]) => !drop.has(k)));
  },
  "object.filter": (o, keys) => {
    const object = obj("object.filter", o, 1);
    const keep = keysOf("object.filter", keys, 2);
    return Object.fromEntries(Object.entries(object).filter(([k]) => keep.has(k)));
  },
  "object.union": (a, b) => union(obj("object.union", a, 1), obj("object.union", b, 2)),
  "object.union_n": takesSets((objects) => {
    let out: Json = {};
    for (const o of arr("object.union_n", objects, 1)) {
      if (!isObject(o)) fail("object.union_n", "operand 1 must be array of objects");
      out = union(out, o);
    }
    return out;
  }),
  "object.keys": (o) => toSet(Object.keys(obj("object.keys", o, 1))),
  "object.subset": takesSets((sup, sub) => {
    if (isObject(sup) && isObject(sub)) return objectSubset(sup, sub);
    if (sup instanceof RegoSet && sub instanceof RegoSet) return setSubset(sup, sub);
    if (Array.isArray(sup) && Array.isArray(sub)) return arraySubset(sup, sub);
    if (Array.isArray(sup) && sub instanceof RegoSet) return arraySetSubset(sup, sub);
    return fail("object.subset", "both arguments object.subset must be of the same type or array and set");
  }),
};
