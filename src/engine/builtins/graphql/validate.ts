/**
 * Query validation against a loaded schema with graphql-js's validation rules, the set gqlparser
 * implements (gqlparser's rules are ports of graphql-js's, with the same messages), plus
 * gqlparser's KnownRootType (an operation whose root type the schema lacks), which graphql-js
 * leaves to execution. ExecutableDefinitions is left out: a query document cannot hold anything
 * else here (parse.ts rejects it).
 */
import {
  type ASTVisitor,
  type DefinitionNode,
  type DirectiveNode,
  type DocumentNode,
  ExecutableDefinitionsRule,
  type FloatValueNode,
  getNamedType,
  GraphQLError,
  type IntValueNode,
  isScalarType,
  Kind,
  print,
  type SelectionNode,
  specifiedRules,
  validate,
  type ValidationContext,
  type ValidationRule,
  ValuesOfCorrectTypeRule,
  type VariableDefinitionNode,
} from "graphql";
import { type GNode, GraphQLFailure } from "./parse.ts";
import { type LoadedSchema, toTypeNode, toValueNode } from "./schema.ts";

type G = GNode;
const arr = (v: unknown): G[] => (Array.isArray(v) ? v as G[] : []);

function KnownRootTypeRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      if (context.getSchema().getRootType(node.operation) === undefined) {
        context.reportError(
          new GraphQLError(`Schema does not support operation type "${node.operation}"`, { nodes: node }),
        );
      }
    },
  };
}

const INT64_MIN = -(2n ** 63n), INT64_MAX = 2n ** 63n - 1n;

/** gqlparser reads an integer literal as a Go int64 and a float as a float64 (strconv). */
function goNumberFits(node: IntValueNode | FloatValueNode): boolean {
  if (node.kind === Kind.INT) {
    const n = BigInt(node.value);
    return n >= INT64_MIN && n <= INT64_MAX;
  }
  return Number.isFinite(Number(node.value));
}

/**
 * graphql-js's ValuesOfCorrectType with gqlparser's number rules: an Int literal must fit in 64
 * bits (graphql-js: 32), and any integer or float literal where a built-in scalar, enum or input
 * object is expected must fit Go's int64 / float64 (graphql-js takes 1e999 as a Float).
 */
function GqlparserValuesRule(context: ValidationContext): ASTVisitor {
  const filtered = new Proxy(context, {
    get(target, prop) {
      if (prop === "reportError") {
        return (error: GraphQLError) => {
          const node = error.nodes?.[0];
          if (
            node?.kind === Kind.INT && error.message.startsWith("Int cannot represent non 32-bit") &&
            goNumberFits(node)
          ) return;
          // gqlparser words a literal of the wrong scalar type as a type mismatch.
          if (node && /^(Int|Float|String|Boolean|ID) cannot represent/.test(error.message)) {
            const type = target.getInputType();
            error = new GraphQLError(`Expected value of type "${String(type)}", found ${print(node)}.`, {
              nodes: node,
            });
          }
          target.reportError(error);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  const inner = ValuesOfCorrectTypeRule(filtered) as Record<string, unknown>;
  const check = (node: IntValueNode | FloatValueNode) => {
    const type = context.getInputType();
    if (type === null || type === undefined || goNumberFits(node)) return;
    const named = getNamedType(type);
    if (isScalarType(named) && !["Int", "Float", "String", "Boolean", "ID"].includes(named.name)) return;
    context.reportError(
      new GraphQLError(`Expected value of type "${String(type)}", found ${node.value}.`, { nodes: node }),
    );
  };
  const wrap = (key: "IntValue" | "FloatValue") => (node: IntValueNode & FloatValueNode) => {
    check(node);
    return (inner[key] as ((n: unknown) => unknown) | undefined)?.(node);
  };
  return { ...inner, IntValue: wrap("IntValue"), FloatValue: wrap("FloatValue") } as ASTVisitor;
}

const RULES: ValidationRule[] = [
  KnownRootTypeRule,
  ...specifiedRules
    .filter((r) => r !== ExecutableDefinitionsRule)
    .map((r) => (r === ValuesOfCorrectTypeRule ? GqlparserValuesRule : r)),
];

/** Validation errors as OPA formats gqlparser's error list (the first error's location). */
export function validateQuery(schema: LoadedSchema, query: DocumentNode): void {
  const errors = validate(schema.graphql, query, RULES, { maxErrors: 50 });
  if (errors.length === 0) return;
  throw formatErrors(errors);
}

/**
 * OPA's formatGqlParserError over gqlparser's gqlerror.List: the list prints as
 * "input:L:C: message\n" per error; OPA splits at the first three colons, keeps the rest, trims a
 * final ".\n" and appends "in GraphQL string at location L:C".
 */
export function formatErrors(
  errors: readonly { message: string; locations?: readonly { line: number; column: number }[] }[],
): GraphQLFailure {
  const text = errors.map((e) => {
    const l = e.locations?.[0];
    return `input${l ? `:${l.line}:${l.column}` : ""}: ${e.message}\n`;
  }).join("");
  const parts = splitN(text, ":", 4);
  if (parts.length >= 4 && /^\d+$/.test(parts[1]) && /^\d+$/.test(parts[2])) {
    let msg = parts[3].replace(/^ +/, "");
    if (msg.endsWith(".\n")) msg = msg.slice(0, -2);
    return new GraphQLFailure(`${msg} in GraphQL string at location ${parts[1]}:${parts[2]}`);
  }
  return new GraphQLFailure(`GraphQL parse error: ${text}`);
}

function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}

// ---------------------------------------------------------------------------------------------
// gqlparser's JSON (a query AST passed as a value) to graphql-js's AST

const name = (value: unknown) => ({ kind: Kind.NAME, value: String(value) }) as const;

function directives(ds: unknown): DirectiveNode[] {
  return arr(ds).map((d) => ({
    kind: Kind.DIRECTIVE,
    name: name(d.Name),
    arguments: arguments_(d.Arguments),
  }));
}

function arguments_(as: unknown) {
  return arr(as).map((a) =>
    ({
      kind: Kind.ARGUMENT,
      name: name(a.Name),
      value: a.Value ? toValueNode(a.Value as G) : nullValue(),
    }) as const
  );
}

/** A nil *Value: gqlparser's validator treats it as absent; closest here is null. */
function nullValue() {
  return { kind: Kind.NULL } as const;
}

function variables(vs: unknown): VariableDefinitionNode[] {
  return arr(vs).map((v) => {
    if (!v.Type) throw new GraphQLFailure(`variable ${v.Variable} has no type`);
    return {
      kind: Kind.VARIABLE_DEFINITION,
      variable: { kind: Kind.VARIABLE, name: name(v.Variable) },
      type: toTypeNode(v.Type as G),
      ...(v.DefaultValue ? { defaultValue: toValueNode(v.DefaultValue as G) as never } : {}),
      directives: directives(v.Directives) as never,
    };
  });
}

/** Selections decoded from a value are all fields (decode.ts), as in gqlparser. */
function selections(ss: unknown) {
  return {
    kind: Kind.SELECTION_SET,
    selections: arr(ss).map((s): SelectionNode => {
      const sub = arr(s.SelectionSet);
      return {
        kind: Kind.FIELD,
        ...(s.Alias !== "" && s.Alias !== s.Name ? { alias: name(s.Alias) } : {}),
        name: name(s.Name),
        arguments: arguments_(s.Arguments),
        directives: directives(s.Directives),
        ...(sub.length ? { selectionSet: selections(sub) } : {}),
      };
    }),
  } as const;
}

export function queryDocumentNode(doc: G): DocumentNode {
  const definitions: DefinitionNode[] = [];
  for (const op of arr(doc.Operations)) {
    const operation = op.Operation === "" ? "query" : op.Operation;
    if (!["query", "mutation", "subscription"].includes(String(operation))) {
      throw new GraphQLFailure(`got unknown operation type "${op.Operation}"`);
    }
    definitions.push({
      kind: Kind.OPERATION_DEFINITION,
      operation: operation as never,
      ...(op.Name !== "" ? { name: name(op.Name) } : {}),
      variableDefinitions: variables(op.VariableDefinitions),
      directives: directives(op.Directives),
      selectionSet: selections(op.SelectionSet),
    });
  }
  for (const f of arr(doc.Fragments)) {
    definitions.push({
      kind: Kind.FRAGMENT_DEFINITION,
      name: name(f.Name),
      variableDefinitions: variables(f.VariableDefinition),
      typeCondition: { kind: Kind.NAMED_TYPE, name: name(f.TypeCondition) },
      directives: directives(f.Directives),
      selectionSet: selections(f.SelectionSet),
    } as never);
  }
  return { kind: Kind.DOCUMENT, definitions };
}
