/**
 * The JSON Schema meta-schemas of drafts 4, 6 and 7, as published at json-schema.org. gojsonschema
 * carries them so that a schema may `$ref` them (for instance to check that a value is a schema)
 * without fetching anything; so does this validator.
 */

const SCHEMA_ARRAY = { type: "array", minItems: 1, items: { $ref: "#" } };
const SIMPLE_TYPES = { enum: ["array", "boolean", "integer", "null", "number", "object", "string"] };
const TYPE = {
  anyOf: [
    { $ref: "#/definitions/simpleTypes" },
    { type: "array", items: { $ref: "#/definitions/simpleTypes" }, minItems: 1, uniqueItems: true },
  ],
};
const SCHEMA_MAP = { type: "object", additionalProperties: { $ref: "#" }, default: {} };
const DEPENDENCIES = {
  type: "object",
  additionalProperties: { anyOf: [{ $ref: "#" }, { $ref: "#/definitions/stringArray" }] },
};

const DRAFT4 = {
  id: "http://json-schema.org/draft-04/schema#",
  $schema: "http://json-schema.org/draft-04/schema#",
  description: "Core schema meta-schema",
  definitions: {
    schemaArray: SCHEMA_ARRAY,
    positiveInteger: { type: "integer", minimum: 0 },
    positiveIntegerDefault0: { allOf: [{ $ref: "#/definitions/positiveInteger" }, { default: 0 }] },
    simpleTypes: SIMPLE_TYPES,
    stringArray: { type: "array", items: { type: "string" }, minItems: 1, uniqueItems: true },
  },
  type: "object",
  properties: {
    id: { type: "string" },
    $schema: { type: "string" },
    title: { type: "string" },
    description: { type: "string" },
    default: {},
    multipleOf: { type: "number", minimum: 0, exclusiveMinimum: true },
    maximum: { type: "number" },
    exclusiveMaximum: { type: "boolean", default: false },
    minimum: { type: "number" },
    exclusiveMinimum: { type: "boolean", default: false },
    maxLength: { $ref: "#/definitions/positiveInteger" },
    minLength: { $ref: "#/definitions/positiveIntegerDefault0" },
    pattern: { type: "string", format: "regex" },
    additionalItems: { anyOf: [{ type: "boolean" }, { $ref: "#" }], default: {} },
    items: { anyOf: [{ $ref: "#" }, { $ref: "#/definitions/schemaArray" }], default: {} },
    maxItems: { $ref: "#/definitions/positiveInteger" },
    minItems: { $ref: "#/definitions/positiveIntegerDefault0" },
    uniqueItems: { type: "boolean", default: false },
    maxProperties: { $ref: "#/definitions/positiveInteger" },
    minProperties: { $ref: "#/definitions/positiveIntegerDefault0" },
    required: { $ref: "#/definitions/stringArray" },
    additionalProperties: { anyOf: [{ type: "boolean" }, { $ref: "#" }], default: {} },
    definitions: SCHEMA_MAP,
    properties: SCHEMA_MAP,
    patternProperties: SCHEMA_MAP,
    dependencies: DEPENDENCIES,
    enum: { type: "array", minItems: 1, uniqueItems: true },
    type: TYPE,
    format: { type: "string" },
    allOf: { $ref: "#/definitions/schemaArray" },
    anyOf: { $ref: "#/definitions/schemaArray" },
    oneOf: { $ref: "#/definitions/schemaArray" },
    not: { $ref: "#" },
  },
  dependencies: { exclusiveMaximum: ["maximum"], exclusiveMinimum: ["minimum"] },
  default: {},
};

function later(version: 6 | 7): Record<string, unknown> {
  const url = `http://json-schema.org/draft-0${version}/schema#`;
  const seven = version === 7;
  return {
    $schema: url,
    $id: url,
    title: "Core schema meta-schema",
    definitions: {
      schemaArray: SCHEMA_ARRAY,
      nonNegativeInteger: { type: "integer", minimum: 0 },
      nonNegativeIntegerDefault0: { allOf: [{ $ref: "#/definitions/nonNegativeInteger" }, { default: 0 }] },
      simpleTypes: SIMPLE_TYPES,
      stringArray: { type: "array", items: { type: "string" }, uniqueItems: true, default: [] },
    },
    type: ["object", "boolean"],
    properties: {
      $id: { type: "string", format: "uri-reference" },
      $schema: { type: "string", format: "uri" },
      $ref: { type: "string", format: "uri-reference" },
      ...(seven ? { $comment: { type: "string" } } : {}),
      title: { type: "string" },
      description: { type: "string" },
      default: seven ? true : {},
      ...(seven ? { readOnly: { type: "boolean", default: false } } : {}),
      examples: { type: "array", items: seven ? true : {} },
      multipleOf: { type: "number", exclusiveMinimum: 0 },
      maximum: { type: "number" },
      exclusiveMaximum: { type: "number" },
      minimum: { type: "number" },
      exclusiveMinimum: { type: "number" },
      maxLength: { $ref: "#/definitions/nonNegativeInteger" },
      minLength: { $ref: "#/definitions/nonNegativeIntegerDefault0" },
      pattern: { type: "string", format: "regex" },
      additionalItems: { $ref: "#" },
      items: { anyOf: [{ $ref: "#" }, { $ref: "#/definitions/schemaArray" }], default: seven ? true : {} },
      maxItems: { $ref: "#/definitions/nonNegativeInteger" },
      minItems: { $ref: "#/definitions/nonNegativeIntegerDefault0" },
      uniqueItems: { type: "boolean", default: false },
      contains: { $ref: "#" },
      maxProperties: { $ref: "#/definitions/nonNegativeInteger" },
      minProperties: { $ref: "#/definitions/nonNegativeIntegerDefault0" },
      required: { $ref: "#/definitions/stringArray" },
      additionalProperties: { $ref: "#" },
      definitions: SCHEMA_MAP,
      properties: SCHEMA_MAP,
      patternProperties: seven ? { ...SCHEMA_MAP, propertyNames: { format: "regex" } } : SCHEMA_MAP,
      dependencies: DEPENDENCIES,
      propertyNames: { $ref: "#" },
      const: seven ? true : {},
      enum: seven
        ? { type: "array", items: true, minItems: 1, uniqueItems: true }
        : { type: "array", minItems: 1, uniqueItems: true },
      type: TYPE,
      format: { type: "string" },
      ...(seven
        ? {
          contentMediaType: { type: "string" },
          contentEncoding: { type: "string" },
          if: { $ref: "#" },
          then: { $ref: "#" },
          else: { $ref: "#" },
        }
        : {}),
      allOf: { $ref: "#/definitions/schemaArray" },
      anyOf: { $ref: "#/definitions/schemaArray" },
      oneOf: { $ref: "#/definitions/schemaArray" },
      not: { $ref: "#" },
    },
    default: seven ? true : {},
  };
}

/** The meta-schema documents by URL (without the empty fragment). */
export const META_SCHEMAS: Record<string, { doc: unknown; draft: number }> = {
  "http://json-schema.org/draft-04/schema": { doc: DRAFT4, draft: 4 },
  "http://json-schema.org/draft-06/schema": { doc: later(6), draft: 6 },
  "http://json-schema.org/draft-07/schema": { doc: later(7), draft: 7 },
};
