/**
 * json.match_schema and json.verify_schema as OPA implements them (topdown/jsonschema.go over its
 * gojsonschema fork, patterns validated): a schema or document is a JSON string or a value;
 * verify_schema answers [true, null] or [false, "jsonschema: <why>"]; match_schema answers
 * [valid, [{error, type, field, desc}]] and fails on a schema that does not compile. Compiled
 * schemas are cached by their text, as OPA caches them by value.
 */
import type { HostBuiltin } from "../host_builtin.ts";
import { fail } from "../operands.ts";
import { compileSchema, SchemaError, type SubSchema } from "./compile.ts";
import { canonical } from "./json.ts";
import { validateDocument } from "./validate.ts";

class LoadError extends Error {}

/** OPA's astValueToJSONSchemaLoader. */
function load(v: unknown): unknown {
  if (typeof v === "string") {
    try {
      return JSON.parse(v);
    } catch {
      throw new LoadError("invalid JSON string");
    }
  }
  if (typeof v === "object" && v !== null) return v;
  throw new LoadError("wrong type, expected string or object");
}

const CACHE_SIZE = 64;
const cache = new Map<string, SubSchema>();

function compiled(schema: unknown): SubSchema {
  const doc = load(schema);
  const key = typeof schema === "string" ? "s" + schema : "v" + canonical(schema);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const s = compileSchema(doc);
  cache.set(key, s);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return s;
}

export const JSON_SCHEMA_BUILTINS: Record<string, HostBuiltin> = {
  "json.verify_schema": (schema) => {
    try {
      compiled(schema);
      return [true, null];
    } catch (e) {
      if (e instanceof LoadError || e instanceof SchemaError) return [false, `jsonschema: ${e.message}`];
      throw e;
    }
  },
  "json.match_schema": (document, schema) => {
    const name = "json.match_schema";
    let doc: unknown, s: SubSchema;
    try {
      doc = load(document);
      s = compiled(schema);
    } catch (e) {
      if (e instanceof LoadError || e instanceof SchemaError) fail(name, e.message);
      throw e;
    }
    const { valid, errors } = validateDocument(s, doc);
    return [valid, errors];
  },
};
