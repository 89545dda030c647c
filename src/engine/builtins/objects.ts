/** object.* built-ins over JSON objects (keys are strings; sets of keys arrive as arrays). */
import type { HostBuiltin } from "./host_builtin.ts";
import { arr, fail, isObject, type Json, type JsonObject, obj, typeError } from "./operands.ts";
import { equalValues, toSet } from "./values.ts";

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

/** OPA's object.subset: objects recursively, arrays as subsequences, other values by equality. */
function subset(sup: Json, sub: Json): boolean {
  if (isObject(sup) && isObject(sub)) {
    return Object.entries(sub).every(([k, v]) => k in sup && subset(sup[k], v));
  }
  if (Array.isArray(sup) && Array.isArray(sub)) {
    let i = 0;
    for (const x of sup) if (i < sub.length && equalValues(x, sub[i])) i++;
    return i === sub.length;
  }
  return equalValues(sup, sub);
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
  "object.union_n": (objects) => {
    let out: Json = {};
    for (const o of arr("object.union_n", objects, 1)) {
      if (!isObject(o)) fail("object.union_n", "operand 1 must be array of objects");
      out = union(out, o);
    }
    return out;
  },
  "object.keys": (o) => toSet(Object.keys(obj("object.keys", o, 1))),
  "object.subset": (sup, sub) => {
    const ok = (v: unknown) => isObject(v) || Array.isArray(v);
    if (!ok(sup)) typeError("object.subset", 1, sup, "object", "array", "set");
    if (!ok(sub)) typeError("object.subset", 2, sub, "object", "array", "set");
    return subset(sup as Json, sub as Json);
  },
};
