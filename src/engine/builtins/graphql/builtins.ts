/**
 * The graphql.* built-ins as OPA implements them (topdown/graphql.go over gqlparser):
 *
 * - graphql.parse_query(string) / graphql.parse_schema(string): the AST, or an error;
 * - graphql.parse(query, schema): [query AST, schema AST], or an error when either does not parse,
 *   the schema is not valid or the query does not validate against it;
 * - graphql.parse_and_verify(query, schema): [true, query AST, schema AST], or [false, {}, {}]
 *   on any of those failures;
 * - graphql.is_valid(query, schema) / graphql.schema_is_valid(schema): booleans, never errors.
 *
 * A query or schema is a GraphQL string or an AST object (as the parse built-ins return it).
 * Past the bounds of limits.ts every one of them is an error (undefined unless strict), so a
 * hostile document costs bounded work.
 *
 * Where this differs from OPA (today's, over gqlparser's latest release, v2.5.36):
 * - the bounds (OPA has none; gqlgen applies the same 15,000-token bound to queries);
 * - the wording of some errors, which only strict mode shows: graphql-js's lexer messages, its
 *   "Did you mean" suggestions, and the order of several validation errors;
 * - an AST value with a null in a list is refused (gqlparser would dereference it);
 * - numbers are checked for Go's int64/float64 only where graphql-js parses them (literals).
 */
import { BuiltinError } from "../errors.ts";
import type { HostBuiltin } from "../host_builtin.ts";
import { isObject, typeName } from "../operands.ts";
import type { DocumentNode } from "graphql";
import { decodeQuery, decodeSchema } from "./decode.ts";
import { checkDepth, LimitError, MAX_QUERY_TOKENS, MAX_SCHEMA_TOKENS } from "./limits.ts";
import { type GNode, GraphQLFailure, parseQuery, parseSchema } from "./parse.ts";
import { prune } from "./prune.ts";
import { type LoadedSchema, loadSchema } from "./schema.ts";
import { queryDocumentNode, validateQuery } from "./validate.ts";

interface Query {
  ast: GNode;
  document: DocumentNode;
}

/** OPA's formatGqlParserError for a parse failure (one error, its location known). */
function parseFailure(e: GraphQLFailure): GraphQLFailure {
  if (e.line === undefined) return e;
  return new GraphQLFailure(`${e.message} in GraphQL string at location ${e.line}:${e.column}`);
}

function query(name: string, v: unknown): Query {
  if (typeof v === "string") {
    try {
      return parseQuery(v);
    } catch (e) {
      throw e instanceof GraphQLFailure ? parseFailure(e) : e;
    }
  }
  if (isObject(v)) {
    checkDepth(v, 2 * MAX_QUERY_TOKENS);
    const ast = decodeQuery(v);
    return { ast, document: queryDocumentNode(ast) };
  }
  throw new BuiltinError(name, `operand 0 must be one of {string, object} but got ${typeName(v)}`);
}

function schemaDocument(name: string, v: unknown, pos: number): GNode {
  if (typeof v === "string") {
    try {
      return parseSchema(v);
    } catch (e) {
      throw e instanceof GraphQLFailure ? parseFailure(e) : e;
    }
  }
  if (isObject(v)) {
    checkDepth(v, 2 * MAX_SCHEMA_TOKENS);
    return decodeSchema(v);
  }
  throw new BuiltinError(name, `operand ${pos} must be one of {string, object} but got ${typeName(v)}`);
}

const CACHE_SIZE = 16;
const cache = new Map<string, { ast: unknown; schema: LoadedSchema }>();

/** The schema's pruned AST and its validated form; string schemas are cached by their text. */
function schema(name: string, v: unknown, pos: number): { ast: unknown; schema: LoadedSchema } {
  const key = typeof v === "string" ? v : undefined;
  const hit = key === undefined ? undefined : cache.get(key);
  if (hit) {
    cache.delete(key!);
    cache.set(key!, hit);
    return hit;
  }
  const doc = schemaDocument(name, v, pos);
  const ast = prune(doc);
  const loaded = { ast, schema: loadSchema(doc) };
  if (key !== undefined) {
    cache.set(key, loaded);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  return loaded;
}

/** Runs `f`, turning failures into the built-in's error (a bug or a blown stack fails closed too). */
function guarded<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof BuiltinError) throw e;
    if (e instanceof GraphQLFailure || e instanceof LimitError) throw new BuiltinError(name, e.message);
    if (e instanceof RangeError) throw new BuiltinError(name, "document nests too deeply");
    throw new BuiltinError(name, `cannot process the document: ${(e as Error)?.message ?? String(e)}`);
  }
}

/** `f`'s answer, or `otherwise` when it fails for a reason OPA answers (a limit stays an error). */
function orElse<T>(name: string, f: () => T, otherwise: T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof LimitError) throw new BuiltinError(name, e.message);
    if (e instanceof RangeError) throw new BuiltinError(name, "document nests too deeply");
    return otherwise;
  }
}

function parseBoth(name: string, q: unknown, s: unknown): [unknown, unknown] {
  const parsedQuery = query(name, q);
  const { ast, schema: loaded } = schema(name, s, 1);
  validateQuery(loaded, parsedQuery.document);
  return [prune(parsedQuery.ast), ast];
}

export const GRAPHQL_BUILTINS: Record<string, HostBuiltin> = {
  "graphql.parse_query": (q) => {
    const name = "graphql.parse_query";
    if (typeof q !== "string") {
      throw new BuiltinError(name, `operand 1 must be string but got ${typeName(q)}`);
    }
    return guarded(name, () => prune(query(name, q).ast));
  },
  "graphql.parse_schema": (s) => {
    const name = "graphql.parse_schema";
    if (typeof s !== "string") {
      throw new BuiltinError(name, `operand 1 must be string but got ${typeName(s)}`);
    }
    return guarded(name, () => prune(schemaDocument(name, s, 1)));
  },
  "graphql.parse": (q, s) => {
    const name = "graphql.parse";
    return guarded(name, () => parseBoth(name, q, s));
  },
  "graphql.parse_and_verify": (q, s) => {
    const name = "graphql.parse_and_verify";
    return orElse(name, () => [true, ...parseBoth(name, q, s)], [false, {}, {}]);
  },
  "graphql.is_valid": (q, s) => {
    const name = "graphql.is_valid";
    return orElse(name, () => (parseBoth(name, q, s), true), false);
  },
  "graphql.schema_is_valid": (s) => {
    const name = "graphql.schema_is_valid";
    return orElse(name, () => (schema(name, s, 0), true), false);
  },
};
