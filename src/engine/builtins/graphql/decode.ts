/**
 * An AST passed as a value (an object, as graphql.parse_query / parse_schema return it) decoded
 * as OPA decodes it: Go's encoding/json into gqlparser's structs. So field names match exactly
 * for the structs gqlparser decodes itself (operations, fragments, fields, inline fragments) and
 * case-insensitively for the others, unknown keys are ignored, null leaves a field empty, a value
 * of the wrong JSON type is an error, and every selection decodes as a field first (gqlparser's
 * UnmarshalSelectionSet): a fragment spread or inline fragment in an AST value therefore becomes
 * a field named after it, which validation then rejects, as in OPA.
 *
 * The result has the shape parse.ts produces, so the rest of the module sees one form.
 */
import type { GNode } from "./parse.ts";
import { GraphQLFailure } from "./parse.ts";

type Spec =
  | "string"
  | "bool"
  | "int"
  | "ignore"
  | "selections"
  | { list: Spec }
  | { struct: string; exact?: boolean };

class DecodeError extends Error {}

const COMMENT: Spec = { struct: "CommentGroup" };
const TYPE: Spec = { struct: "Type" };
const VALUE: Spec = { struct: "Value" };
const DIRECTIVES: Spec = { list: { struct: "Directive" } };
const VARIABLES: Spec = { list: { struct: "VariableDefinition" } };
const ARGUMENTS: Spec = { list: { struct: "Argument" } };
const ARG_DEFS: Spec = { list: { struct: "ArgumentDefinition" } };
const DESCRIBED = {
  BeforeDescriptionComment: COMMENT,
  AfterDescriptionComment: COMMENT,
};

const STRUCTS: Record<string, Record<string, Spec>> = {
  QueryDocument: {
    Operations: { list: { struct: "OperationDefinition", exact: true } },
    Fragments: { list: { struct: "FragmentDefinition", exact: true } },
    Comment: COMMENT,
  },
  OperationDefinition: {
    Operation: "string",
    Name: "string",
    VariableDefinitions: VARIABLES,
    Directives: DIRECTIVES,
    SelectionSet: "selections",
  },
  FragmentDefinition: {
    Name: "string",
    VariableDefinition: VARIABLES,
    TypeCondition: "string",
    Directives: DIRECTIVES,
    SelectionSet: "selections",
    Definition: "ignore",
  },
  Field: {
    Alias: "string",
    Name: "string",
    Arguments: ARGUMENTS,
    Directives: DIRECTIVES,
    SelectionSet: "selections",
    Definition: "ignore",
    ObjectDefinition: "ignore",
  },
  FragmentSpread: {
    Name: "string",
    Directives: DIRECTIVES,
    ObjectDefinition: "ignore",
    Definition: "ignore",
    Comment: COMMENT,
  },
  InlineFragment: {
    TypeCondition: "string",
    Directives: DIRECTIVES,
    SelectionSet: "selections",
    ObjectDefinition: "ignore",
  },
  VariableDefinition: {
    Variable: "string",
    Type: TYPE,
    DefaultValue: VALUE,
    Directives: DIRECTIVES,
    Comment: COMMENT,
    Definition: "ignore",
    Used: "bool",
  },
  Argument: { Name: "string", Value: VALUE, Comment: COMMENT },
  Directive: {
    Name: "string",
    Arguments: ARGUMENTS,
    ParentDefinition: "ignore",
    Definition: "ignore",
    Location: "string",
  },
  Type: { NamedType: "string", Elem: TYPE, NonNull: "bool" },
  Value: {
    Raw: "string",
    Children: { list: { struct: "ChildValue" } },
    Kind: "int",
    Comment: COMMENT,
    Definition: "ignore",
    VariableDefinition: "ignore",
    ExpectedType: "ignore",
    ExpectedTypeHasDefault: "bool",
  },
  ChildValue: { Name: "string", Value: VALUE, Comment: COMMENT },
  CommentGroup: { List: { list: { struct: "Comment" } } },
  Comment: { Value: "string", Position: "ignore" },
  SchemaDocument: {
    Schema: { list: { struct: "SchemaDefinition" } },
    SchemaExtension: { list: { struct: "SchemaDefinition" } },
    Directives: { list: { struct: "DirectiveDefinition" } },
    Definitions: { list: { struct: "Definition" } },
    Extensions: { list: { struct: "Definition" } },
    Comment: COMMENT,
  },
  SchemaDefinition: {
    Description: "string",
    Directives: DIRECTIVES,
    OperationTypes: { list: { struct: "OperationTypeDefinition" } },
    ...DESCRIBED,
    EndOfDefinitionComment: COMMENT,
  },
  OperationTypeDefinition: { Operation: "string", Type: "string", Comment: COMMENT },
  Definition: {
    Kind: "string",
    Description: "string",
    Name: "string",
    Directives: DIRECTIVES,
    Interfaces: { list: "string" },
    Fields: { list: { struct: "FieldDefinition" } },
    Types: { list: "string" },
    EnumValues: { list: { struct: "EnumValueDefinition" } },
    BuiltIn: "bool",
    ...DESCRIBED,
    EndOfDefinitionComment: COMMENT,
  },
  FieldDefinition: {
    Description: "string",
    Name: "string",
    Arguments: ARG_DEFS,
    DefaultValue: VALUE,
    Type: TYPE,
    Directives: DIRECTIVES,
    ...DESCRIBED,
  },
  ArgumentDefinition: {
    Description: "string",
    Name: "string",
    DefaultValue: VALUE,
    Type: TYPE,
    Directives: DIRECTIVES,
    ...DESCRIBED,
  },
  EnumValueDefinition: { Description: "string", Name: "string", Directives: DIRECTIVES, ...DESCRIBED },
  DirectiveDefinition: {
    Description: "string",
    Name: "string",
    Arguments: ARG_DEFS,
    Locations: { list: "string" },
    IsRepeatable: "bool",
    ...DESCRIBED,
  },
};

function zero(spec: Spec): unknown {
  switch (spec) {
    case "string":
      return "";
    case "bool":
      return false;
    case "int":
      return 0;
    default:
      return null;
  }
}

function decode(spec: Spec, v: unknown, where: string): unknown {
  if (v === null || v === undefined) return zero(spec);
  switch (spec) {
    case "ignore":
      return null;
    case "string":
      if (typeof v !== "string") throw mismatch(v, "string", where);
      return v;
    case "bool":
      if (typeof v !== "boolean") throw mismatch(v, "bool", where);
      return v;
    case "int":
      if (typeof v !== "number") throw mismatch(v, "int", where);
      if (!Number.isSafeInteger(v)) {
        throw new DecodeError(`json: cannot unmarshal number ${v} into Go struct field ${where} of type int`);
      }
      return v;
    case "selections":
      return selections(v, where);
  }
  if ("list" in spec) {
    if (!Array.isArray(v)) throw mismatch(v, "slice", where);
    const out = v.map((x) => decode(spec.list, x, where));
    // A null element would be a nil pointer gqlparser dereferences: refuse it.
    if (typeof spec.list === "object" && out.some((x) => x === null)) {
      throw new DecodeError(`null element in ${where}`);
    }
    return out.length ? out : null;
  }
  return struct(spec.struct, v, spec.exact ?? false);
}

function mismatch(v: unknown, want: string, where: string): DecodeError {
  const got = Array.isArray(v)
    ? "array"
    : typeof v === "object"
    ? "object"
    : typeof v === "boolean"
    ? "bool"
    : typeof v;
  return new DecodeError(`json: cannot unmarshal ${got} into Go struct field ${where} of type ${want}`);
}

function struct(name: string, v: unknown, exact: boolean): GNode {
  const fields = STRUCTS[name];
  if (typeof v !== "object" || Array.isArray(v) || v === null) throw mismatch(v, `ast.${name}`, name);
  const out: GNode = {};
  for (const [k, spec] of Object.entries(fields)) out[k] = zero(spec);
  const lower = new Map(Object.keys(fields).map((k) => [k.toLowerCase(), k]));
  for (const [key, x] of Object.entries(v as Record<string, unknown>)) {
    const field = key in fields ? key : exact ? undefined : lower.get(key.toLowerCase());
    if (field === undefined) continue;
    out[field] = decode(fields[field], x, `${name}.${field}`);
  }
  return out;
}

/** gqlparser's UnmarshalSelectionSet: a field if it decodes as one, else a spread, else inline. */
function selections(v: unknown, where: string): GNode[] | null {
  if (!Array.isArray(v)) throw mismatch(v, "ast.SelectionSet", where);
  const out: GNode[] = [];
  for (const item of v) {
    if (item === null) {
      out.push(struct("Field", {}, true));
      continue;
    }
    for (
      const [kind, exact] of [["Field", true], ["FragmentSpread", false], ["InlineFragment", true]] as const
    ) {
      try {
        out.push(struct(kind, item, exact));
        break;
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
      }
    }
  }
  return out.length ? out : null;
}

export function decodeQuery(v: Record<string, unknown>): GNode {
  return wrap(() => struct("QueryDocument", v, false));
}

export function decodeSchema(v: Record<string, unknown>): GNode {
  return wrap(() => struct("SchemaDocument", v, false));
}

function wrap(f: () => GNode): GNode {
  try {
    return f();
  } catch (e) {
    if (e instanceof DecodeError) throw new GraphQLFailure(e.message);
    throw e;
  }
}
