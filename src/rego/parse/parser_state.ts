/**
 * The parser's cursor over the token list, and its error handling.
 *
 * A syntax error is recorded as a diagnostic and then aborts the current statement by throwing
 * ParseAbort, which the statement loop (parse_module.ts) catches to resynchronise. ParseAbort
 * never leaves the parser. Nesting depth and the number of steps are bounded so that no input
 * recurses without bound or runs for long.
 */
import type { Location, StringTerm, Term, VarTerm } from "../ast.ts";
import { type Diagnostic, diagnostic, MAX_ERRORS } from "../diagnostics.ts";
import type { KeywordSet } from "./keywords.ts";
import { LITERAL_KEYWORDS } from "./keywords.ts";
import type { Token } from "./lexer.ts";

/** Deeper nesting than this (brackets, bodies, unary minus) is a parse error. */
export const MAX_DEPTH = 500;

/** Thrown after a syntax error was recorded; caught by the statement loop. */
export class ParseAbort extends Error {
  constructor() {
    super("parse aborted");
    this.name = "ParseAbort";
  }
}

export interface Snapshot {
  pos: number;
  diagnostics: number;
  wildcards: number;
  depth: number;
}

export class ParserState {
  pos = 0;
  depth = 0;
  steps = 0;
  wildcards = 0;
  /** Terms parsed, by `pos:wildcards` at their start (parse_term.ts). */
  readonly termCache = new Map<string, { term: Term; end: number; wildcards: number }>();
  /** Set once the step budget is spent: the statement loop then stops. */
  exhausted = false;
  readonly stepLimit: number;

  constructor(
    readonly tokens: Token[],
    readonly file: string,
    readonly diagnostics: Diagnostic[],
    public keywords: KeywordSet,
    public regoVersion: 0 | 1,
  ) {
    this.stepLimit = 200 * tokens.length + 10_000;
  }

  /** For the two places the grammar needs to try one reading and fall back to another. */
  save(): Snapshot {
    return {
      pos: this.pos,
      diagnostics: this.diagnostics.length,
      wildcards: this.wildcards,
      depth: this.depth,
    };
  }

  restore(s: Snapshot): void {
    this.pos = s.pos;
    this.diagnostics.length = s.diagnostics;
    this.wildcards = s.wildcards;
    this.depth = s.depth;
  }

  /** Runs `f`; on a syntax error, rolls back to before it and returns undefined. */
  attempt<T>(f: () => T): T | undefined {
    const s = this.save();
    try {
      return f();
    } catch (e) {
      if (!(e instanceof ParseAbort) || this.exhausted) throw e;
      this.restore(s);
      return undefined;
    }
  }

  get tok(): Token {
    return this.tokens[this.pos];
  }

  peek(k = 1): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)];
  }

  next(): Token {
    const t = this.tokens[this.pos];
    if (this.pos < this.tokens.length - 1) this.pos++;
    this.step();
    return t;
  }

  step(): void {
    if (++this.steps > this.stepLimit) {
      this.exhausted = true;
      this.fail("parser step limit exceeded");
    }
  }

  loc(t: Token = this.tok): Location {
    return { file: this.file, row: t.row, col: t.col };
  }

  isKeyword(t: Token, word?: string): boolean {
    return t.kind === "ident" && this.keywords.has(t.text) && (word === undefined || t.text === word);
  }

  /**
   * A keyword directly followed by `.` or `[` starts a ref (`input.package` is fine, and so is
   * `import.x` at the start of an expression), as OPA's keywords-in-refs allow.
   */
  isKeywordRef(t: Token = this.tok, after: Token = this.peek()): boolean {
    return this.isKeyword(t) && !LITERAL_KEYWORDS.includes(t.text) && after.kind === "punct" &&
      (after.text === "." || after.text === "[") && !after.ws;
  }

  atKeyword(word: string): boolean {
    return this.isKeyword(this.tok, word) && !this.isKeywordRef();
  }

  atEof(): boolean {
    return this.tok.kind === "eof";
  }

  atPunct(p: string): boolean {
    return this.tok.kind === "punct" && this.tok.text === p;
  }

  /** An identifier that is not a keyword here. */
  atName(): boolean {
    return this.tok.kind === "ident" && !this.keywords.has(this.tok.text);
  }

  accept(p: string): boolean {
    if (!this.atPunct(p)) return false;
    this.next();
    return true;
  }

  expectPunct(p: string, context = ""): Token {
    if (!this.atPunct(p)) this.fail(`expected \`${p}\`${context} but found ${this.describe()}`);
    return this.next();
  }

  expectKeyword(word: string, context = ""): Token {
    if (!this.atKeyword(word)) this.fail(`expected \`${word}\`${context} but found ${this.describe()}`);
    return this.next();
  }

  /** How a token is named in messages; keywords and identifiers are told apart. */
  describe(t: Token = this.tok): string {
    if (t.kind === "ident") return `${this.keywords.has(t.text) ? "keyword" : "identifier"} \`${t.text}\``;
    return describeToken(t);
  }

  /** Records a non-fatal error. */
  report(message: string, loc: Location): void {
    if (this.diagnostics.length < MAX_ERRORS) {
      this.diagnostics.push(diagnostic("rego_parse_error", message, loc));
    }
  }

  /** Records an error at `at` (default: the current token) and aborts the statement. */
  fail(message: string, at: Token | Location = this.tok): never {
    // A lexical error was reported by the lexer already.
    const isToken = "kind" in at;
    if (!(isToken && at.kind === "error")) {
      this.report(message, isToken ? this.loc(at) : at);
    }
    throw new ParseAbort();
  }

  enter(): void {
    this.step();
    if (++this.depth > MAX_DEPTH) {
      this.fail(`nesting too deep: more than ${MAX_DEPTH} levels`);
    }
  }

  leave(): void {
    this.depth--;
  }

  /** A fresh name for the wildcard `_`: `$_0`, `$_1`, … in source order. */
  wildcard(loc: Location): VarTerm {
    return { type: "var", name: `$_${this.wildcards++}`, loc };
  }

  varTerm(t: Token): VarTerm {
    return t.text === "_" ? this.wildcard(this.loc(t)) : { type: "var", name: t.text, loc: this.loc(t) };
  }

  stringTerm(value: string, t: Token): StringTerm {
    return { type: "string", value, loc: this.loc(t) };
  }
}

/** How a token is named in error messages: "`}`", "end of file", "number `1`", … */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case "eof":
      return "end of file";
    case "punct":
      return `\`${t.text}\``;
    case "number":
      return `number \`${t.text}\``;
    case "string":
      return `string ${t.text.length > 20 ? t.text.slice(0, 17) + "…" : t.text}`;
    case "error":
      return `\`${t.text}\``;
    case "ident":
      return `\`${t.text}\``;
  }
}
