/**
 * Rules: heads, bodies, `else` chains, `default` rules and v0 chained bodies (GRAMMAR.md,
 * "Rules"). Heads follow ast.ts (RuleHead): a value left out means `true`, except for partial
 * sets, which have a key and no value.
 */
import type { Body, BooleanTerm, ElseBranch, Location, Rule, RuleHead, Term } from "../ast.ts";
import { parseBlock, parseLiteral } from "./parse_body.ts";
import { parseInfix, parseTermList } from "./parse_term.ts";
import type { ParserState } from "./parser_state.ts";

interface ParsedHead extends RuleHead {
  /** `contains` was written. */
  contains: boolean;
}

/** rule: `[default] head [rule-body] {else} {block}`; v0 chained blocks give several rules. */
export function parseRules(st: ParserState): Rule[] {
  const start = st.tok;
  const loc = st.loc(start);
  const isDefault = st.atKeyword("default");
  if (isDefault) st.next();
  const head = parseHead(st);
  if (isDefault) return [defaultRule(st, head, loc)];

  const bodyStart = st.tok;
  const { body, hasBody, hasIf } = parseRuleBody(st);
  const ruleHead = classify(st, head, hasBody, hasIf, bodyStart);
  // As OPA: `else` follows a body only (`p := 1 else := 2` is a parse error).
  if (!hasBody && st.atKeyword("else")) st.fail("unexpected else keyword");
  const elses = parseElses(st, ruleHead);
  const rules: Rule[] = [{ head: ruleHead, body, elses, default: false, loc }];

  // v0: `p { a } { b }` defines p twice.
  while (hasBody && st.atPunct("{")) {
    if (elses.length > 0) st.fail("expected `else` but found `{`");
    const chainedLoc = st.loc();
    const copy = copyHead(st, ruleHead, chainedLoc);
    rules.push({ head: copy, body: parseBlock(st), elses: [], default: false, loc: chainedLoc });
  }
  return rules;
}

/** head: name { `.name` | `[term]` } [`(` args `)`] [`contains` term | (`=`|`:=`) term] */
function parseHead(st: ParserState): ParsedHead {
  const nameTok = st.tok;
  if (nameTok.kind !== "ident" || (st.isKeyword(nameTok) && !st.isKeywordRef())) {
    st.fail(`expected a rule name but found ${st.describe()}`);
  }
  st.next();
  const head: ParsedHead = {
    ref: [st.stringTerm(nameTok.text, nameTok)],
    assign: false,
    loc: st.loc(nameTok),
    contains: false,
  };
  // Whitespace may separate the name from what follows (`sum (a, b) := …`), as in OPA.
  let first = true;
  while (st.tok.kind === "punct" && (first || !st.tok.ws) && head.args === undefined) {
    first = false;
    const t = st.tok;
    if (t.text === ".") {
      st.next();
      const name = st.tok;
      if (name.kind !== "ident" || name.ws) st.fail(`expected a name after \`.\` but found ${st.describe()}`);
      st.next();
      head.ref.push(st.stringTerm(name.text, name));
    } else if (t.text === "[") {
      st.next();
      head.ref.push(parseInfix(st, true));
      st.expectPunct("]", ` to close the \`[\` at ${t.row}:${t.col}`);
    } else if (t.text === "(") {
      st.next();
      head.args = parseTermList(st, ")", t);
    } else {
      break;
    }
  }
  if (st.atKeyword("contains")) {
    if (head.args !== undefined) st.fail("`contains` cannot be used in a function head");
    st.next();
    head.contains = true;
    head.key = parseInfix(st, true);
  } else if (st.atPunct(":=") || st.atPunct("=")) {
    head.assign = st.next().text === ":=";
    head.value = parseInfix(st, true);
  }
  return head;
}

/** rule-body: `if` (block | literal) | block (v0) | nothing. */
function parseRuleBody(st: ParserState): { body: Body; hasBody: boolean; hasIf: boolean } {
  if (st.atKeyword("if")) {
    st.next();
    const literalStart = st.save();
    if (st.atPunct("{")) {
      // As OPA: `if {…}` is first read as one expression (`p if { 1: 2 | … }` is an object
      // comprehension), unless that fails or is a set literal: then it is a block.
      const literal = st.attempt(() => parseLiteral(st));
      if (literal !== undefined && !(literal.kind === "term" && literal.term.type === "set")) {
        return { body: [literal], hasBody: true, hasIf: true };
      }
      if (literal !== undefined) st.restore(literalStart);
      return { body: parseBlock(st), hasBody: true, hasIf: true };
    }
    if (st.tok.kind === "eof") st.fail("expected a rule body after `if` but found end of file");
    return { body: [parseLiteral(st)], hasBody: true, hasIf: true };
  }
  if (st.atPunct("{")) {
    if (st.regoVersion === 1) st.report("`if` keyword is required before rule body", st.loc());
    return { body: parseBlock(st), hasBody: true, hasIf: false };
  }
  return { body: [], hasBody: false, hasIf: false };
}

function trueAt(loc: Location): BooleanTerm {
  return { type: "boolean", value: true, loc };
}

/** Decides the rule kind from the head's shape (ast.ts, RuleHead) and fills in the value. */
function classify(
  st: ParserState,
  parsed: ParsedHead,
  hasBody: boolean,
  hasIf: boolean,
  bodyStart: typeof st.tok,
): RuleHead {
  const { contains: _contains, ...head } = parsed;
  if (head.key !== undefined || head.args !== undefined || head.value !== undefined) {
    if (head.key === undefined) head.value ??= trueAt(head.loc);
    return head;
  }
  if (head.ref.length === 2 && !hasIf) {
    // v0 partial set: `p[x] { … }` or a bare `p[x]`.
    if (st.regoVersion === 1 && !hasBody) {
      st.report("`contains` keyword is required for partial set rules", head.loc);
    }
    return { ref: [head.ref[0]], key: head.ref[1], assign: false, loc: head.loc };
  }
  if (head.ref.length === 1 && !hasBody) {
    st.fail(
      `expected \`:=\`, \`=\`, \`if\` or \`{\` after the rule name \`${nameOf(head.ref[0])}\` but found ${
        st.describe(bodyStart)
      }`,
      bodyStart,
    );
  }
  if (st.regoVersion === 1 && !hasBody) {
    // `p.a.b` alone: v0 reads it as `p.a.b = true`; v1 wants a value or a body (as OPA).
    st.report("rule must have value assignment and/or body declaration", head.loc);
  }
  head.value = trueAt(head.loc);
  return head;
}

function nameOf(t: Term): string {
  return t.type === "string" ? t.value : t.type;
}

/** `else [= value] [if] (block | literal)`, repeated. */
function parseElses(st: ParserState, head: RuleHead): ElseBranch[] {
  const elses: ElseBranch[] = [];
  while (st.atKeyword("else")) {
    const kw = st.tok;
    if (head.key !== undefined && head.value === undefined) {
      st.fail("`else` cannot be used on multi-value (partial set) rules");
    }
    if (head.ref.length > 1 && head.ref.slice(1).some((t) => t.type !== "string")) {
      st.fail("`else` cannot be used on rules with variables in the head");
    }
    st.next();
    let value: Term = trueAt(st.loc(kw));
    if (st.atPunct(":=") || st.atPunct("=")) {
      st.next();
      value = parseInfix(st, true);
    }
    const { body, hasBody } = parseRuleBody(st);
    elses.push({ value, body, loc: st.loc(kw) });
    if (!hasBody && st.atKeyword("else")) st.fail("unexpected else keyword");
  }
  return elses;
}

/** `default head := value`: no body, and a value without vars, refs or calls. */
function defaultRule(st: ParserState, parsed: ParsedHead, loc: Location): Rule {
  const { contains, ...head } = parsed;
  if (contains) st.fail("`default` cannot be used with `contains`", loc);
  if (head.value === undefined) st.fail("illegal default rule (must have a value)", loc);
  if (st.atKeyword("if") || st.atPunct("{")) st.fail("a default rule cannot have a body");
  const bad = forbiddenInDefault(head.value);
  if (bad !== undefined) st.report(`illegal default rule (value cannot contain ${bad})`, loc);
  for (const arg of head.args ?? []) {
    if (arg.type !== "var") {
      st.report(`illegal default rule (arguments must be variables, not ${arg.type})`, loc);
    }
  }
  return { head, body: [], elses: [], default: true, loc };
}

function forbiddenInDefault(t: Term): string | undefined {
  switch (t.type) {
    case "var":
    case "ref":
    case "call":
      return t.type;
    case "array":
    case "set":
      for (const item of t.items) {
        const bad = forbiddenInDefault(item);
        if (bad) return bad;
      }
      return undefined;
    case "object":
      for (const [k, v] of t.items) {
        const bad = forbiddenInDefault(k) ?? forbiddenInDefault(v);
        if (bad) return bad;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** A chained rule's head: the same head, at the chained body, with fresh wildcards. */
function copyHead(st: ParserState, head: RuleHead, loc: Location): RuleHead {
  const copy = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(copy);
    if (x === null || typeof x !== "object") return x;
    const o = x as Record<string, unknown>;
    if (o.type === "var" && typeof o.name === "string" && o.name.startsWith("$_")) return st.wildcard(loc);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = k === "loc" ? loc : copy(v);
    return out;
  };
  return copy(head) as RuleHead;
}
