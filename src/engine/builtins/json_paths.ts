/**
 * json.filter, json.remove and json.patch (RFC 6902, with JSON-pointer or array paths). Array
 * elements are addressed by string indexes ("0"), as in OPA; failed patches throw.
 */
import type { HostBuiltin } from "./host_builtin.ts";
import { collection, fail, isObject, type Json, type JsonObject, obj } from "./operands.ts";
import { deepClone, equalValues } from "./values.ts";

type Tree = Map<unknown, Tree | null>; // null: the whole value at this path

function pathComponents(name: string, p: unknown): unknown[] {
  if (typeof p === "string") return p.replace(/^\/+|\/+$/g, "").split("/");
  if (Array.isArray(p)) return p;
  return fail(name, "operand 2 must be array of strings or arrays");
}

function pathTree(name: string, paths: unknown): Tree {
  const root: Tree = new Map();
  for (const p of collection(name, paths, 2)) {
    const parts = pathComponents(name, p);
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

// ---- json.patch ----

const PATCH = "json.patch";

function pointer(p: unknown): string[] {
  if (typeof p === "string") {
    if (p === "") return [];
    if (!p.startsWith("/")) fail(PATCH, `invalid JSON pointer: ${p}`);
    return p.slice(1).split("/").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
  }
  if (Array.isArray(p)) {
    return p.map((x) => {
      if (typeof x === "string") return x;
      if (typeof x === "number" && Number.isSafeInteger(x) && x >= 0) return String(x);
      return fail(PATCH, "path elements must be strings or non-negative integers");
    });
  }
  return fail(PATCH, "path must be a string or an array");
}

function index(arr: Json[], key: string, forAdd: boolean): number {
  if (key === "-" && forAdd) return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(key)) fail(PATCH, `invalid array index: ${key}`);
  const i = Number(key);
  if (!Number.isSafeInteger(i) || i > arr.length || (!forAdd && i === arr.length)) {
    fail(PATCH, `array index out of range: ${key}`);
  }
  return i;
}

interface Doc {
  root: Json | undefined;
}

function parentOf(doc: Doc, path: string[]): Json {
  let cur = doc.root;
  for (const key of path.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[index(cur, key, false)];
    else if (isObject(cur) && key in cur) cur = cur[key];
    else fail(PATCH, `path not found: /${path.join("/")}`);
  }
  if (cur === undefined) fail(PATCH, "document is undefined");
  return cur!;
}

function get(doc: Doc, path: string[]): Json {
  if (path.length === 0) {
    if (doc.root === undefined) fail(PATCH, "document is undefined");
    return doc.root!;
  }
  const parent = parentOf(doc, path);
  const key = path[path.length - 1];
  if (Array.isArray(parent)) return parent[index(parent, key, false)];
  if (isObject(parent) && key in parent) return parent[key];
  return fail(PATCH, `path not found: /${path.join("/")}`);
}

function add(doc: Doc, path: string[], value: Json): void {
  if (path.length === 0) {
    doc.root = value;
    return;
  }
  const parent = parentOf(doc, path);
  const key = path[path.length - 1];
  if (Array.isArray(parent)) parent.splice(index(parent, key, true), 0, value);
  else if (isObject(parent)) parent[key] = value;
  else fail(PATCH, `cannot add to a scalar at /${path.join("/")}`);
}

function removeAt(doc: Doc, path: string[]): void {
  if (path.length === 0) {
    if (doc.root === undefined) fail(PATCH, "document is undefined");
    doc.root = undefined;
    return;
  }
  const parent = parentOf(doc, path);
  const key = path[path.length - 1];
  if (Array.isArray(parent)) parent.splice(index(parent, key, false), 1);
  else if (isObject(parent) && key in parent) delete parent[key];
  else fail(PATCH, `path not found: /${path.join("/")}`);
}

function applyPatch(target: Json, patches: Json[]): Json | undefined {
  const doc: Doc = { root: deepClone(target) };
  for (const p of patches) {
    if (!isObject(p)) fail(PATCH, "each patch must be an object");
    const op = p.op;
    if (typeof op !== "string") fail(PATCH, "missing or invalid op");
    if (!("path" in p)) fail(PATCH, "missing path");
    const path = pointer(p.path);
    const needValue = op === "add" || op === "replace" || op === "test";
    if (needValue && !("value" in p)) fail(PATCH, `missing value for ${op}`);
    const needFrom = op === "move" || op === "copy";
    if (needFrom && !("from" in p)) fail(PATCH, `missing from for ${op}`);
    switch (op) {
      case "add":
        add(doc, path, deepClone(p.value));
        break;
      case "remove":
        removeAt(doc, path);
        break;
      case "replace":
        get(doc, path);
        if (path.length === 0) doc.root = deepClone(p.value);
        else {
          removeAt(doc, path);
          add(doc, path, deepClone(p.value));
        }
        break;
      case "move": {
        const from = pointer(p.from);
        if (path.length > from.length && from.every((k, i) => path[i] === k)) {
          fail(PATCH, "cannot move a value into one of its children");
        }
        const value = get(doc, from);
        removeAt(doc, from);
        add(doc, path, value);
        break;
      }
      case "copy":
        add(doc, path, deepClone(get(doc, pointer(p.from))));
        break;
      case "test":
        if (!equalValues(get(doc, path), p.value)) fail(PATCH, `test failed at /${path.join("/")}`);
        break;
      default:
        fail(PATCH, `unknown op ${JSON.stringify(op)}`);
    }
  }
  return doc.root;
}

export const JSON_PATH_BUILTINS: Record<string, HostBuiltin> = {
  "json.filter": (o, paths) => filter(obj("json.filter", o, 1), pathTree("json.filter", paths)),
  "json.remove": (o, paths) => remove(obj("json.remove", o, 1), pathTree("json.remove", paths)),
  "json.patch": (target, patches) => {
    if (!Array.isArray(patches)) fail(PATCH, "operand 2 must be array");
    return applyPatch(target as Json, patches as Json[]);
  },
};
