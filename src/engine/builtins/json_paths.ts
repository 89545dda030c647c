/**
 * json.filter and json.remove, with JSON-pointer or array paths. Array elements are addressed by
 * string indexes ("0"), as in OPA; a set member by its value (only scalars here: a composite member
 * is never matched by a path segment). They take sets (RegoSets), so sets in the document stay
 * sets. json.patch is in json_patch.ts.
 */
import { RegoSet, takesSets } from "./rego_set.ts";
import type { HostBuiltin } from "./host_builtin.ts";
import { collection, fail, isObject, type Json, type JsonObject, obj, typeName } from "./operands.ts";

type Tree = Map<unknown, Tree | null>; // null: the whole value at this path

/** OPA's parsePath: "" is no path; leading slashes are dropped; "~1" is "/" and "~0" is "~". */
function pathComponents(name: string, p: unknown): unknown[] {
  if (typeof p === "string") {
    if (p === "") return [];
    return p.replace(/^\/+/, "").split("/").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
  }
  if (Array.isArray(p)) return p;
  return fail(
    name,
    `operand 2 must be one of {set, array} containing string paths or array of path segments but got ${
      typeName(p)
    }`,
  );
}

function pathTree(name: string, paths: unknown): Tree {
  const root: Tree = new Map();
  for (const p of collection(name, paths, 2)) {
    const parts = pathComponents(name, p);
    if (parts.length === 0) continue; // an empty path selects nothing
    let node = root;
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      const existing = node.get(parts[i]);
      if (existing === null) break; // a shorter path already covers this one
      if (last) node.set(parts[i], null);
      else {
        const child = existing ?? new Map();
        node.set(parts[i], child);
        node = child;
      }
    }
  }
  return root;
}

function filter(v: Json, tree: Tree | null): Json {
  if (tree === null) return v;
  if (v instanceof RegoSet) {
    const kept = v.items.filter((x) => tree.has(x));
    return new RegoSet(kept.map((x) => filter(x as Json, tree.get(x)!))) as unknown as Json;
  }
  if (Array.isArray(v)) {
    const out: Json[] = [];
    v.forEach((x, i) => {
      const key = String(i);
      if (tree.has(key)) out.push(filter(x, tree.get(key)!));
    });
    return out;
  }
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (tree.has(k)) out[k] = filter(x, tree.get(k)!);
    return out;
  }
  return v;
}

function remove(v: Json, tree: Tree): Json {
  if (v instanceof RegoSet) {
    const kept = v.items.filter((x) => tree.get(x) !== null);
    return new RegoSet(kept.map((x) => tree.has(x) ? remove(x as Json, tree.get(x)!) : x)) as unknown as Json;
  }
  if (Array.isArray(v)) {
    const out: Json[] = [];
    v.forEach((x, i) => {
      const sub = tree.get(String(i));
      if (sub === null) return;
      out.push(sub ? remove(x, sub) : x);
    });
    return out;
  }
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) {
      const sub = tree.get(k);
      if (sub === null) continue;
      out[k] = sub ? remove(x, sub) : x;
    }
    return out;
  }
  return v;
}

export const JSON_PATH_BUILTINS: Record<string, HostBuiltin> = {
  "json.filter": takesSets((o, paths) => filter(obj("json.filter", o, 1), pathTree("json.filter", paths))),
  "json.remove": takesSets((o, paths) => remove(obj("json.remove", o, 1), pathTree("json.remove", paths))),
};
