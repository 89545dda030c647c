/**
 * Bodies and their expressions: `not`, `some`, `every`, `:=`/`=`, `with` (GRAMMAR.md, "Bodies").
 */
import type {
  Body,
  CallTerm,
  Every,
  Expr,
  SomeDecl,
  SomeIn,
  Term,
  TermExpr,
  VarTerm,
  WithModifier,
} from "../ast.ts";
import type { Token } from "./lexer.ts";
import { call, parseInfix, parseTerm } from "./parse_term.ts";
import type { ParserState } from "./parser_state.ts";

/** block: `{ body }`; returns the body and consumes both braces. */
export function parseBlock(st: ParserState): Body {
  const open = st.expectPunct("{");
  const body = parseBodyUntil(st, "}", open);
  st.next();
  return body;
}

/**
 * body: literals separated by `;` or line breaks, up to `close` (`}`, `]`, or "" for end of
 * file). Leaves the cursor on `close`.
 */
export function parseBodyUntil(st: ParserState, close: string, open?: Token): Body {
  st.enter();
  const atClose = () => close === "" ? st.tok.kind === "eof" : st.atPunct(close);
  const closeName = close === "" ? "end of file" : `\`${close}\``;
  const opened = open ? ` (opened at ${open.row}:${open.col})` : "";
  if (atClose()) st.fail(`found empty body: expected an expression before ${closeName}`);
  const body: Body = [];
  while (true) {
    if (st.tok.kind === "eof" && close !== "") {
      st.fail(`expected ${closeName} but found end of file${opened}`);
    }
    body.push(parseLiteral(st));
    if (st.accept(";")) {
      if (atClose()) break;
      continue;
    }
    if (atClose()) break;
    if (st.tok.kind === "eof") st.fail(`expected ${closeName} but found end of file${opened}`);
    if (st.tok.nl) continue;
    st.fail(`expected \`;\`, a line break or ${closeName} after an expression but found ${st.describe()}`);
  }
  st.leave();
  return body;
}

/** literal: `some …`, `every …`, or `[not] expr {with …}`. */
export function parseLiteral(st: ParserState): Expr {
  const start = st.tok;
  let negated = false;
  if (st.atKeyword("not")) {
    st.next();
    negated = true;
    if (st.atKeyword("some") || st.atKeyword("every")) {
      st.fail(`\`${st.tok.text}\` cannot be negated`);
    }
  }
  if (st.atKeyword("some")) return parseSome(st);
  if (st.atKeyword("every")) return parseEvery(st);
  const lhs = parseInfix(st, true);
  let term: Term = lhs;
  if (st.atPunct(":=") || st.atPunct("=")) {
    const op = st.next();
    const rhs = parseInfix(st, true);
    term = call(op.text === ":=" ? "assign" : "eq", [lhs, rhs], lhs.loc);
  }
  const expr: TermExpr = { kind: "term", negated, term, with: parseWiths(st), loc: st.loc(start) };
  return expr;
}

/** `some x, y` (declaration) or `some [k,] v in xs` (iteration). */
function parseSome(st: ParserState): SomeDecl | SomeIn {
  const kw = st.next();
  const loc = st.loc(kw);
  if (isSomeDecl(st)) {
    const vars: VarTerm[] = [st.varTerm(st.next())];
    while (st.accept(",")) vars.push(st.varTerm(st.next()));
    return { kind: "some", vars, loc };
  }
  const t = parseInfix(st, true);
  if (!isMembership(t)) st.fail("expected `x in xs` or `k, v in xs` after `some`", t.loc);
  const some: SomeIn = t.args.length === 3
    ? {
      kind: "somein",
      key: t.args[0],
      value: t.args[1],
      collection: t.args[2],
      negated: false,
      with: [],
      loc,
    }
    : { kind: "somein", value: t.args[0], collection: t.args[1], negated: false, with: [], loc };
  some.with = parseWiths(st);
  return some;
}

/** Lookahead: `some` followed by names separated by commas, not followed by `in` or a ref tail. */
function isSomeDecl(st: ParserState): boolean {
  let k = 0;
  const isName = (t: Token) => t.kind === "ident" && !st.keywords.has(t.text);
  while (true) {
    if (!isName(st.peek(k))) return false;
    const after = st.peek(k + 1);
    if (after.kind === "punct" && after.text === ",") {
      if (!isName(st.peek(k + 2))) return false;
      k += 2;
      continue;
    }
    if (
      after.kind === "punct" && !after.ws && (after.text === "." || after.text === "[" || after.text === "(")
    ) {
      return false;
    }
    return !st.isKeyword(after, "in");
  }
}

/** `every [k,] v in xs { body }`: key and value are variables. */
function parseEvery(st: ParserState): Every {
  const kw = st.next();
  const t = parseInfix(st, true);
  if (!isMembership(t)) st.fail("expected `x in xs` or `k, v in xs` after `every`", t.loc);
  const [key, value, domain] = t.args.length === 3 ? t.args : [undefined, t.args[0], t.args[1]];
  if (key !== undefined && key.type !== "var") st.fail("the key of `every` must be a variable", key.loc);
  if (value.type !== "var") st.fail("the value of `every` must be a variable", value.loc);
  if (!st.atPunct("{")) st.fail(`expected \`{\` (the body of \`every\`) but found ${st.describe()}`);
  const body = parseBlock(st);
  const every: Every = { kind: "every", value, domain, body, with: parseWiths(st), loc: st.loc(kw) };
  if (key !== undefined) every.key = key;
  return every;
}

/** `x in xs` or `k, v in xs` as parseInfix builds them. */
function isMembership(t: Term): t is CallTerm {
  if (t.type !== "call" || t.operator.length !== 2 || t.operator[0] !== "internal") return false;
  return (t.operator[1] === "member_2" && t.args.length === 2) ||
    (t.operator[1] === "member_3" && t.args.length === 3);
}

/** `with target as value`, repeated. */
export function parseWiths(st: ParserState): WithModifier[] {
  const withs: WithModifier[] = [];
  while (st.atKeyword("with")) {
    const kw = st.next();
    if (st.tok.kind !== "ident" || (st.isKeyword(st.tok) && !st.isKeywordRef())) {
      st.fail(`expected a ref after \`with\` but found ${st.describe()}`);
    }
    const target = parseTerm(st);
    if (target.type !== "ref" && target.type !== "var") {
      st.fail("the target of `with` must be a ref such as `input.x` or `data.p`", target.loc);
    }
    st.expectKeyword("as", " after the target of `with`");
    const value = parseInfix(st, true);
    withs.push({
      target: target.type === "ref" ? target : { type: "ref", head: target, path: [], loc: target.loc },
      value,
      loc: st.loc(kw),
    });
  }
  return withs;
}
