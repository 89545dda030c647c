/**
 * json.patch: RFC 6902 operations with OPA's semantics (topdown/json.go over its edit tree).
 *
 * - Only a non-array second operand is an error. Anything else that goes wrong (a patch that is
 *   not an object, a missing or wrong attribute, a path that does not resolve, a failing `test`)
 *   makes the call undefined, never an error, and the target is never changed.
 * - A path is a JSON pointer ("/a/0", leading slashes optional, "" the root) or an array of
 *   segments. An array is addressed by an integer segment or a decimal string without leading
 *   zeros; "-" is the end of the array (only meaningful for `add`).
 * - Removing the root leaves nothing: the result is undefined unless a later `add` at "" sets it.
 *
 * - A set member is addressed by its value: adding to a set needs the last segment to equal the
 *   value added (OPA's edit tree: "set key does not equal value to be inserted"). It takes sets
 *   (RegoSets), so sets in the document stay sets.
 */
import { RegoSet, takesSets } from "./rego_set.ts";
import type { HostBuiltin } from "./host_builtin.ts";
import { BuiltinError } from "./errors.ts";
import { fail, isObject, type Json, typeError } from "./operands.ts";
import { deepClone, equalValues, setHas } from "./values.ts";

const PATCH = "json.patch";
const OPS = new Set(["add", "remove", "replace", "move", "copy", "test"]);

/** The document being patched; `undefined` once the root has been removed. */
interface Doc {
  root: Json | undefined;
}

/** OPA's parsePath: a JSON pointer string or an array of segments. */
export function patchPath(p: unknown): Json[] {
  if (typeof p === "string") {
    if (p === "") return [];
    return p.replace(/^\/+/, "").split("/").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
  }
  if (Array.isArray(p)) return p as Json[];
  return fail(PATCH, "path must be a JSON pointer (string) or an array of path segments");
}

/** OPA's edit-tree toIndex: a segment as an array index (unchecked against the bounds). */
export function arrayIndex(length: number, key: Json): number {
  if (typeof key === "number") {
    if (Number.isSafeInteger(key)) return key;
    return fail(PATCH, "invalid number type for indexing");
  }
  if (typeof key === "string") {
    if (key === "-") return length;
    if (!/^[+-]?\d+$/.test(key) || !Number.isSafeInteger(Number(key))) {
      return fail(PATCH, "invalid string for indexing");
    }
    if (key !== "0" && key.startsWith("0")) fail(PATCH, "leading zeros are not allowed in JSON paths");
    return Number(key);
  }
  return fail(PATCH, "invalid type for indexing");
}

/** The value at a path (which must exist). */
function valueAt(doc: Doc, path: Json[]): Json {
  if (doc.root === undefined) fail(PATCH, "the document was removed");
  let cur: Json = doc.root!;
  for (const key of path) {
    if (Array.isArray(cur)) {
      const i = arrayIndex(cur.length, key);
      if (i < 0 || i >= cur.length) fail(PATCH, `array index ${JSON.stringify(key)} does not exist`);
      cur = cur[i];
    } else if (cur instanceof RegoSet) {
      const at = cur.items.findIndex((x) => equalValues(x, key));
      if (at < 0) fail(PATCH, `set member ${JSON.stringify(key)} does not exist`);
      cur = cur.items[at] as Json;
    } else if (isObject(cur)) {
      if (typeof key !== "string" || !Object.hasOwn(cur, key)) {
        fail(PATCH, `key ${JSON.stringify(key)} does not exist`);
      }
      cur = cur[key as string];
    } else {
      fail(PATCH, `cannot address ${JSON.stringify(key)} in a scalar`);
    }
  }
  return cur;
}

function insertAt(doc: Doc, path: Json[], value: Json): void {
  if (path.length === 0) {
    doc.root = value;
    return;
  }
  const parent = valueAt(doc, path.slice(0, -1));
  const key = path[path.length - 1];
  if (Array.isArray(parent)) {
    const i = arrayIndex(parent.length, key);
    if (i < 0 || i > parent.length) fail(PATCH, "index for array insertion out of bounds");
    parent.splice(i, 0, value);
  } else if (parent instanceof RegoSet) {
    if (!equalValues(key, value)) fail(PATCH, "set key does not equal value to be inserted");
    if (!setHas(parent.items, value)) parent.items.push(value);
  } else if (isObject(parent)) {
    // OPA would insert a non-string key; a JSON object cannot hold one.
    if (typeof key !== "string") fail(PATCH, "object keys must be strings here");
    parent[key as string] = value;
  } else {
    fail(PATCH, "cannot insert into a scalar");
  }
}

function deleteAt(doc: Doc, path: Json[]): void {
  if (path.length === 0) {
    if (doc.root === undefined) fail(PATCH, "the document was removed");
    doc.root = undefined;
    return;
  }
  const parent = valueAt(doc, path.slice(0, -1));
  const key = path[path.length - 1];
  if (Array.isArray(parent)) {
    const i = arrayIndex(parent.length, key);
    if (i < 0 || i >= parent.length) fail(PATCH, "index for array delete out of bounds");
    parent.splice(i, 1);
  } else if (parent instanceof RegoSet) {
    const at = parent.items.findIndex((x) => equalValues(x, key));
    if (at < 0) fail(PATCH, `cannot delete child key ${JSON.stringify(key)} that does not exist`);
    parent.items.splice(at, 1);
  } else if (isObject(parent)) {
    if (typeof key !== "string" || !Object.hasOwn(parent, key)) {
      fail(PATCH, `cannot delete child key ${JSON.stringify(key)} that does not exist`);
    }
    delete parent[key as string];
  } else {
    fail(PATCH, "cannot delete from a scalar");
  }
}

function attribute(patch: Record<string, Json>, name: string): Json {
  if (!Object.hasOwn(patch, name)) fail(PATCH, `missing '${name}' attribute`);
  return patch[name];
}

function applyOne(doc: Doc, patch: Json): void {
  if (!isObject(patch)) fail(PATCH, "must be an array of JSON-Patch objects");
  const op = attribute(patch, "op");
  if (typeof op !== "string") fail(PATCH, "attribute 'op' must be a string");
  if (!OPS.has(op as string)) fail(PATCH, `unrecognized op '${op}'`);
  const rawPath = attribute(patch, "path");
  const from = op === "move" || op === "copy" ? attribute(patch, "from") : undefined;
  const value = op === "add" || op === "replace" || op === "test" ? attribute(patch, "value") : undefined;
  const path = patchPath(rawPath);
  switch (op) {
    case "add":
      insertAt(doc, path, deepClone(value!));
      break;
    case "remove":
      deleteAt(doc, path);
      break;
    case "replace":
      deleteAt(doc, path);
      insertAt(doc, path, deepClone(value!));
      break;
    case "move": {
      const source = patchPath(from);
      const moved = valueAt(doc, source);
      deleteAt(doc, source);
      insertAt(doc, path, moved);
      break;
    }
    case "copy":
      insertAt(doc, path, deepClone(valueAt(doc, patchPath(from))));
      break;
    case "test":
      if (!equalValues(valueAt(doc, path), value)) fail(PATCH, "test operation failed");
      break;
  }
}

/** The patched document, or undefined when a patch fails or the root was removed. */
export function applyPatches(target: Json, patches: Json[]): Json | undefined {
  const doc: Doc = { root: deepClone(target) };
  try {
    for (const patch of patches) applyOne(doc, patch);
  } catch (e) {
    if (e instanceof BuiltinError) return undefined;
    throw e;
  }
  return doc.root;
}

export const JSON_PATCH_BUILTINS: Record<string, HostBuiltin> = {
  "json.patch": takesSets((target, patches) => {
    if (!Array.isArray(patches)) typeError(PATCH, 2, patches, "array");
    return applyPatches(target as Json, patches as Json[]);
  }),
};
