/**
 * Validation as gojsonschema does it (validation.go): the same checks in the same order, the same
 * error types and English descriptions, the same scoring that picks which branch of a failed anyOf
 * or oneOf reports its errors. Where Go iterates a map (properties, an object's keys), this follows
 * the document's order; gojsonschema's order there is Go's random map order.
 */
import { compare, decimal, goFloatText, isInteger, isMultiple } from "./decimal.ts";
import type { SubSchema } from "./compile.ts";
import { isFormat } from "./formats.ts";
import { canonical } from "./json.ts";

export interface SchemaViolation {
  error: string;
  type: string;
  field: string;
  desc: string;
}

class Result {
  errors: SchemaViolation[] = [];
  score = 0;

  add(type: string, context: string[], desc: string): void {
    const field = context.length === 1 ? context[0] : context.slice(1).join(".");
    this.errors.push({ error: `${field}: ${desc}`, type, field, desc });
    this.score -= 2;
  }
  merge(other: Result): void {
    this.errors.push(...other.errors);
    this.score += other.score;
  }
  get valid(): boolean {
    return this.errors.length === 0;
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const fieldOf = (context: string[]) => (context.length === 1 ? context[0] : context.slice(1).join("."));
const typesText = (types: string[]) => (types.length > 1 ? `[${types.join(",")}]` : types[0]);

function sub(schema: SubSchema, node: unknown, context: string[]): Result {
  const r = new Result();
  recurse(schema, node, r, context);
  return r;
}

function recurse(s: SubSchema, node: unknown, r: Result, context: string[]): void {
  if (s.pass !== undefined) {
    if (!s.pass) r.add("false", context, "False always fails validation");
    return;
  }
  if (s.ref?.target) {
    recurse(s.ref.target, node, r, context);
    return;
  }
  const typed = s.types.length > 0;
  const typeError = (given: string) =>
    r.add("invalid_type", context, `Invalid type. Expected: ${typesText(s.types)}, given: ${given}`);
  if (node === null) {
    if (typed && !s.types.includes("null")) return typeError("null");
    validateSchema(s, node, r, context);
    validateCommon(s, node, r, context);
  } else if (typeof node === "number") {
    const isInt = isInteger(decimal(node));
    if (typed && !s.types.includes("number") && !(isInt && s.types.includes("integer"))) {
      return typeError(isInt ? "integer" : "number");
    }
    validateSchema(s, node, r, context);
    validateNumber(s, node, r, context);
    validateCommon(s, node, r, context);
  } else if (Array.isArray(node)) {
    if (typed && !s.types.includes("array")) return typeError("array");
    validateSchema(s, node, r, context);
    validateArray(s, node, r, context);
    validateCommon(s, node, r, context);
  } else if (isObj(node)) {
    if (typed && !s.types.includes("object")) return typeError("object");
    validateSchema(s, node, r, context);
    validateObject(s, node, r, context);
    validateCommon(s, node, r, context);
    for (const p of s.properties) {
      if (Object.hasOwn(node, p.name)) recurse(p.schema, node[p.name], r, [...context, p.name]);
    }
  } else if (typeof node === "boolean") {
    if (typed && !s.types.includes("boolean")) return typeError("boolean");
    validateSchema(s, node, r, context);
    validateCommon(s, node, r, context);
  } else if (typeof node === "string") {
    if (typed && !s.types.includes("string")) return typeError("string");
    validateSchema(s, node, r, context);
    validateCommon(s, node, r, context);
    validateString(s, node, r, context);
  }
  r.score++;
}

function validateSchema(s: SubSchema, node: unknown, r: Result, context: string[]): void {
  if (s.anyOf.length > 0) {
    let ok = false;
    let best: Result | undefined;
    for (const schema of s.anyOf) {
      if (ok) break;
      const v = sub(schema, node, context);
      ok = v.valid;
      if (!ok && (best === undefined || v.score > best.score)) best = v;
    }
    if (!ok) {
      r.add("number_any_of", context, "Must validate at least one schema (anyOf)");
      if (best) r.merge(best);
    }
  }
  if (s.oneOf.length > 0) {
    let validated = 0;
    let best: Result | undefined;
    for (const schema of s.oneOf) {
      const v = sub(schema, node, context);
      if (v.valid) validated++;
      else if (validated === 0 && (best === undefined || v.score > best.score)) best = v;
    }
    if (validated !== 1) {
      r.add("number_one_of", context, "Must validate one and only one schema (oneOf)");
      if (validated === 0 && best) r.merge(best);
    }
  }
  if (s.allOf.length > 0) {
    let validated = 0;
    for (const schema of s.allOf) {
      const v = sub(schema, node, context);
      if (v.valid) validated++;
      r.merge(v);
    }
    if (validated !== s.allOf.length) {
      r.add("number_all_of", context, "Must validate all the schemas (allOf)");
    }
  }
  if (s.not && sub(s.not, node, context).valid) {
    r.add("number_not", context, "Must not validate the schema (not)");
  }
  if (s.dependencies.length > 0 && isObj(node)) {
    for (const key of Object.keys(node)) {
      const dep = s.dependencies.find((d) => d.key === key);
      if (dep === undefined) continue;
      if (Array.isArray(dep.on)) {
        for (const on of dep.on) {
          if (!Object.hasOwn(node, on)) r.add("missing_dependency", context, `Has a dependency on ${on}`);
        }
      } else recurse(dep.on, node, r, context);
    }
  }
  if (s.if) {
    const ifValid = sub(s.if, node, context).valid;
    if (s.then && ifValid) {
      const v = sub(s.then, node, context);
      if (!v.valid) {
        r.add("condition_then", context, 'Must validate "then" as "if" was valid');
        r.merge(v);
      }
    }
    if (s.else && !ifValid) {
      const v = sub(s.else, node, context);
      if (!v.valid) {
        r.add("condition_else", context, 'Must validate "else" as "if" was not valid');
        r.merge(v);
      }
    }
  }
  r.score++;
}

function validateCommon(s: SubSchema, value: unknown, r: Result, context: string[]): void {
  const field = fieldOf(context);
  if (s.constText !== undefined && canonical(value) !== s.constText) {
    r.add("const", context, `${field} does not match: ${s.constText}`);
  }
  if (s.enumPresent && !s.enum.includes(canonical(value))) {
    r.add(
      "enum",
      context,
      `${field} must be one of the following: ${s.enum.length === 0 ? "(none)" : s.enum.join(", ")}`,
    );
  }
  if (s.format !== undefined && !isFormat(s.format, value)) {
    r.add("format", context, `Does not match format '${s.format}'`);
  }
  r.score++;
}

function validateArray(s: SubSchema, value: unknown[], r: Result, context: string[]): void {
  if (s.itemsSingle) {
    value.forEach((x, i) => r.merge(sub(s.items[0], x, [...context, String(i)])));
  } else if (s.items.length > 0) {
    const n = Math.min(s.items.length, value.length);
    for (let i = 0; i < n; i++) r.merge(sub(s.items[i], value[i], [...context, String(i)]));
    if (s.items.length < value.length) {
      if (s.additionalItems === false) {
        r.add("array_no_additional_items", context, "No additional items allowed on array");
      } else if (typeof s.additionalItems === "object") {
        for (let i = s.items.length; i < value.length; i++) {
          r.merge(sub(s.additionalItems, value[i], [...context, String(i)]));
        }
      }
    }
  }
  if (s.minItems !== undefined && value.length < s.minItems) {
    r.add("array_min_items", context, `Array must have at least ${s.minItems} items`);
  }
  if (s.maxItems !== undefined && value.length > s.maxItems) {
    r.add("array_max_items", context, `Array must have at most ${s.maxItems} items`);
  }
  if (s.uniqueItems) {
    const seen = new Map<string, number>();
    value.forEach((x, j) => {
      const text = canonical(x);
      const i = seen.get(text);
      if (i !== undefined) r.add("unique", context, `array items[${i},${j}] must be unique`);
      seen.set(text, j);
    });
  }
  if (s.contains) {
    let ok = false;
    let best: Result | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = sub(s.contains, value[i], [...context, String(i)]);
      if (v.valid) {
        ok = true;
        break;
      }
      if (best === undefined || v.score > best.score) best = v;
    }
    if (!ok) {
      r.add("contains", context, "At least one of the items must match");
      if (best) r.merge(best);
    }
  }
  r.score++;
}

function validateObject(s: SubSchema, value: Obj, r: Result, context: string[]): void {
  const keys = Object.keys(value);
  if (s.minProperties !== undefined && keys.length < s.minProperties) {
    r.add("array_min_properties", context, `Must have at least ${s.minProperties} properties`);
  }
  if (s.maxProperties !== undefined && keys.length > s.maxProperties) {
    r.add("array_max_properties", context, `Must have at most ${s.maxProperties} properties`);
  }
  for (const req of s.required) {
    if (Object.hasOwn(value, req)) r.score++;
    else r.add("required", context, `${req} is required`);
  }
  for (const pk of keys) {
    const found = s.properties.some((p) => p.name === pk);
    let ppMatch = false;
    for (const pp of s.patternProperties) {
      pp.re.lastIndex = 0;
      if (pp.re.test(pk)) {
        ppMatch = true;
        r.merge(sub(pp.schema, value[pk], [...context, pk]));
      }
    }
    if (ppMatch) r.score++;
    if (!found && !ppMatch) {
      if (s.additionalProperties === false) {
        r.add("additional_property_not_allowed", context, `Additional property ${pk} is not allowed`);
      } else if (typeof s.additionalProperties === "object") {
        r.merge(sub(s.additionalProperties, value[pk], [...context, pk]));
      }
    }
  }
  if (s.propertyNames) {
    for (const pk of keys) {
      const v = sub(s.propertyNames, pk, context);
      if (!v.valid) {
        r.add("invalid_property_name", context, `Property name of "${pk}" does not match`);
        r.merge(v);
      }
    }
  }
  r.score++;
}

function validateString(s: SubSchema, value: string, r: Result, context: string[]): void {
  const length = [...value].length;
  if (s.minLength !== undefined && length < s.minLength) {
    r.add("string_gte", context, `String length must be greater than or equal to ${s.minLength}`);
  }
  if (s.maxLength !== undefined && length > s.maxLength) {
    r.add("string_lte", context, `String length must be less than or equal to ${s.maxLength}`);
  }
  if (s.pattern) {
    s.pattern.re.lastIndex = 0;
    if (!s.pattern.re.test(value)) r.add("pattern", context, `Does not match pattern '${s.pattern.source}'`);
  }
  r.score++;
}

function validateNumber(s: SubSchema, value: number, r: Result, context: string[]): void {
  const v = decimal(value);
  if (s.multipleOf && !isMultiple(v, s.multipleOf.value)) {
    r.add("multiple_of", context, `Must be a multiple of ${goFloatText(s.multipleOf.text)}`);
  }
  if (s.maximum && compare(v, s.maximum.value) > 0) {
    r.add("number_lte", context, `Must be less than or equal to ${goFloatText(s.maximum.text)}`);
  }
  if (s.exclusiveMaximum && compare(v, s.exclusiveMaximum.value) >= 0) {
    r.add("number_lt", context, `Must be less than ${goFloatText(s.exclusiveMaximum.text)}`);
  }
  if (s.minimum && compare(v, s.minimum.value) < 0) {
    r.add("number_gte", context, `Must be greater than or equal to ${goFloatText(s.minimum.text)}`);
  }
  if (s.exclusiveMinimum && compare(v, s.exclusiveMinimum.value) <= 0) {
    r.add("number_gt", context, `Must be greater than ${goFloatText(s.exclusiveMinimum.text)}`);
  }
  r.score++;
}

/** Validates a document: whether it is valid, and the errors in gojsonschema's terms. */
export function validateDocument(
  schema: SubSchema,
  doc: unknown,
): { valid: boolean; errors: SchemaViolation[] } {
  const r = new Result();
  recurse(schema, doc, r, ["(root)"]);
  return { valid: r.valid, errors: r.errors };
}
