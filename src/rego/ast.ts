/**
 * The Rego abstract syntax tree: plain, JSON-serialisable data.
 *
 * The parser writes it, the checks read and rewrite it (safety reordering), the planner lowers it
 * to IR. It mirrors OPA's AST (v1/ast): infix operators are calls to the built-in they stand for
 * (`a + b` is `plus(a, b)`, `x := y` is `assign(x, y)`, `x = y` is `eq(x, y)`, `x in xs` is
 * `internal.member_2(x, xs)`), so every later stage sees one shape for all of them.
 */
import type { Location } from "./diagnostics.ts";
export type { Location };

// ---------------------------------------------------------------------------------------------
// Terms

export interface NullTerm {
  type: "null";
  loc: Location;
}
export interface BooleanTerm {
  type: "boolean";
  value: boolean;
  loc: Location;
}
/** A number keeps its source text (`1e3`, `0.10`, `-7`) so that no precision is lost in parsing. */
export interface NumberTerm {
  type: "number";
  text: string;
  loc: Location;
}
export interface StringTerm {
  type: "string";
  value: string;
  loc: Location;
}
/**
 * A variable. The wildcard `_` is given a unique name by the parser: `$_0`, `$_1`, … (names
 * starting with `$` cannot be written by users, so later stages may also mint `$…` names).
 */
export interface VarTerm {
  type: "var";
  name: string;
  loc: Location;
}
/**
 * A reference: a head term followed by path elements. `input.a[x]["b"]` is head `input` (a var)
 * with path [string "a", var x, string "b"]. The head is a var for ordinary refs; it may also be
 * an array, object, set, comprehension or call term (`[1,2][i]`, `f(x).y`).
 */
export interface RefTerm {
  type: "ref";
  head: Term;
  path: Term[];
  loc: Location;
}
export interface ArrayTerm {
  type: "array";
  items: Term[];
  loc: Location;
}
export interface ObjectTerm {
  type: "object";
  items: [Term, Term][];
  loc: Location;
}
/** `{1, 2}`; the empty set is written `set()` and parses to a SetTerm with no items. */
export interface SetTerm {
  type: "set";
  items: Term[];
  loc: Location;
}
export interface ArrayComprehension {
  type: "arraycompr";
  term: Term;
  body: Body;
  loc: Location;
}
export interface SetComprehension {
  type: "setcompr";
  term: Term;
  body: Body;
  loc: Location;
}
export interface ObjectComprehension {
  type: "objectcompr";
  key: Term;
  value: Term;
  body: Body;
  loc: Location;
}
/**
 * A call. `operator` is the function's name as written, split on dots: `["count"]`,
 * `["strings", "replace_n"]`, `["data", "lib", "f"]`, `["f"]` (a function in the same package),
 * or an imported alias. Infix operators become calls to their built-in names: `plus`, `minus`,
 * `mul`, `div`, `rem`, `and` (&), `or` (|), `equal` (==), `neq` (!=), `lt`, `lte`, `gt`, `gte`,
 * `assign` (:=), `eq` (=), `internal.member_2` (x in xs), `internal.member_3` (k, v in xs).
 * Unary minus applies only to number literals (`-1`); `-x` is a parse error, as in OPA.
 */
export interface CallTerm {
  type: "call";
  operator: string[];
  args: Term[];
  loc: Location;
}

export type Term =
  | NullTerm
  | BooleanTerm
  | NumberTerm
  | StringTerm
  | VarTerm
  | RefTerm
  | ArrayTerm
  | ObjectTerm
  | SetTerm
  | ArrayComprehension
  | SetComprehension
  | ObjectComprehension
  | CallTerm;

// ---------------------------------------------------------------------------------------------
// Expressions and bodies

export interface WithModifier {
  /** What is replaced: a ref rooted at `input` or `data`, or a function name (as a ref). */
  target: RefTerm;
  value: Term;
  /**
   * Set by the checks when the target is a function or built-in and `value` names a function
   * that replaces it: a user function's full path (["data", "pkg", "f"]) or a built-in's name
   * (["count"], ["object", "union_n"]). `value` is then a name, not a term to evaluate.
   */
  replacement?: string[];
  loc: Location;
}

/**
 * A term expression. `term` is usually a call (`x := 1`, `count(xs) > 2`, `f(x)`); a bare
 * term (`input.admin`, `true`, `x`) succeeds when it is defined and not `false`.
 */
export interface TermExpr {
  kind: "term";
  negated: boolean;
  term: Term;
  with: WithModifier[];
  loc: Location;
}

/** `some x, y` — declares local variables. */
export interface SomeDecl {
  kind: "some";
  vars: VarTerm[];
  loc: Location;
}

/** `some v in xs` / `some k, v in xs` — key and value may be any terms (patterns). */
export interface SomeIn {
  kind: "somein";
  key?: Term;
  value: Term;
  collection: Term;
  negated: false;
  with: WithModifier[];
  loc: Location;
}

/** `every v in xs { body }` / `every k, v in xs { body }` — key and value are variables. */
export interface Every {
  kind: "every";
  key?: VarTerm;
  value: VarTerm;
  domain: Term;
  body: Body;
  with: WithModifier[];
  loc: Location;
}

export type Expr = TermExpr | SomeDecl | SomeIn | Every;

export type Body = Expr[];

// ---------------------------------------------------------------------------------------------
// Rules and modules

/**
 * The head of a rule.
 *
 * - `ref` is the rule's path below the package: `p` is [string "p"], `a.b[c]` is
 *   [string "a", string "b", var c]. The first element is always a string term.
 * - Complete rule `p := 1` / `p = 1` / `p if …`: ref [p], value (true when omitted), no key.
 * - Partial set `p contains x` (and v0 `p[x] { … }` with no value): ref [p], key x, no value.
 * - Partial object / ref head `p[k] := v`, `a.b[c] = v`: the ref keeps its last element (var or
 *   term); value v. The planner treats a ref whose last element is not a string as a multi-value
 *   object rule.
 * - Function `f(x, y) := v`: args set; value (true when omitted).
 */
export interface RuleHead {
  ref: Term[];
  key?: Term;
  value?: Term;
  args?: Term[];
  /** `:=` was used (as opposed to `=` or nothing). */
  assign: boolean;
  loc: Location;
}

/** One `else` branch: `else := v if { … }`. A missing value means `true`. */
export interface ElseBranch {
  value?: Term;
  body: Body;
  loc: Location;
}

export interface Rule {
  head: RuleHead;
  /** An empty body means the rule always holds (`p := 1`). */
  body: Body;
  elses: ElseBranch[];
  default: boolean;
  loc: Location;
}

export interface Import {
  /** The imported ref: `data.lib.x`, `input.user`, `future.keywords.in`, `rego.v1`. */
  path: RefTerm;
  alias?: string;
  loc: Location;
}

export interface Module {
  file: string;
  /** 0 for Rego v0 (with future keywords if imported), 1 for Rego v1. */
  regoVersion: 0 | 1;
  /** The package path without `data`: `package a.b` is ["a", "b"]. */
  package: string[];
  packageLoc: Location;
  imports: Import[];
  rules: Rule[];
  /** `# METADATA` blocks (parse/annotations.ts), each with the row of the statement it annotates. */
  annotations?: Annotation[];
}

/**
 * A METADATA block: its scope, the row of the package or rule it annotates, and its content in
 * OPA's JSON form (`scope`, `title`, `description`, `custom`, `authors` as {name, email}, …).
 */
export interface Annotation {
  scope: "rule" | "document" | "package" | "subpackages";
  /** Row of the annotated statement (the package keyword or the rule's start). */
  target: number;
  value: Record<string, unknown>;
  loc: Location;
}

/** The kind of rule a head defines; derived, not stored. */
export type RuleKind = "complete" | "partialSet" | "partialObject" | "function";

export function ruleKind(head: RuleHead): RuleKind {
  if (head.args !== undefined) return "function";
  // A computed key anywhere in the ref (`p[k] := v`, `a[x].b := v`, `a[x][y] contains z`): the
  // rule builds an object from its solutions.
  if (head.ref.slice(1).some((t) => t.type !== "string")) return "partialObject";
  if (head.key !== undefined && head.value === undefined) return "partialSet";
  return "complete";
}
