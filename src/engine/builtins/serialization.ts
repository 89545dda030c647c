/**
 * json.* and yaml.* built-ins. json.marshal writes compact JSON with sorted keys and Go's HTML
 * escaping of <, > and & (as OPA's encoding/json does); YAML as Go's yaml.v2 reads and writes it
 * (go_yaml.ts).
 * Numbers beyond 2^53 lose precision when unmarshalled (they become JS numbers).
 */
import { goYamlToJson, jsonToGoYaml } from "./go_yaml.ts";
import type { HostBuiltin } from "./host_builtin.ts";
import { bool, fail, isObject, obj, str, typeName } from "./operands.ts";
import { canonicalJson, sortedKeys } from "./values.ts";

/** Go's encoding/json string escaping (HTML-safe). */
function goJson(text: string): string {
  return text.replace(/[<>&\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

function indented(v: unknown, prefix: string, indent: string, depth: number): string {
  const nl = "\n" + prefix + indent.repeat(depth + 1);
  const close = "\n" + prefix + indent.repeat(depth);
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    return "[" + v.map((x) => nl + indented(x, prefix, indent, depth + 1)).join(",") + close + "]";
  }
  if (isObject(v)) {
    const keys = sortedKeys(v);
    if (keys.length === 0) return "{}";
    return "{" + keys.map((k) =>
      `${nl}${goJson(JSON.stringify(k))}: ${indented(v[k], prefix, indent, depth + 1)}`
    ).join(",") +
      close + "}";
  }
  return goJson(JSON.stringify(v ?? null));
}

function yamlValue(name: string, text: string): unknown {
  try {
    return goYamlToJson(text);
  } catch (e) {
    return fail(name, `yaml: ${(e as Error).message.split("\n")[0]}`);
  }
}

export const SERIALIZATION_BUILTINS: Record<string, HostBuiltin> = {
  "json.marshal": (x) => goJson(canonicalJson(x)),
  "json.marshal_with_options": (x, options) => {
    const name = "json.marshal_with_options";
    const opts = obj(name, options, 2);
    let pretty: boolean | undefined, indent = "\t", prefix = "";
    for (const [k, v] of Object.entries(opts)) {
      if (k === "pretty") pretty = bool(name, v, 2);
      else if (k === "indent") {
        if (typeof v !== "string") fail(name, `operand 2 indent must be string but got ${typeName(v)}`);
        indent = v;
      } else if (k === "prefix") {
        if (typeof v !== "string") fail(name, `operand 2 prefix must be string but got ${typeName(v)}`);
        prefix = v;
      } else fail(name, `operand 2 object contained unknown key ${JSON.stringify(k)}`);
    }
    if (pretty === undefined) pretty = "indent" in opts || "prefix" in opts;
    if (!pretty) return goJson(canonicalJson(x));
    return indented(x, prefix, indent, 0);
  },
  "json.unmarshal": (x) => {
    try {
      return JSON.parse(str("json.unmarshal", x, 1));
    } catch (e) {
      return fail("json.unmarshal", `json: ${(e as Error).message}`);
    }
  },
  "json.is_valid": (x) => {
    if (typeof x !== "string") return false;
    try {
      JSON.parse(x);
      return true;
    } catch {
      return false;
    }
  },
  "yaml.marshal": (x) => jsonToGoYaml(x),
  "yaml.unmarshal": (x) => yamlValue("yaml.unmarshal", str("yaml.unmarshal", x, 1)),
  "yaml.is_valid": (x) => {
    if (typeof x !== "string") return false;
    try {
      goYamlToJson(x);
      return true;
    } catch {
      return false;
    }
  },
};
