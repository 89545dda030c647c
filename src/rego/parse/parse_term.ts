/**
 * Terms and operators: scalars, vars, refs, calls, arrays, objects, sets, comprehensions, and the
 * infix operators by precedence (GRAMMAR.md, "Terms" and "Operators").
 *
 * Infix operators become calls to the built-ins they stand for (ast.ts, CallTerm).
 */
import type { CallTerm, Location, NumberTerm, RefTerm, Term } from "../ast.ts";
import { stripLocations } from "./ast_compare.ts";
import { parseBodyUntil } from "./parse_body.ts";
import { ParseAbort, type ParserState } from "./parser_state.ts";

interface BinaryOp {
  prec: number;
  builtin: string;
}

/** Precedence, higher binds tighter. `in` (1) is handled by parseInfix; `:=`/`=` by the body. */
const BINARY_OPS: Record<string, BinaryOp> = {
  "==": { prec: 2, builtin: "equal" },
  "!=": { prec: 2, builtin: "neq" },
  "<": { prec: 2, builtin: "lt" },
  "<=": { prec: 2, builtin: "lte" },
  ">": { prec: 2, builtin: "gt" },
  ">=": { prec: 2, builtin: "gte" },
  "|": { prec: 3, builtin: "or" },
  "&": { prec: 4, builtin: "and" },
  "+": { prec: 5, builtin: "plus" },
  "-": { prec: 5, builtin: "minus" },
  "*": { prec: 6, builtin: "mul" },
  "/": { prec: 6, builtin: "div" },
  "%": { prec: 6, builtin: "rem" },
};

const RELATION_PREC = 2;

/** The documents a bare name refers to as a whole: `input` alone is the ref `input`. */
const ROOT_DOCUMENTS = new Set(["data", "input"]);

export function call(builtin: string, args: Term[], loc: Location): CallTerm {
  return { type: "call", operator: builtin.split("."), args, loc };
}

/**
 * infix-expr: a relation-level expression, optionally `key, value in collection` (when `keyVal`),
 * followed by any number of `in collection`. `lhs`, when given, is an already parsed first term.
 */
export function parseInfix(st: ParserState, keyVal: boolean, lhs?: Term): Term {
  st.enter();
  let left = parseBinary(st, RELATION_PREC, lhs);
  if (keyVal && st.atPunct(",")) {
    // `k, v in xs`; without the `in`, the `,` is left for the caller to reject (as OPA does).
    const keyValue = st.attempt(() => {
      st.next();
      const value = parseBinary(st, RELATION_PREC);
      st.expectKeyword("in");
      return value;
    });
    if (keyValue !== undefined) {
      const collection = parseBinary(st, RELATION_PREC);
      left = call("internal.member_3", [left, keyValue, collection], left.loc);
    }
  }
  while (st.atKeyword("in")) {
    st.next();
    const collection = parseBinary(st, RELATION_PREC);
    left = call("internal.member_2", [left, collection], left.loc);
  }
  st.leave();
  return left;
}

/** Precedence climbing over BINARY_OPS; all operators are left-associative. */
function parseBinary(st: ParserState, minPrec: number, lhs?: Term): Term {
  let left = lhs ?? parseTerm(st);
  while (true) {
    const t = st.tok;
    const op = t.kind === "punct" ? BINARY_OPS[t.text] : undefined;
    if (op === undefined || op.prec < minPrec) return left;
    st.next();
    st.enter();
    const right = parseBinary(st, op.prec + 1);
    st.leave();
    left = call(op.builtin, [left, right], left.loc);
  }
}

/** term: a unary minus, a scalar, a var, a composite or a parenthesised expression, then a ref tail. */
export function parseTerm(st: ParserState): Term {
  // Memoised by position (as OPA's term cache): the grammar's few fallbacks re-read terms, and
  // without this, nested fallbacks would take exponential time.
  const key = `${st.pos}:${st.wildcards}`;
  const hit = st.termCache.get(key);
  if (hit !== undefined) {
    st.step();
    st.pos = hit.end;
    st.wildcards = hit.wildcards;
    return hit.term;
  }
  const term = parseTermUncached(st);
  st.termCache.set(key, { term, end: st.pos, wildcards: st.wildcards });
  return term;
}

function parseTermUncached(st: ParserState): Term {
  st.enter();
  const t = st.tok;
  let term: Term;
  if (t.kind === "number") {
    st.next();
    term = { type: "number", text: t.text, loc: st.loc(t) };
  } else if (t.kind === "string") {
    st.next();
    term = st.stringTerm(t.value ?? "", t);
  } else if (t.kind === "ident") {
    term = parseName(st);
  } else if (t.kind === "punct" && t.text === "-") {
    term = parseUnaryMinus(st);
  } else if (t.kind === "punct" && t.text === "[") {
    term = parseArray(st);
  } else if (t.kind === "punct" && t.text === "{") {
    term = parseBraces(st);
  } else if (t.kind === "punct" && t.text === "(") {
    st.next();
    term = parseInfix(st, true);
    st.expectPunct(")", " to close the `(` at " + `${t.row}:${t.col}`);
  } else {
    st.fail(`expected a term but found ${st.describe(t)}`);
  }
  const result = parseRefTail(st, term);
  st.leave();
  return result;
}

/**
 * `-1.5` is a number literal. As in OPA, a unary minus applies only to a number literal: `-x`,
 * `- -1` and `-(1)` are parse errors (write `0 - x`).
 */
function parseUnaryMinus(st: ParserState): Term {
  const minus = st.next();
  const t = st.tok;
  if (t.kind !== "number") {
    st.fail(`unexpected ${st.describe(t)} after unary \`-\`: expected a number literal`, t);
  }
  st.next();
  const n: NumberTerm = { type: "number", text: "-" + t.text, loc: st.loc(minus) };
  return n;
}

function parseName(st: ParserState): Term {
  const t = st.tok;
  if (st.isKeyword(t)) {
    if (t.text === "true" || t.text === "false") {
      st.next();
      return { type: "boolean", value: t.text === "true", loc: st.loc(t) };
    }
    if (t.text === "null") {
      st.next();
      return { type: "null", loc: st.loc(t) };
    }
    // `contains` is a keyword only in rule heads; elsewhere it names the built-in.
    if (!st.isKeywordRef() && t.text !== "contains") st.fail(`expected a term but found ${st.describe(t)}`);
  }
  st.next();
  // `set()` is the empty set.
  if (
    t.text === "set" && st.atPunct("(") && !st.tok.ws && st.peek().kind === "punct" && st.peek().text === ")"
  ) {
    st.next();
    st.next();
    return { type: "set", items: [], loc: st.loc(t) };
  }
  return st.varTerm(t);
}

/** ref-tail: `.name`, `[term]` and `(args)` directly after a term, without whitespace. */
function parseRefTail(st: ParserState, head: Term): Term {
  let cur = head;
  let path: Term[] = [];
  while (st.tok.kind === "punct" && !st.tok.ws) {
    const t = st.tok;
    if (t.text === ".") {
      st.next();
      const name = st.tok;
      if (name.kind !== "ident" || name.ws) {
        st.fail(`expected a name after \`.\` but found ${st.describe(name)}`);
      }
      st.next();
      path.push(st.stringTerm(name.text, name));
    } else if (t.text === "[") {
      st.next();
      path.push(parseInfix(st, true));
      st.expectPunct("]", ` to close the \`[\` at ${t.row}:${t.col}`);
    } else if (t.text === "(") {
      const operator = functionName(st, cur, path);
      st.next();
      const args = parseTermList(st, ")", t);
      cur = { type: "call", operator, args, loc: cur.loc };
      path = [];
    } else {
      break;
    }
  }
  return makeRef(st, cur, path);
}

/** A call's operator: a name and a dotted path of names (`data.lib.f`, `strings.replace_n`). */
function functionName(st: ParserState, head: Term, path: Term[]): string[] {
  const names: string[] = [];
  if (head.type === "var" && !head.name.startsWith("$")) {
    names.push(head.name);
  } else if (head.type === "ref" && head.head.type === "var" && head.path.length === 0) {
    names.push(head.head.name); // a bare root document, `input(…)`: the checker rejects it
  } else {
    st.fail(`expected a function name before \`(\` but found a ${head.type} term`, head.loc);
  }
  for (const p of path) {
    if (p.type !== "string") st.fail("a function name may contain only names (`a.b.f`)", p.loc);
    names.push(p.value);
  }
  return names;
}

function makeRef(st: ParserState, head: Term, path: Term[]): Term {
  if (path.length === 0) {
    if (head.type === "var" && ROOT_DOCUMENTS.has(head.name)) {
      return { type: "ref", head, path: [], loc: head.loc };
    }
    return head;
  }
  if (head.type === "ref") {
    return { type: "ref", head: head.head, path: [...head.path, ...path], loc: head.loc };
  }
  switch (head.type) {
    case "var":
    case "array":
    case "object":
    case "set":
    case "arraycompr":
    case "setcompr":
    case "objectcompr":
    case "call":
      return { type: "ref", head, path, loc: head.loc } satisfies RefTerm;
    default:
      st.fail(`a ${head.type} cannot be indexed: a ref must start with a name or a collection`, head.loc);
  }
}

/** term-list: infix expressions separated by `,` up to `close` (a trailing `,` is allowed). */
export function parseTermList(st: ParserState, close: string, open: { row: number; col: number }): Term[] {
  const items: Term[] = [];
  while (!st.atPunct(close)) {
    items.push(parseInfix(st, false));
    if (!st.accept(",")) break;
  }
  closeWith(st, close, open);
  return items;
}

function closeWith(st: ParserState, close: string, open: { row: number; col: number }): void {
  if (st.atPunct(close)) {
    st.next();
    return;
  }
  const what = st.tok.kind === "eof" ? "" : "`,` or ";
  st.fail(`expected ${what}\`${close}\` but found ${st.describe()} (opened at ${open.row}:${open.col})`);
}

/** array: `[ ]`, `[ term-list ]` or the comprehension `[ term | body ]`. */
function parseArray(st: ParserState): Term {
  const open = st.next();
  const loc = st.loc(open);
  if (st.accept("]")) return { type: "array", items: [], loc };
  const afterOpen = st.save();
  const first = parseTerm(st);
  if (st.atPunct("|")) {
    try {
      st.next();
      const body = parseBodyUntil(st, "]", open);
      st.next();
      return { type: "arraycompr", term: first, body, loc };
    } catch (e) {
      // As OPA: `[x | y, 5]` is an array when the comprehension body fails at a `,`.
      if (!(e instanceof ParseAbort) || st.exhausted || !st.atPunct(",")) throw e;
    }
    st.restore(afterOpen);
    return { type: "array", items: parseTermList(st, "]", open), loc };
  }
  const items = [parseInfix(st, false, first)];
  if (st.accept(",")) items.push(...parseTermList(st, "]", open));
  else closeWith(st, "]", open);
  return { type: "array", items, loc };
}

/** `{}` (empty object), objects, sets and set/object comprehensions. */
function parseBraces(st: ParserState): Term {
  const open = st.next();
  const loc = st.loc(open);
  if (st.accept("}")) return { type: "object", items: [], loc };
  const first = parseTerm(st);
  if (st.atPunct("|")) {
    st.next();
    const body = parseBodyUntil(st, "}", open);
    st.next();
    return { type: "setcompr", term: first, body, loc };
  }
  const key = parseInfix(st, false, first);
  if (!st.accept(":")) {
    const items = [key];
    if (st.accept(",")) items.push(...parseTermList(st, "}", open));
    else closeWith(st, "}", open);
    return { type: "set", items, loc };
  }
  const firstValue = parseTerm(st);
  if (st.atPunct("|")) {
    st.next();
    const body = parseBodyUntil(st, "}", open);
    st.next();
    return { type: "objectcompr", key, value: firstValue, body, loc };
  }
  const items: [Term, Term][] = [[key, parseInfix(st, false, firstValue)]];
  const keys = new LiteralKeys();
  keys.add(key, 0);
  while (st.accept(",")) {
    if (st.atPunct("}")) break;
    const k = parseInfix(st, false);
    st.expectPunct(":", " after an object key");
    const v = parseInfix(st, false);
    // As OPA's parser: a key written twice keeps its place and takes the later value; the earlier
    // value is never evaluated (`{0: undefined_ref, 0: 1}` is `{0: 1}`).
    const same = keys.find(k);
    if (same !== undefined) items[same] = [items[same][0], v];
    else {
      keys.add(k, items.length);
      items.push([k, v]);
    }
  }
  closeWith(st, "}", open);
  return { type: "object", items, loc };
}

/**
 * The keys written so far in one object literal, found as OPA's object (a hash table) finds a key:
 * a variable by its name, a composite by what is written, a number as Number.Equal compares it.
 * A key that is a 64-bit integer matches only an integer (`{1.0: "a", 1: "b"}` has two keys); any
 * other number matches the latest key of equal value, integer or not (`{0: "a", 0.0: "b"}` has one),
 * and one beyond a double's range only the same text. The runtime keeps collections the same way
 * (sameMember in runtime/assembly/number.ts).
 */
class LiteralKeys {
  readonly #written = new Map<string, number>();
  readonly #integers = new Map<bigint, number>();
  readonly #values = new Map<string, number>();

  find(t: Term): number | undefined {
    if (t.type !== "number") return this.#written.get(JSON.stringify(stripLocations(t)));
    const n = int64(t.text);
    if (n !== undefined) return this.#integers.get(n);
    if (!Number.isFinite(Number(t.text))) return this.#written.get(`number:${t.text}`);
    return this.#values.get(decimalKey(t.text));
  }

  add(t: Term, index: number): void {
    if (t.type !== "number") {
      this.#written.set(JSON.stringify(stripLocations(t)), index);
      return;
    }
    const n = int64(t.text);
    if (n !== undefined) this.#integers.set(n, index);
    if (Number.isFinite(Number(t.text))) this.#values.set(decimalKey(t.text), index);
    else this.#written.set(`number:${t.text}`, index);
  }
}

/** The value of number text that is a 64-bit integer (no point, no exponent). */
function int64(text: string): bigint | undefined {
  if (!/^-?[0-9]+$/.test(text)) return undefined;
  const n = BigInt(text);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

/** A number's exact value as sign, significant digits and exponent (`1.50e1` and `15` alike). */
function decimalKey(text: string): string {
  const m = /^(-?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/.exec(text);
  if (m === null) return text;
  const [, sign, whole, frac = "", exp = "0"] = m;
  const digits = (whole + frac).replace(/^0+/, "");
  if (digits === "") return "0";
  const significant = digits.replace(/0+$/, "");
  const e = BigInt(exp) - BigInt(frac.length) + BigInt(digits.length - significant.length);
  return `${sign}${significant}e${e}`;
}
