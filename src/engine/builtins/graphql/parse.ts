/**
 * GraphQL text to the AST OPA returns: the JSON of the Go library gqlparser's documents
 * (vektah/gqlparser/v2 ast.QueryDocument / ast.SchemaDocument, field names as in Go, `Position`
 * dropped, then OPA's pruning of nulls and empty arrays/objects: prune.ts).
 *
 * The text is parsed by graphql-js (the reference implementation, which gqlparser follows) and
 * its AST is re-shaped here. Where gqlparser differs from graphql-js this module follows
 * gqlparser: a query document holds only operations and fragments, a schema document only
 * type-system definitions and extensions, an empty document is valid, fragments may declare
 * variables, a type extension may extend a type the document does not define, and comments are
 * attached to nodes (`Comment`, `BeforeDescriptionComment`, …) as gqlparser's parser attaches
 * them: the group of `#` comments just before the node's first token.
 *
 * Errors carry gqlparser's wording where it differs (punctuators unquoted: `found }`).
 */
import {
  type ArgumentNode,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DirectiveNode,
  type DocumentNode,
  type EnumValueDefinitionNode,
  type FieldDefinitionNode,
  GraphQLError,
  type InputValueDefinitionNode,
  Kind,
  Lexer,
  type NamedTypeNode,
  parse,
  type SelectionNode,
  Source,
  type Token,
  TokenKind,
  type TypeNode,
  type ValueNode,
  type VariableDefinitionNode,
} from "graphql";
import { checkNesting, LimitError, MAX_QUERY_TOKENS, MAX_SCHEMA_TOKENS } from "./limits.ts";

/** A node of gqlparser's AST as JSON (before pruning). */
export type GNode = { [key: string]: unknown };

/** A parse or validation failure with gqlparser's message and, when known, its location. */
export class GraphQLFailure extends Error {
  constructor(message: string, readonly line?: number, readonly column?: number) {
    super(message);
  }
}

/** Where nodes start in the text (for validation messages), kept outside the JSON. */
export const POSITIONS = new WeakMap<object, { line: number; column: number }>();

/** gqlparser's ValueKind numbers. */
export const VALUE_KIND = {
  Variable: 0,
  IntValue: 1,
  FloatValue: 2,
  StringValue: 3,
  BlockValue: 4,
  BooleanValue: 5,
  NullValue: 6,
  EnumValue: 7,
  ListValue: 8,
  ObjectValue: 9,
} as const;

/** graphql-js quotes punctuators in its messages ("found "}""); gqlparser does not. */
function gqlparserWording(message: string): string {
  return message
    .replace(/^Syntax Error: /, "")
    .replace(/^Unexpected variable "\$.*" in constant value\.$/, "Unexpected $")
    .replace(/\.$/, "")
    .replace(/"(!|\$|&|\(|\)|\.\.\.|:|=|@|\[|\]|\{|\||\})"/g, "$1");
}

function parseText(text: string, what: "query" | "schema"): DocumentNode | undefined {
  checkNesting(text);
  try {
    const maxTokens = what === "query" ? MAX_QUERY_TOKENS : MAX_SCHEMA_TOKENS;
    const doc = parse(text, { maxTokens, allowLegacyFragmentVariables: what === "query" });
    return doc;
  } catch (e) {
    if (e instanceof GraphQLError) {
      const loc = e.locations?.[0];
      if (e.message.includes("Document contains more")) {
        throw new LimitError(
          `${what} has more than ${what === "query" ? MAX_QUERY_TOKENS : MAX_SCHEMA_TOKENS} tokens`,
        );
      }
      // An empty document is an error in graphql-js, an empty document in gqlparser.
      if (loc && /Unexpected <EOF>/.test(e.message) && onlyIgnored(text)) return undefined;
      throw new GraphQLFailure(gqlparserMessage(text, e.message, loc), loc?.line, loc?.column);
    }
    if (e instanceof RangeError) throw new LimitError("document nests too deeply");
    throw e;
  }
}

/**
 * gqlparser's wording for a graphql-js syntax error. Two differ in substance: an empty `{}` or
 * `()` list (gqlparser: "expected at least one definition, found }") and a description before
 * `extend` (gqlparser: "Unexpected String "…"", at the description).
 */
function gqlparserMessage(
  text: string,
  message: string,
  loc: { line: number; column: number } | undefined,
): string {
  if (loc !== undefined) {
    const [prev, token] = tokensAt(text, loc.line, loc.column);
    if (token !== undefined) {
      if (/^Syntax Error: Unexpected description/.test(message)) {
        return `Unexpected ${tokenDescription(token)}`;
      }
      const empty = (token.kind === TokenKind.BRACE_R && prev?.kind === TokenKind.BRACE_L) ||
        (token.kind === TokenKind.PAREN_R && prev?.kind === TokenKind.PAREN_L);
      if (empty) return `expected at least one definition, found ${token.kind}`;
    }
  }
  return gqlparserWording(message);
}

/** The token starting at line:column and the one before it (comments skipped). */
function tokensAt(text: string, line: number, column: number): [Token | undefined, Token | undefined] {
  const lexer = new Lexer(new Source(text));
  let prev: Token | undefined;
  try {
    for (let i = 0; i <= MAX_SCHEMA_TOKENS; i++) {
      const t = lexer.advance();
      if (t.line === line && t.column === column) return [prev, t];
      if (t.kind === TokenKind.EOF || t.line > line) break;
      prev = t;
    }
  } catch {
    // a lexical error: no token there
  }
  return [undefined, undefined];
}

/** The text has no token but whitespace, commas, comments and a BOM. */
function onlyIgnored(text: string): boolean {
  return /^(?:[\s,\ufeff]|#[^\n\r]*)*$/.test(text);
}

/** The EOF token of a text with no other token (its comments linked before it). */
function endOfText(text: string): Token {
  const lexer = new Lexer(new Source(text));
  return lexer.advance();
}

function at(node: GNode, loc: { startToken: Token } | undefined): GNode {
  if (loc) POSITIONS.set(node, { line: loc.startToken.line, column: loc.startToken.column });
  return node;
}

/** The comment group just before `token`, as gqlparser's CommentGroup JSON, or null. */
function commentsBefore(token: Token | undefined | null): GNode | null {
  const list: GNode[] = [];
  for (let t = token?.prev; t && t.kind === TokenKind.COMMENT; t = t.prev) {
    list.unshift({ Value: "#" + (t.value ?? "") });
  }
  return list.length > 0 ? { List: list } : null;
}

function first(node: { loc?: { startToken: Token } }): Token | undefined {
  return node.loc?.startToken;
}

/** The first token of kind `kind` (and `value`) at or after the start of `node`. */
function tokenIn(node: { loc?: { startToken: Token; endToken: Token } }, kind: TokenKind, value?: string) {
  for (let t: Token | null | undefined = node.loc?.startToken; t; t = t.next) {
    if (t.kind === kind && (value === undefined || t.value === value)) return t;
    if (t === node.loc?.endToken) break;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Queries

/** The gqlparser AST of a query, and graphql-js's (for validation). */
export function parseQuery(text: string): { ast: GNode; document: DocumentNode } {
  const doc = parseText(text, "query");
  const out: GNode = { Operations: null, Fragments: null, Comment: null };
  if (doc === undefined) return { ast: out, document: { kind: Kind.DOCUMENT, definitions: [] } };
  const ops: GNode[] = [], frags: GNode[] = [];
  for (const d of doc.definitions) {
    if (d.kind === Kind.OPERATION_DEFINITION) {
      ops.push(at({
        Operation: d.operation,
        Name: d.name?.value ?? "",
        VariableDefinitions: list(d.variableDefinitions, variableDefinition),
        Directives: directives(d.directives),
        SelectionSet: selectionSet(d.selectionSet.selections),
        Comment: commentsBefore(first(d)),
      }, d.loc));
    } else if (d.kind === Kind.FRAGMENT_DEFINITION) {
      frags.push(at({
        Name: d.name.value,
        VariableDefinition: list(d.variableDefinitions, variableDefinition),
        TypeCondition: d.typeCondition.name.value,
        Directives: directives(d.directives),
        SelectionSet: selectionSet(d.selectionSet.selections),
        Definition: null,
        Comment: commentsBefore(first(d)),
      }, d.loc));
    } else {
      throw unexpectedDefinition(d);
    }
  }
  out.Operations = ops.length ? ops : null;
  out.Fragments = frags.length ? frags : null;
  return { ast: out, document: doc };
}

function unexpectedDefinition(d: DefinitionNode): GraphQLFailure {
  const t = first(d)!;
  return new GraphQLFailure(`Unexpected ${tokenDescription(t)}`, t.line, t.column);
}

function tokenDescription(t: Token): string {
  if (t.kind === TokenKind.EOF) return "<EOF>";
  if (t.value !== undefined && t.kind !== TokenKind.BLOCK_STRING) {
    return `${t.kind} ${JSON.stringify(t.value)}`;
  }
  if (t.kind === TokenKind.BLOCK_STRING) return `BlockString ${JSON.stringify(t.value)}`;
  return t.kind;
}

function list<T>(items: readonly T[] | undefined, f: (x: T) => GNode): GNode[] | null {
  return items && items.length > 0 ? items.map(f) : null;
}

function variableDefinition(v: VariableDefinitionNode): GNode {
  return at({
    Variable: v.variable.name.value,
    Type: type(v.type),
    DefaultValue: v.defaultValue ? value(v.defaultValue) : null,
    Directives: directives(v.directives),
    Comment: commentsBefore(first(v)),
    Definition: null,
    Used: false,
  }, v.loc);
}

export function type(t: TypeNode): GNode {
  if (t.kind === Kind.NON_NULL_TYPE) return { ...type(t.type), NonNull: true };
  if (t.kind === Kind.LIST_TYPE) return at({ NamedType: "", Elem: type(t.type), NonNull: false }, t.loc);
  return at({ NamedType: (t as NamedTypeNode).name.value, Elem: null, NonNull: false }, t.loc);
}

function value(v: ValueNode): GNode {
  const node = (raw: string, kind: number, children: GNode[] | null, comment: GNode | null): GNode =>
    at({
      Raw: raw,
      Children: children,
      Kind: kind,
      Comment: comment,
      Definition: null,
      VariableDefinition: null,
      ExpectedType: null,
      ExpectedTypeHasDefault: false,
    }, v.loc);
  switch (v.kind) {
    case Kind.VARIABLE:
      return node(v.name.value, VALUE_KIND.Variable, null, commentsBefore(first(v)));
    case Kind.INT:
      return node(v.value, VALUE_KIND.IntValue, null, null);
    case Kind.FLOAT:
      return node(v.value, VALUE_KIND.FloatValue, null, null);
    case Kind.STRING:
      return node(v.value, v.block ? VALUE_KIND.BlockValue : VALUE_KIND.StringValue, null, null);
    case Kind.BOOLEAN:
      return node(v.value ? "true" : "false", VALUE_KIND.BooleanValue, null, null);
    case Kind.NULL:
      return node("null", VALUE_KIND.NullValue, null, null);
    case Kind.ENUM:
      return node(v.value, VALUE_KIND.EnumValue, null, null);
    case Kind.LIST:
      return node(
        "",
        VALUE_KIND.ListValue,
        v.values.length ? v.values.map((c) => ({ Name: "", Value: value(c), Comment: null })) : null,
        commentsBefore(first(v)),
      );
    case Kind.OBJECT:
      return node(
        "",
        VALUE_KIND.ObjectValue,
        v.fields.length
          ? v.fields.map((f) =>
            at({ Name: f.name.value, Value: value(f.value), Comment: commentsBefore(first(f)) }, f.loc)
          )
          : null,
        commentsBefore(first(v)),
      );
  }
}

function directives(ds: readonly (DirectiveNode | ConstDirectiveNode)[] | undefined): GNode[] | null {
  return list(ds, (d) =>
    at({
      Name: d.name.value,
      Arguments: list(d.arguments, argument),
      ParentDefinition: null,
      Definition: null,
      Location: "",
    }, d.loc));
}

function argument(a: ArgumentNode): GNode {
  return at({ Name: a.name.value, Value: value(a.value), Comment: commentsBefore(first(a)) }, a.loc);
}

function selectionSet(ss: readonly SelectionNode[] | undefined): GNode[] | null {
  return list(ss, (s) => {
    switch (s.kind) {
      case Kind.FIELD:
        return at({
          Alias: s.alias?.value ?? s.name.value,
          Name: s.name.value,
          Arguments: list(s.arguments, argument),
          Directives: directives(s.directives),
          SelectionSet: selectionSet(s.selectionSet?.selections),
          Comment: commentsBefore(first(s)),
          Definition: null,
          ObjectDefinition: null,
        }, s.loc);
      case Kind.FRAGMENT_SPREAD:
        return at({
          Name: s.name.value,
          Directives: directives(s.directives),
          ObjectDefinition: null,
          Definition: null,
          Comment: commentsBefore(first(s)),
        }, s.loc);
      case Kind.INLINE_FRAGMENT:
        return at({
          TypeCondition: s.typeCondition?.name.value ?? "",
          Directives: directives(s.directives),
          SelectionSet: selectionSet(s.selectionSet.selections),
          ObjectDefinition: null,
          Comment: commentsBefore(first(s)),
        }, s.loc);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Schemas

export function parseSchema(text: string): GNode {
  const doc = parseText(text, "schema");
  const out: GNode = {
    Schema: null,
    SchemaExtension: null,
    Directives: null,
    Definitions: null,
    Extensions: null,
    Comment: null,
  };
  // Comments before the end of the text are the document's (gqlparser's "end of file comments").
  out.Comment = commentsBefore(doc?.loc?.endToken ?? endOfText(text));
  if (doc === undefined) return out;
  const schema: GNode[] = [],
    schemaExt: GNode[] = [],
    dirs: GNode[] = [],
    defs: GNode[] = [],
    exts: GNode[] = [];
  for (const d of doc.definitions) {
    switch (d.kind) {
      case Kind.SCHEMA_DEFINITION:
      case Kind.SCHEMA_EXTENSION: {
        const ext = d.kind === Kind.SCHEMA_EXTENSION;
        const keyword = tokenIn(d, TokenKind.NAME, "schema")!;
        const close = d.operationTypes?.length ? d.loc?.endToken : undefined;
        (ext ? schemaExt : schema).push(at({
          Description: ext ? "" : (d.description?.value ?? ""),
          Directives: directives(d.directives),
          OperationTypes: list(
            d.operationTypes,
            (o) =>
              at(
                { Operation: o.operation, Type: o.type.name.value, Comment: commentsBefore(first(o)) },
                o.loc,
              ),
          ),
          BeforeDescriptionComment: !ext && d.description ? commentsBefore(first(d)) : null,
          AfterDescriptionComment: commentsBefore(ext ? first(d) : keyword),
          EndOfDefinitionComment: close ? commentsBefore(close) : null,
        }, d.loc));
        break;
      }
      case Kind.DIRECTIVE_DEFINITION: {
        const keyword = tokenIn(d, TokenKind.NAME, "directive")!;
        dirs.push(at({
          Description: d.description?.value ?? "",
          Name: d.name.value,
          Arguments: list(d.arguments, inputValue),
          Locations: d.locations.map((l) => l.value),
          IsRepeatable: d.repeatable,
          BeforeDescriptionComment: d.description ? commentsBefore(first(d)) : null,
          AfterDescriptionComment: commentsBefore(keyword),
        }, d.loc));
        break;
      }
      case Kind.SCALAR_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.UNION_TYPE_DEFINITION:
      case Kind.ENUM_TYPE_DEFINITION:
      case Kind.INPUT_OBJECT_TYPE_DEFINITION:
        defs.push(typeDefinition(d, false));
        break;
      case Kind.SCALAR_TYPE_EXTENSION:
      case Kind.OBJECT_TYPE_EXTENSION:
      case Kind.INTERFACE_TYPE_EXTENSION:
      case Kind.UNION_TYPE_EXTENSION:
      case Kind.ENUM_TYPE_EXTENSION:
      case Kind.INPUT_OBJECT_TYPE_EXTENSION:
        exts.push(typeDefinition(d, true));
        break;
      default:
        throw unexpectedDefinition(d);
    }
  }
  out.Schema = schema.length ? schema : null;
  out.SchemaExtension = schemaExt.length ? schemaExt : null;
  out.Directives = dirs.length ? dirs : null;
  out.Definitions = defs.length ? defs : null;
  out.Extensions = exts.length ? exts : null;
  return out;
}

const DEFINITION_KIND: Record<string, string> = {
  [Kind.SCALAR_TYPE_DEFINITION]: "SCALAR",
  [Kind.SCALAR_TYPE_EXTENSION]: "SCALAR",
  [Kind.OBJECT_TYPE_DEFINITION]: "OBJECT",
  [Kind.OBJECT_TYPE_EXTENSION]: "OBJECT",
  [Kind.INTERFACE_TYPE_DEFINITION]: "INTERFACE",
  [Kind.INTERFACE_TYPE_EXTENSION]: "INTERFACE",
  [Kind.UNION_TYPE_DEFINITION]: "UNION",
  [Kind.UNION_TYPE_EXTENSION]: "UNION",
  [Kind.ENUM_TYPE_DEFINITION]: "ENUM",
  [Kind.ENUM_TYPE_EXTENSION]: "ENUM",
  [Kind.INPUT_OBJECT_TYPE_DEFINITION]: "INPUT_OBJECT",
  [Kind.INPUT_OBJECT_TYPE_EXTENSION]: "INPUT_OBJECT",
};

// deno-lint-ignore no-explicit-any
function typeDefinition(d: any, extension: boolean): GNode {
  const kind = DEFINITION_KIND[d.kind];
  const keyword = tokenIn(d, TokenKind.NAME, extension ? "extend" : keywordOf(kind))!;
  const members: unknown[] | undefined = d.fields ?? d.values;
  const body = members && members.length > 0;
  return at({
    Kind: kind,
    Description: d.description?.value ?? "",
    Name: d.name.value,
    Directives: directives(d.directives),
    Interfaces: d.interfaces?.length ? d.interfaces.map((i: NamedTypeNode) => i.name.value) : null,
    Fields: kind === "INPUT_OBJECT" ? list(d.fields, inputValue) : list(d.fields, fieldDefinition),
    Types: d.types?.length ? d.types.map((t: NamedTypeNode) => t.name.value) : null,
    EnumValues: list(d.values, (v: EnumValueDefinitionNode) =>
      at({
        Description: v.description?.value ?? "",
        Name: v.name.value,
        Directives: directives(v.directives),
        BeforeDescriptionComment: v.description ? commentsBefore(first(v)) : null,
        AfterDescriptionComment: commentsBefore(nameToken(v)),
      }, v.loc)),
    BuiltIn: false,
    BeforeDescriptionComment: !extension && d.description ? commentsBefore(first(d)) : null,
    AfterDescriptionComment: commentsBefore(keyword),
    EndOfDefinitionComment: body ? commentsBefore(d.loc?.endToken) : null,
  }, d.loc);
}

function keywordOf(kind: string): string {
  return kind === "OBJECT" ? "type" : kind === "INPUT_OBJECT" ? "input" : kind.toLowerCase();
}

/** The token of a definition's name: after its description when it has one. */
function nameToken(v: { description?: unknown; name: { loc?: { startToken: Token } } }): Token | undefined {
  return v.name.loc?.startToken;
}

function fieldDefinition(f: FieldDefinitionNode): GNode {
  return at({
    Description: f.description?.value ?? "",
    Name: f.name.value,
    Arguments: list(f.arguments, inputValue),
    DefaultValue: null,
    Type: type(f.type),
    Directives: directives(f.directives),
    BeforeDescriptionComment: f.description ? commentsBefore(first(f)) : null,
    AfterDescriptionComment: commentsBefore(nameToken(f)),
  }, f.loc);
}

function inputValue(a: InputValueDefinitionNode): GNode {
  return at({
    Description: a.description?.value ?? "",
    Name: a.name.value,
    DefaultValue: a.defaultValue ? value(a.defaultValue) : null,
    Type: type(a.type),
    Directives: directives(a.directives),
    BeforeDescriptionComment: a.description ? commentsBefore(first(a)) : null,
    AfterDescriptionComment: commentsBefore(nameToken(a)),
  }, a.loc);
}
