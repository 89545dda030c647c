/**
 * A schema document (gqlparser's JSON shape, from text or from a value) merged with the prelude
 * and validated as the latest gqlparser release (v2.5.36) ValidateSchemaDocument does (the checks OPA's convertSchema runs:
 * redeclared types and directives, extensions, root operation types, field, argument, interface,
 * union, enum and input-object rules, directive use), then handed to graphql-js as a
 * GraphQLSchema for query validation.
 *
 * gqlparser is more lenient than graphql-js's own schema validation (an extension may extend a
 * type that is not defined, a schema needs no query type), so graphql-js only builds the schema
 * here (assumeValid) and this module decides whether it is valid.
 */
import {
  buildASTSchema,
  type ConstValueNode,
  type DefinitionNode,
  type DirectiveDefinitionNode,
  type DocumentNode,
  GraphQLSchema,
  Kind,
  type TypeNode,
  type ValueNode,
} from "graphql";
import { type GNode, GraphQLFailure, parseSchema, POSITIONS, VALUE_KIND } from "./parse.ts";
import { PRELUDE } from "./prelude.ts";

type G = GNode;
const arr = (v: unknown): G[] => (Array.isArray(v) ? v as G[] : []);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v as string[] : []);

let prelude: G | undefined;
function preludeDocument(): G {
  if (prelude === undefined) {
    prelude = parseSchema(PRELUDE);
    for (const d of arr(prelude.Definitions)) d.BuiltIn = true;
  }
  return prelude;
}

const BUILTIN_DIRECTIVES = new Set(["include", "skip", "deprecated", "specifiedBy", "defer", "oneOf"]);

/** A validated schema: gqlparser's view (types, directives, roots) and graphql-js's. */
export interface LoadedSchema {
  types: Map<string, G>;
  /** graphql-js's schema, built on first use (schema_is_valid needs only gqlparser's checks). */
  readonly graphql: GraphQLSchema;
}

class SchemaError extends Error {
  constructor(readonly node: object | undefined, message: string) {
    super(message);
  }
}

/** gqlparser's error text for a schema failure: "input:line:col: message". */
function schemaFailure(e: SchemaError): GraphQLFailure {
  const pos = e.node ? POSITIONS.get(e.node) : undefined;
  const where = pos ? `input:${pos.line}:${pos.column}` : "input:-1:-1";
  return new GraphQLFailure(`Error in gqlparser SchemaDocument to Schema conversion: ${where}: ${e.message}`);
}

/** Deep copy of the parts of a definition that merging extends (the input stays untouched). */
function copyDefinition(d: G): G {
  return {
    ...d,
    Directives: [...arr(d.Directives)],
    Interfaces: [...strs(d.Interfaces)],
    Fields: [...arr(d.Fields)],
    Types: [...strs(d.Types)],
    EnumValues: [...arr(d.EnumValues)],
  };
}

export function loadSchema(doc: G): LoadedSchema {
  try {
    return load(doc);
  } catch (e) {
    if (e instanceof SchemaError) throw schemaFailure(e);
    throw e;
  }
}

function load(user: G): LoadedSchema {
  const pre = preludeDocument();
  const merged = (k: string) => [...arr(pre[k]), ...arr(user[k])];
  const types = new Map<string, G>();
  const defs: G[] = [];
  const originals = new Map<G, G>();
  for (const d of merged("Definitions")) {
    const name = String(d.Name);
    if (types.has(name)) throw new SchemaError(d, `Cannot redeclare type ${name}.`);
    const c = copyDefinition(d);
    originals.set(c, d);
    types.set(name, c);
    defs.push(c);
  }
  for (const ext of merged("Extensions")) {
    const name = String(ext.Name);
    let def = types.get(name);
    if (def === undefined) {
      def = copyDefinition({ Kind: ext.Kind, Name: name, Description: "", BuiltIn: false });
      originals.set(def, ext);
      types.set(name, def);
      defs.push(def);
    }
    if (def.Kind !== ext.Kind) {
      throw new SchemaError(
        ext,
        `Cannot extend type ${name} because the base type is a ${def.Kind}, not ${ext.Kind}.`,
      );
    }
    (def.Directives as G[]).push(...arr(ext.Directives));
    (def.Interfaces as string[]).push(...strs(ext.Interfaces));
    (def.Fields as G[]).push(...arr(ext.Fields));
    (def.Types as string[]).push(...strs(ext.Types));
    (def.EnumValues as G[]).push(...arr(ext.EnumValues));
  }
  const possible = new Map<string, G[]>();
  const addPossible = (name: string, d: G | undefined) => {
    if (d === undefined) return;
    possible.set(name, [...(possible.get(name) ?? []), d]);
  };
  for (const d of defs) {
    if (d.Kind === "UNION") { for (const t of strs(d.Types)) addPossible(String(d.Name), types.get(t)); }
    if (d.Kind === "OBJECT" || d.Kind === "INPUT_OBJECT" || d.Kind === "INTERFACE") {
      for (const i of strs(d.Interfaces)) addPossible(i, d);
      if (d.Kind !== "INTERFACE") addPossible(String(d.Name), d);
    }
  }
  const directives = new Map<string, G>();
  for (const d of merged("Directives")) {
    const name = String(d.Name);
    if (directives.has(name)) {
      if (!BUILTIN_DIRECTIVES.has(name)) throw new SchemaError(d, `Cannot redeclare directive ${name}.`);
      continue; // gqlparser keeps the first definition of a built-in directive
    }
    directives.set(name, d);
  }
  const ctx: Ctx = { types, directives, possible, originals };

  const schemaDefs = arr(user.Schema);
  if (schemaDefs.length > 1) {
    throw new SchemaError(
      schemaDefs[1],
      "Cannot have multiple schema entry points, consider schema extensions instead.",
    );
  }
  const roots: Record<string, G | undefined> = {};
  for (const [i, s] of [...schemaDefs, ...arr(user.SchemaExtension)].entries()) {
    for (const op of arr(s.OperationTypes)) {
      const def = types.get(String(op.Type));
      if (def === undefined) {
        throw new SchemaError(
          op,
          `Schema root ${op.Operation} refers to a type ${op.Type} that does not exist.`,
        );
      }
      if (["query", "mutation", "subscription"].includes(String(op.Operation))) {
        roots[String(op.Operation)] = def;
      }
    }
    void i;
    validateDirectives(ctx, arr(s.Directives), "SCHEMA", undefined, true);
  }
  for (const name of [...types.keys()].sort(goLess)) validateDefinition(ctx, types.get(name)!);
  for (const name of [...directives.keys()].sort(goLess)) {
    const d = directives.get(name)!;
    validateName(d, name);
    validateArgs(ctx, arr(d.Arguments), d);
  }
  if (schemaDefs.length === 0) {
    roots.query ??= types.get("Query");
    roots.mutation ??= types.get("Mutation");
    roots.subscription ??= types.get("Subscription");
  }
  let built: GraphQLSchema | undefined;
  return {
    types,
    get graphql() {
      return built ??= toGraphQLSchema(defs, [...directives.values()], roots);
    },
  };
}

/** Go's sort.Strings: byte order of the UTF-8 encoding (code-point order). */
function goLess(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!), y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

interface Ctx {
  types: Map<string, G>;
  directives: Map<string, G>;
  possible: Map<string, G[]>;
  originals: Map<G, G>;
}

function typeName(t: G | null | undefined): string {
  for (let i = 0; t; i++) {
    if (t.NamedType !== "") return String(t.NamedType);
    t = t.Elem as G | null;
    if (i > 10_000) break;
  }
  throw new SchemaError(undefined, "type reference without a name");
}

function typeString(t: G): string {
  const nn = t.NonNull ? "!" : "";
  if (t.NamedType !== "") return `${t.NamedType}${nn}`;
  return `[${typeString(t.Elem as G)}]${nn}`;
}

function validateName(node: object, name: string) {
  if (name.startsWith("__")) {
    throw new SchemaError(
      node,
      `Name "${name}" must not begin with "__", which is reserved by GraphQL introspection.`,
    );
  }
}

const INPUT_KINDS = ["SCALAR", "ENUM", "INPUT_OBJECT"];
const OUTPUT_KINDS = ["SCALAR", "OBJECT", "INTERFACE", "UNION", "ENUM"];

function validateDefinition(ctx: Ctx, def: G) {
  const pos = ctx.originals.get(def) ?? def;
  for (const f of arr(def.Fields)) {
    validateName(f, String(f.Name));
    if (!ctx.types.has(typeName(f.Type as G))) {
      throw new SchemaError(f.Type as G, `Undefined type ${typeName(f.Type as G)}.`);
    }
    validateArgs(ctx, arr(f.Arguments), undefined);
    validateDirectives(
      ctx,
      arr(f.Directives),
      def.Kind === "INPUT_OBJECT" ? "INPUT_FIELD_DEFINITION" : "FIELD_DEFINITION",
      undefined,
      true,
    );
  }
  for (const t of strs(def.Types)) {
    const td = ctx.types.get(t);
    if (td === undefined) throw new SchemaError(pos, `Undefined type ${JSON.stringify(t)}.`);
    if (td.Kind !== "OBJECT") {
      throw new SchemaError(pos, `${def.Kind} type ${JSON.stringify(t)} must be OBJECT.`);
    }
  }
  for (const i of strs(def.Interfaces)) validateImplements(ctx, def, pos, i);
  switch (def.Kind) {
    case "OBJECT":
    case "INTERFACE":
      if (arr(def.Fields).length === 0) {
        throw new SchemaError(pos, `${def.Kind} ${def.Name}: must define one or more fields.`);
      }
      for (const f of arr(def.Fields)) {
        const t = ctx.types.get(typeName(f.Type as G));
        if (t && !OUTPUT_KINDS.includes(String(t.Kind))) {
          throw new SchemaError(
            f,
            `${def.Kind} ${def.Name}: field must be one of ${OUTPUT_KINDS.join(", ")}.`,
          );
        }
      }
      break;
    case "ENUM":
      if (arr(def.EnumValues).length === 0) {
        throw new SchemaError(pos, `${def.Kind} ${def.Name}: must define one or more unique enum values.`);
      }
      for (const v of arr(def.EnumValues)) {
        if (["true", "false", "null"].includes(String(v.Name))) {
          throw new SchemaError(pos, `${def.Kind} ${def.Name}: non-enum value ${v.Name}.`);
        }
        validateDirectives(ctx, arr(v.Directives), "ENUM_VALUE", undefined, true);
      }
      break;
    case "INPUT_OBJECT":
      if (arr(def.Fields).length === 0) {
        throw new SchemaError(pos, `${def.Kind} ${def.Name}: must define one or more input fields.`);
      }
      for (const f of arr(def.Fields)) {
        const t = ctx.types.get(typeName(f.Type as G));
        if (t && !INPUT_KINDS.includes(String(t.Kind))) {
          throw new SchemaError(f, `${t.Kind} ${f.Name}: field must be one of ${INPUT_KINDS.join(", ")}.`);
        }
      }
      break;
  }
  const fields = arr(def.Fields);
  const field = firstRepeat(fields.map((f) => String(f.Name)));
  if (field !== undefined) {
    throw new SchemaError(fields[field], `Field ${def.Name}.${fields[field].Name} can only be defined once.`);
  }
  const values = arr(def.EnumValues);
  const value = firstRepeat(values.map((v) => String(v.Name)));
  if (value !== undefined) {
    throw new SchemaError(
      values[value],
      `Enum value ${def.Name}.${values[value].Name} can only be defined once.`,
    );
  }
  const members = strs(def.Types);
  const member = firstRepeat(members);
  if (member !== undefined) {
    throw new SchemaError(pos, `Union type ${def.Name} can only include type ${members[member]} once.`);
  }
  if (!def.BuiltIn) validateName(pos, String(def.Name));
  validateDirectives(ctx, arr(def.Directives), String(def.Kind), undefined, false);
}

/**
 * gqlparser compares every pair (i < j) and reports j of the first pair found: the next
 * occurrence of the first name that occurs again. The same answer in linear time.
 */
function firstRepeat(names: string[]): number | undefined {
  const count = new Map<string, number>();
  for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
  const i = names.findIndex((n) => count.get(n)! > 1);
  return i < 0 ? undefined : names.indexOf(names[i], i + 1);
}

function validateArgs(ctx: Ctx, args: G[], current: G | undefined) {
  for (const a of args) {
    validateName(a, String(a.Name));
    const name = typeName(a.Type as G);
    const def = ctx.types.get(name);
    if (def === undefined) throw new SchemaError(a.Type as G, `Undefined type ${name}.`);
    if (!INPUT_KINDS.includes(String(def.Kind))) {
      throw new SchemaError(
        a,
        `cannot use ${
          typeString(a.Type as G)
        } as argument ${a.Name} because ${def.Kind} is not a valid input type`,
      );
    }
    validateDirectives(ctx, arr(a.Directives), "ARGUMENT_DEFINITION", current, true);
  }
}

function validateDirectives(ctx: Ctx, dirs: G[], location: string, current: G | undefined, single: boolean) {
  const seen = new Set<string>();
  for (const dir of dirs) {
    const name = String(dir.Name);
    validateName(dir, name);
    if (current !== undefined && name === current.Name) {
      throw new SchemaError(dir, `Directive ${current.Name} cannot refer to itself.`);
    }
    const def = ctx.directives.get(name);
    if (def === undefined) throw new SchemaError(dir, `Undefined directive ${name}.`);
    if (single) {
      if (seen.has(name) && !def.IsRepeatable) {
        throw new SchemaError(dir, `The directive ${name} can only be used once at this location.`);
      }
      seen.add(name);
    }
    if (!strs(def.Locations).includes(location)) {
      throw new SchemaError(dir, `Directive ${name} is not applicable on ${location}.`);
    }
    const defArgs = arr(def.Arguments);
    for (const a of arr(dir.Arguments)) {
      if (!defArgs.some((d) => d.Name === a.Name)) {
        throw new SchemaError(a, `Undefined argument ${a.Name} for directive ${name}.`);
      }
    }
    for (const d of defArgs) {
      if ((d.Type as G).NonNull && d.DefaultValue === null) {
        const a = arr(dir.Arguments).find((x) => x.Name === d.Name);
        if (a === undefined || (a.Value as G | null)?.Kind === VALUE_KIND.NullValue) {
          throw new SchemaError(dir, `Argument ${d.Name} for directive ${name} cannot be null.`);
        }
      }
    }
  }
}

function isCompatible(t: G, other: G): boolean {
  if (t.NamedType !== other.NamedType) return false;
  if (t.Elem && !other.Elem) return false;
  if (t.Elem && !isCompatible(t.Elem as G, other.Elem as G)) return false;
  return other.NonNull ? Boolean(t.NonNull) : true;
}

function isCovariant(ctx: Ctx, required: G, actual: G): boolean {
  if (required.NonNull && !actual.NonNull) return false;
  if (required.NamedType !== "") {
    if (required.NamedType === actual.NamedType) return true;
    return (ctx.possible.get(String(required.NamedType)) ?? []).some((p) => p.Name === actual.NamedType);
  }
  if (required.Elem && !actual.Elem) return false;
  if (!required.Elem || !actual.Elem) throw new SchemaError(undefined, "type reference without a name");
  return isCovariant(ctx, required.Elem as G, actual.Elem as G);
}

function validateImplements(ctx: Ctx, def: G, pos: G, intfName: string) {
  const intf = ctx.types.get(intfName);
  if (intf === undefined) throw new SchemaError(pos, `Undefined type ${JSON.stringify(intfName)}.`);
  if (intf.Kind !== "INTERFACE") {
    throw new SchemaError(pos, `${JSON.stringify(intfName)} is a non interface type ${intf.Kind}.`);
  }
  const fields = arr(def.Fields);
  for (const req of arr(intf.Fields)) {
    const found = fields.find((f) => f.Name === req.Name);
    if (found === undefined) {
      throw new SchemaError(
        pos,
        `For ${def.Name} to implement ${intf.Name} it must have a field called ${req.Name}.`,
      );
    }
    if (!isCovariant(ctx, req.Type as G, found.Type as G)) {
      throw new SchemaError(
        found,
        `For ${def.Name} to implement ${intf.Name} the field ${req.Name} must have type ${
          typeString(req.Type as G)
        }.`,
      );
    }
    const foundArgs = arr(found.Arguments);
    for (const ra of arr(req.Arguments)) {
      const fa = foundArgs.find((a) => a.Name === ra.Name);
      if (fa === undefined) {
        throw new SchemaError(
          found,
          `For ${def.Name} to implement ${intf.Name} the field ${req.Name} must have the same arguments but it is missing ${ra.Name}.`,
        );
      }
      if (!isCompatible(ra.Type as G, fa.Type as G)) {
        throw new SchemaError(
          fa,
          `For ${def.Name} to implement ${intf.Name} the field ${req.Name} must have the same arguments but ${ra.Name} has the wrong type.`,
        );
      }
    }
    for (const fa of foundArgs) {
      if (
        !arr(req.Arguments).some((a) => a.Name === fa.Name) && (fa.Type as G).NonNull &&
        fa.DefaultValue === null
      ) {
        throw new SchemaError(
          fa,
          `For ${def.Name} to implement ${intf.Name} any additional arguments on ${found.Name} must be optional or have a default value but ${fa.Name} is required.`,
        );
      }
    }
  }
  for (const t of strs(intf.Interfaces)) {
    if (!strs(def.Interfaces).includes(t)) {
      if (t === def.Name) {
        throw new SchemaError(
          pos,
          `Type ${def.Name} cannot implement ${intfName} because it would create a circular reference.`,
        );
      }
      throw new SchemaError(
        pos,
        `Type ${def.Name} must implement ${t} because it is implemented by ${intfName}.`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// To graphql-js

const name = (value: unknown) => ({ kind: Kind.NAME, value: String(value) }) as const;

export function toTypeNode(t: G): TypeNode {
  let node: TypeNode;
  if (t.NamedType !== "") node = { kind: Kind.NAMED_TYPE, name: name(t.NamedType) };
  else if (t.Elem) node = { kind: Kind.LIST_TYPE, type: toTypeNode(t.Elem as G) };
  else throw new GraphQLFailure("type reference without a name");
  return t.NonNull ? { kind: Kind.NON_NULL_TYPE, type: node as never } : node;
}

export function toValueNode(v: G): ValueNode {
  const raw = String(v.Raw);
  switch (v.Kind) {
    case VALUE_KIND.Variable:
      return { kind: Kind.VARIABLE, name: name(raw) };
    case VALUE_KIND.IntValue:
      return { kind: Kind.INT, value: raw };
    case VALUE_KIND.FloatValue:
      return { kind: Kind.FLOAT, value: raw };
    case VALUE_KIND.StringValue:
    case VALUE_KIND.BlockValue:
      return { kind: Kind.STRING, value: raw, block: v.Kind === VALUE_KIND.BlockValue };
    case VALUE_KIND.BooleanValue:
      return { kind: Kind.BOOLEAN, value: raw === "true" };
    case VALUE_KIND.NullValue:
      return { kind: Kind.NULL };
    case VALUE_KIND.EnumValue:
      return { kind: Kind.ENUM, value: raw };
    case VALUE_KIND.ListValue:
      return { kind: Kind.LIST, values: arr(v.Children).map((c) => toValueNode(c.Value as G)) };
    case VALUE_KIND.ObjectValue:
      return {
        kind: Kind.OBJECT,
        fields: arr(v.Children).map((c) => ({
          kind: Kind.OBJECT_FIELD,
          name: name(c.Name),
          value: toValueNode(c.Value as G),
        })),
      };
    default:
      throw new GraphQLFailure(`unknown value kind ${v.Kind}`);
  }
}

function inputValues(args: G[]) {
  return args.map((a) => ({
    kind: Kind.INPUT_VALUE_DEFINITION,
    name: name(a.Name),
    type: toTypeNode(a.Type as G),
    ...(a.DefaultValue ? { defaultValue: toValueNode(a.DefaultValue as G) as ConstValueNode } : {}),
  }));
}

function toGraphQLSchema(defs: G[], directives: G[], roots: Record<string, G | undefined>): GraphQLSchema {
  const definitions: DefinitionNode[] = [];
  for (const d of defs) {
    if (String(d.Name).startsWith("__")) continue; // graphql-js has its own introspection types
    const common = { name: name(d.Name) };
    const interfaces = strs(d.Interfaces).map((i) => ({ kind: Kind.NAMED_TYPE, name: name(i) }) as const);
    const fields = arr(d.Fields).map((f) => ({
      kind: Kind.FIELD_DEFINITION,
      name: name(f.Name),
      arguments: inputValues(arr(f.Arguments)),
      type: toTypeNode(f.Type as G),
    }));
    switch (d.Kind) {
      case "SCALAR":
        definitions.push({ kind: Kind.SCALAR_TYPE_DEFINITION, ...common });
        break;
      case "OBJECT":
        definitions.push({ kind: Kind.OBJECT_TYPE_DEFINITION, ...common, interfaces, fields } as never);
        break;
      case "INTERFACE":
        definitions.push({ kind: Kind.INTERFACE_TYPE_DEFINITION, ...common, interfaces, fields } as never);
        break;
      case "UNION":
        definitions.push({
          kind: Kind.UNION_TYPE_DEFINITION,
          ...common,
          types: strs(d.Types).map((t) => ({ kind: Kind.NAMED_TYPE, name: name(t) })),
        } as never);
        break;
      case "ENUM":
        definitions.push({
          kind: Kind.ENUM_TYPE_DEFINITION,
          ...common,
          values: arr(d.EnumValues).map((v) => ({ kind: Kind.ENUM_VALUE_DEFINITION, name: name(v.Name) })),
        } as never);
        break;
      case "INPUT_OBJECT":
        definitions.push({
          kind: Kind.INPUT_OBJECT_TYPE_DEFINITION,
          ...common,
          directives: arr(d.Directives).some((x) => x.Name === "oneOf")
            ? [{ kind: Kind.DIRECTIVE, name: name("oneOf"), arguments: [] }]
            : [],
          fields: inputValues(arr(d.Fields)),
        } as never);
        break;
      default:
        throw new GraphQLFailure(`unknown definition kind ${d.Kind}`);
    }
  }
  for (const d of directives) {
    definitions.push({
      kind: Kind.DIRECTIVE_DEFINITION,
      name: name(d.Name),
      arguments: inputValues(arr(d.Arguments)),
      repeatable: Boolean(d.IsRepeatable),
      locations: strs(d.Locations).map((l) => name(l)),
    } as DirectiveDefinitionNode);
  }
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions };
  let built: GraphQLSchema;
  try {
    built = buildASTSchema(document, { assumeValid: true, assumeValidSDL: true });
  } catch (e) {
    throw new GraphQLFailure(`schema cannot be built: ${(e as Error).message}`);
  }
  const root = (d: G | undefined) => (d ? built.getType(String(d.Name)) as never : undefined);
  return new GraphQLSchema({
    ...built.toConfig(),
    query: root(roots.query),
    mutation: root(roots.mutation),
    subscription: root(roots.subscription),
    assumeValid: true,
  });
}
