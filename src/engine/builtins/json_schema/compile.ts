/**
 * Schema compilation as gojsonschema does it (OPA's internal fork, schema.go and schemaPool.go):
 * the draft from `$schema` (draft-04, -06, -07; otherwise "hybrid", which accepts the keywords of
 * all three), keyword checks in gojsonschema's order with its error texts, `$ref` resolved within
 * the document (JSON pointers and `$id` scopes) or to the draft meta-schemas. Remote references are
 * refused: this gateway does not fetch schemas (OPA fetches those its allow_net capability permits).
 */
import { compileRe2 } from "../regex.ts";
import { compare, type Decimal, decimal, isInteger, isPositive } from "./decimal.ts";
import { canonical } from "./json.ts";
import { META_SCHEMAS } from "./meta_schemas.ts";

export const DRAFT4 = 4, DRAFT6 = 6, DRAFT7 = 7, HYBRID = 1000;

const DRAFT_URLS: Record<string, number> = {
  "http://json-schema.org/draft-04/schema": DRAFT4,
  "http://json-schema.org/draft-06/schema": DRAFT6,
  "http://json-schema.org/draft-07/schema": DRAFT7,
};

export interface Bound {
  value: Decimal;
  text: number;
}

export interface SubSchema {
  draft: number;
  pass?: boolean;
  ref?: { target?: SubSchema };
  types: string[];
  properties: { name: string; schema: SubSchema }[];
  additionalProperties?: boolean | SubSchema;
  patternProperties: { pattern: string; re: RegExp; schema: SubSchema }[];
  propertyNames?: SubSchema;
  dependencies: { key: string; on: string[] | SubSchema }[];
  items: SubSchema[];
  itemsSingle: boolean;
  additionalItems?: boolean | SubSchema;
  multipleOf?: Bound;
  minimum?: Bound;
  maximum?: Bound;
  exclusiveMinimum?: Bound;
  exclusiveMaximum?: Bound;
  minLength?: number;
  maxLength?: number;
  pattern?: { source: string; re: RegExp };
  format?: string;
  minProperties?: number;
  maxProperties?: number;
  required: string[];
  minItems?: number;
  maxItems?: number;
  uniqueItems: boolean;
  contains?: SubSchema;
  constText?: string;
  enumPresent: boolean;
  enum: string[];
  oneOf: SubSchema[];
  anyOf: SubSchema[];
  allOf: SubSchema[];
  not?: SubSchema;
  if?: SubSchema;
  then?: SubSchema;
  else?: SubSchema;
}

export class SchemaError extends Error {}

const JSON_TYPES = ["array", "boolean", "integer", "number", "null", "object", "string"];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const fail = (m: string): never => {
  throw new SchemaError(m);
};
const invalidType = (expected: string, given: string) =>
  fail(`Invalid type. Expected: ${expected}, given: ${given}`);
const mustBeOfA = (x: string, y: string) => fail(`${x} must be of a ${y}`);
const mustBeOfAn = (x: string, y: string) => fail(`${x} must be of an ${y}`);

/** The `$schema` URL, normalised as gojsonreference prints it (no empty fragment). */
function schemaUrl(doc: unknown): string | undefined {
  if (!isObj(doc) || !("$schema" in doc)) return undefined;
  const s = doc.$schema;
  if (typeof s !== "string") fail("$schema must be of type string");
  return (s as string).endsWith("#") ? (s as string).slice(0, -1) : s as string;
}

export function detectDraft(doc: unknown): number | undefined {
  const url = schemaUrl(doc);
  return url === undefined ? undefined : DRAFT_URLS[url];
}

/** RFC 3986 resolution of ref against base, as far as gojsonreference's Inherits goes. */
function resolve(base: string, ref: string): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(ref)) return ref;
  if (base === "" || !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(base)) {
    if (ref.startsWith("#")) return base.replace(/#.*$/, "") + ref;
    return ref;
  }
  try {
    return new URL(ref, base).href;
  } catch {
    return ref;
  }
}

interface PoolDoc {
  doc: unknown;
  draft?: number;
}

/** gojsonschema's parseReferences: $id scopes registered, $ref made absolute (a copy). */
function rewriteRefs(node: unknown, base: string, pool: Map<string, PoolDoc>, draft?: number): unknown {
  if (Array.isArray(node)) return node.map((v) => rewriteRefs(v, base, pool, draft));
  if (!isObj(node)) return node;
  const out: Obj = {};
  const idKey = "id" in node ? "id" : "$id";
  let local = base;
  if (typeof node[idKey] === "string") {
    local = resolve(base, node[idKey] as string);
  }
  for (const [k, v] of Object.entries(node)) {
    if (k === "const" || k === "enum") out[k] = v;
    else if ((k === "properties" || k === "dependencies" || k === "patternProperties") && isObj(v)) {
      out[k] = Object.fromEntries(
        Object.entries(v).map(([pk, pv]) => [pk, rewriteRefs(pv, local, pool, draft)]),
      );
    } else out[k] = rewriteRefs(v, local, pool, draft);
  }
  if (typeof node.$ref === "string") out.$ref = resolve(local, node.$ref);
  if (local !== base && !pool.has(local)) pool.set(local, { doc: out, draft });
  return out;
}

function pointerGet(doc: unknown, fragment: string): unknown {
  if (fragment === "") return doc;
  if (!fragment.startsWith("/")) fail(`Invalid JSON pointer '${fragment}'`);
  let cur = doc;
  for (const raw of fragment.slice(1).split("/")) {
    const token = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(token)) fail(`Invalid array index '${token}'`);
      const i = Number(token);
      if (i >= cur.length) fail(`Index out of range`);
      cur = cur[i];
    } else if (isObj(cur)) {
      if (!(token in cur)) fail(`Object has no key '${token}'`);
      cur = cur[token];
    } else fail(`Invalid token reference '${token}'`);
  }
  return cur;
}

function blank(draft: number): SubSchema {
  return {
    draft,
    types: [],
    properties: [],
    patternProperties: [],
    dependencies: [],
    items: [],
    itemsSingle: false,
    required: [],
    uniqueItems: false,
    enumPresent: false,
    enum: [],
    oneOf: [],
    anyOf: [],
    allOf: [],
  };
}

class Compiler {
  readonly pool = new Map<string, PoolDoc>();
  readonly refs = new Map<string, SubSchema>();

  constructor(readonly validatePatterns: boolean) {}

  resolveRef(ref: string): PoolDoc {
    const exact = this.pool.get(ref);
    if (exact) return exact;
    const hash = ref.indexOf("#");
    const [url, fragment] = hash < 0 ? [ref, ""] : [ref.slice(0, hash), ref.slice(hash + 1)];
    let doc = this.pool.get(url);
    const meta = META_SCHEMAS[url];
    if (!doc && meta) {
      doc = { doc: rewriteRefs(meta.doc, url, this.pool, meta.draft), draft: meta.draft };
      this.pool.set(url, doc);
    }
    if (doc) return { doc: pointerGet(doc.doc, fragment), draft: doc.draft };
    if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(url)) fail(`Reference ${ref} must be canonical`);
    return fail(`remote reference ${ref}: this gateway does not load schemas from the network`);
  }

  schema(node: unknown, draft: number | undefined, parentDraft: number): SubSchema {
    const s = blank(draft ?? parentDraft);
    this.parse(node, s);
    return s;
  }

  sub(node: unknown, parent: SubSchema): SubSchema {
    return this.schema(node, undefined, parent.draft);
  }

  parse(node: unknown, s: SubSchema): void {
    if (s.draft >= DRAFT6 && typeof node === "boolean") {
      s.pass = node;
      return;
    }
    if (!isObj(node)) fail("Expected: valid schema, given: Invalid JSON");
    const m = node as Obj;
    const idKey = s.draft === DRAFT4 ? "id" : s.draft === HYBRID && "id" in m ? "id" : "$id";
    if (idKey in m && typeof m[idKey] !== "string") invalidType("string", idKey);

    if ("definitions" in m) {
      const defs = m.definitions;
      if (!isObj(defs)) invalidType("array of schemas", "definitions");
      for (const dv of Object.values(defs as Obj)) {
        if (typeof dv !== "boolean" && !isObj(dv)) invalidType("array of schemas", "definitions");
        this.sub(dv, s);
      }
    }
    for (const k of ["title", "description"]) {
      if (k in m && typeof m[k] !== "string") invalidType("string", k);
    }

    if ("$ref" in m) {
      const ref = m.$ref;
      if (typeof ref !== "string") invalidType("string", "$ref");
      const known = this.refs.get(ref as string);
      if (known) s.ref = { target: known };
      else {
        const { doc, draft } = this.resolveRef(ref as string);
        const target = blank(draft ?? s.draft);
        this.refs.set(ref as string, target);
        if (typeof doc !== "boolean" && !isObj(doc)) fail("valid schema must be of type object");
        this.parse(doc, target);
        s.ref = { target };
        return;
      }
    }

    if ("type" in m) {
      const t = m.type;
      const add = (name: string) => {
        if (!JSON_TYPES.includes(name)) {
          fail(
            `has a primitive type that is NOT VALID -- given: /${name}/ Expected valid values are:[${
              JSON_TYPES.join(" ")
            }]`,
          );
        }
        if (s.types.includes(name)) fail(`${name} type is duplicated`);
        s.types.push(name);
      };
      if (typeof t === "string") add(t);
      else if (Array.isArray(t)) {
        for (const x of t) {
          if (typeof x !== "string") invalidType("type", "string/array of strings");
          add(x as string);
        }
      } else invalidType("type", "string/array of strings");
    }

    if ("properties" in m) {
      if (!isObj(m.properties)) fail("properties must be of type object");
      for (const [name, v] of Object.entries(m.properties as Obj)) {
        s.properties.push({ name, schema: this.sub(v, s) });
      }
    }
    if ("additionalProperties" in m) {
      const v = m.additionalProperties;
      if (typeof v === "boolean") s.additionalProperties = v;
      else if (isObj(v)) s.additionalProperties = this.sub(v, s);
      else invalidType("boolean/valid schema", "additionalProperties");
    }
    if ("patternProperties" in m) {
      const pp = m.patternProperties;
      if (!isObj(pp)) invalidType("valid schema", "patternProperties");
      for (const [pattern, v] of Object.entries(pp as Obj)) {
        const re = compileRe2(pattern);
        if (typeof re === "string") fail(`Invalid regex pattern '${pattern}'`);
        s.patternProperties.push({ pattern, re: re as RegExp, schema: this.sub(v, s) });
      }
    }
    if ("propertyNames" in m && s.draft >= DRAFT6) {
      const v = m.propertyNames;
      if (typeof v !== "boolean" && !isObj(v)) invalidType("valid schema", "patternProperties");
      s.propertyNames = this.sub(v, s);
    }
    if ("dependencies" in m) {
      const deps = m.dependencies;
      if (!isObj(deps)) fail("dependencies must be of type object");
      for (const [key, v] of Object.entries(deps as Obj)) {
        if (Array.isArray(v)) {
          if (!v.every((x) => typeof x === "string")) {
            fail("dependency must be of type schema or array of strings");
          }
          if (v.length > 0) s.dependencies.push({ key, on: v as string[] });
        } else if (typeof v === "boolean" || isObj(v)) {
          s.dependencies.push({ key, on: this.sub(v, s) });
        } else fail("dependency must be of type schema or array of strings");
      }
    }
    if ("items" in m) {
      const v = m.items;
      if (Array.isArray(v)) {
        for (const x of v) {
          if (typeof x !== "boolean" && !isObj(x)) invalidType("valid schema/array of schemas", "items");
          s.items.push(this.sub(x, s));
        }
        s.itemsSingle = false;
      } else if (typeof v === "boolean" || isObj(v)) {
        s.items.push(this.sub(v, s));
        s.itemsSingle = true;
      } else invalidType("valid schema/array of schemas", "items");
    }
    if ("additionalItems" in m) {
      const v = m.additionalItems;
      if (typeof v === "boolean") s.additionalItems = v;
      else if (isObj(v)) s.additionalItems = this.sub(v, s);
      else invalidType("boolean/valid schema", "additionalItems");
    }

    const bound = (
      v: unknown,
    ): Bound | undefined => (typeof v === "number" ? { value: decimal(v), text: v } : undefined);
    if ("multipleOf" in m) {
      const b = bound(m.multipleOf) ?? invalidType("number", "multipleOf");
      if (!isPositive(b.value)) fail("multipleOf must be strictly greater than 0");
      s.multipleOf = b;
    }
    if ("minimum" in m) s.minimum = bound(m.minimum) ?? mustBeOfA("minimum", "number");
    this.exclusive(m, s, "exclusiveMinimum", "minimum");
    if ("maximum" in m) s.maximum = bound(m.maximum) ?? mustBeOfA("maximum", "number");
    this.exclusive(m, s, "exclusiveMaximum", "maximum");

    const count = (key: string): number | undefined => {
      if (!(key in m)) return undefined;
      const v = m[key];
      if (typeof v !== "number" || !isInteger(decimal(v))) mustBeOfAn(key, "integer");
      if ((v as number) < 0) fail(`${key} must be greater than or equal to 0`);
      return v as number;
    };
    s.minLength = count("minLength");
    s.maxLength = count("maxLength");
    if (s.minLength !== undefined && s.maxLength !== undefined && s.minLength > s.maxLength) {
      fail("minLength cannot be greater than maxLength");
    }
    if ("pattern" in m) {
      if (typeof m.pattern !== "string") invalidType("string", "pattern");
      if (this.validatePatterns) {
        const re = compileRe2(m.pattern as string);
        if (typeof re === "string") fail("pattern must be a valid regex");
        s.pattern = { source: m.pattern as string, re: re as RegExp };
      }
    }
    if ("format" in m) {
      if (typeof m.format !== "string") invalidType("string", "format");
      s.format = m.format as string;
    }
    s.minProperties = count("minProperties");
    s.maxProperties = count("maxProperties");
    if (s.minProperties !== undefined && s.maxProperties !== undefined && s.minProperties > s.maxProperties) {
      fail("minProperties cannot be greater than maxProperties");
    }
    if ("required" in m) {
      if (!Array.isArray(m.required)) mustBeOfAn("required", "array");
      for (const r of m.required as unknown[]) {
        if (typeof r !== "string") invalidType("string", "required");
        if (s.required.includes(r as string)) fail("required items must be unique");
        s.required.push(r as string);
      }
    }
    s.minItems = count("minItems");
    s.maxItems = count("maxItems");
    if ("uniqueItems" in m) {
      if (typeof m.uniqueItems !== "boolean") mustBeOfA("uniqueItems", "boolean");
      s.uniqueItems = m.uniqueItems as boolean;
    }
    if ("contains" in m && s.draft >= DRAFT6) s.contains = this.sub(m.contains, s);
    if ("const" in m && s.draft >= DRAFT6) s.constText = canonical(m.const);
    if ("enum" in m) {
      if (!Array.isArray(m.enum)) mustBeOfAn("enum", "array");
      s.enumPresent = true;
      for (const v of m.enum as unknown[]) {
        const text = canonical(v);
        if (s.enum.includes(text)) fail("enum items must be unique");
        s.enum.push(text);
      }
    }
    for (const k of ["oneOf", "anyOf", "allOf"] as const) {
      if (!(k in m)) continue;
      if (!Array.isArray(m[k])) mustBeOfAn(k, "array");
      for (const v of m[k] as unknown[]) s[k].push(this.sub(v, s));
    }
    if ("not" in m) {
      if (typeof m.not !== "boolean" && !isObj(m.not)) mustBeOfAn("not", "object");
      s.not = this.sub(m.not, s);
    }
    if (s.draft >= DRAFT7) {
      for (const k of ["if", "then", "else"] as const) {
        if (!(k in m)) continue;
        if (typeof m[k] !== "boolean" && !isObj(m[k])) mustBeOfAn(k, "object");
        s[k] = this.sub(m[k], s);
      }
    }
  }

  private exclusive(
    m: Obj,
    s: SubSchema,
    key: "exclusiveMinimum" | "exclusiveMaximum",
    base: "minimum" | "maximum",
  ) {
    if (!(key in m)) return;
    const v = m[key];
    const asBool = () => {
      if (s[base] === undefined) fail(`${key} cannot be used without ${base}`);
      if (v === true) {
        s[key] = s[base];
        s[base] = undefined;
      }
    };
    if (s.draft === DRAFT4) {
      if (typeof v !== "boolean") invalidType("boolean", key);
      asBool();
    } else if (s.draft === HYBRID) {
      if (typeof v === "boolean") asBool();
      else if (typeof v === "number") s[key] = { value: decimal(v), text: v };
      else invalidType("boolean/number", key);
    } else {
      if (typeof v !== "number") invalidType("number", key);
      s[key] = { value: decimal(v as number), text: v as number };
    }
  }
}

/** Compiles a schema document (a parsed JSON value) as OPA's json.match_schema and json.verify_schema do. */
export function compileSchema(doc: unknown): SubSchema {
  const c = new Compiler(true);
  const draft = detectDraft(doc);
  const rewritten = rewriteRefs(doc, "", c.pool, draft);
  c.pool.set("", { doc: rewritten, draft });
  return c.schema(rewritten, draft ?? HYBRID, draft ?? HYBRID);
}

export { compare };
