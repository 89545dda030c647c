/**
 * The lexer: Rego source text → tokens with locations.
 *
 * Whitespace and comments are not tokens; each token records instead whether whitespace (`ws`)
 * or a line break (`nl`) came before it, because the grammar cares: a ref continues only when
 * `.`, `[` or `(` follows without whitespace, and a line break separates body expressions.
 * Keywords are lexed as identifiers; which words are keywords depends on the Rego version and on
 * imports, so the parser decides (keywords.ts).
 *
 * Lexical errors (unterminated string, bad escape, stray character, bad number) are reported as
 * diagnostics here; the offending token is an `error` token that the parser stops at silently.
 */
import { type Diagnostic, diagnostic, type Location } from "../diagnostics.ts";

export type TokenKind = "ident" | "number" | "string" | "punct" | "eof" | "error";

export interface Token {
  kind: TokenKind;
  /** The source text: the name, the operator, the number as written, the quoted string. */
  text: string;
  /** For strings (quoted or raw): the decoded value. */
  value?: string;
  row: number;
  col: number;
  /** Whitespace or a comment came between the previous token and this one. */
  ws: boolean;
  /** A line break came between the previous token and this one (true for the first token). */
  nl: boolean;
}

/** Two-character operators (tried first, so that `:=` wins over `:`) and one-character ones. */
const PUNCT2 = new Set([":=", "==", "!=", "<=", ">="]);
const PUNCT1 = new Set([
  "{",
  "}",
  "[",
  "]",
  "(",
  ")",
  ".",
  ",",
  ";",
  ":",
  "=",
  "<",
  ">",
  "+",
  "-",
  "*",
  "/",
  "%",
  "&",
  "|",
]);

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

function isIdentStart(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" ||
    (c > "\x7f" && /\p{L}/u.test(c));
}

function isIdentPart(c: string): boolean {
  return isIdentStart(c) || isDigit(c);
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

/** A `#` comment: where it starts, and its text after the `#`. */
export interface Comment {
  row: number;
  col: number;
  text: string;
}

/** Tokenises `text`; always ends with an `eof` token. Comments are returned apart (METADATA blocks). */
export function tokenize(
  text: string,
  file: string,
): { tokens: Token[]; diagnostics: Diagnostic[]; comments: Comment[] } {
  const cps = Array.from(text);
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  const diagnostics: Diagnostic[] = [];
  let i = 0;
  let row = 1;
  let col = 1;
  let ws = false;
  let nl = true;

  const loc = (r: number, c: number): Location => ({ file, row: r, col: c });
  const advance = (): string => {
    const c = cps[i++];
    if (c === "\n") {
      row++;
      col = 1;
    } else {
      col++;
    }
    return c;
  };
  const push = (kind: TokenKind, text: string, r: number, c: number, value?: string) => {
    const tok: Token = { kind, text, row: r, col: c, ws, nl };
    if (value !== undefined) tok.value = value;
    tokens.push(tok);
    ws = false;
    nl = false;
  };
  const error = (message: string, r: number, c: number) => {
    diagnostics.push(diagnostic("rego_parse_error", message, loc(r, c)));
  };

  while (i < cps.length) {
    const c = cps[i];
    const r0 = row;
    const c0 = col;
    if (c === "\n") {
      advance();
      ws = true;
      nl = true;
    } else if (c === " " || c === "\t" || c === "\r" || c === "\ufeff") {
      advance();
      ws = true;
    } else if (c === "#") {
      let comment = "";
      advance();
      while (i < cps.length && cps[i] !== "\n") comment += advance();
      comments.push({ row: r0, col: c0, text: comment.replace(/\r$/, "") });
      ws = true;
    } else if (isIdentStart(c)) {
      let name = "";
      while (i < cps.length && isIdentPart(cps[i])) name += advance();
      push("ident", name, r0, c0);
    } else if (isDigit(c)) {
      lexNumber(r0, c0);
    } else if (c === '"') {
      lexString(r0, c0);
    } else if (c === "`") {
      lexRawString(r0, c0);
    } else {
      const two = c + (cps[i + 1] ?? "");
      const p = PUNCT2.has(two) ? two : PUNCT1.has(c) ? c : undefined;
      if (p !== undefined) {
        for (let k = 0; k < p.length; k++) advance();
        push("punct", p, r0, c0);
      } else {
        advance();
        error(`unexpected character ${JSON.stringify(c)}`, r0, c0);
        push("error", c, r0, c0);
      }
    }
  }
  push("eof", "", row, col);
  return { tokens, diagnostics, comments };

  /** JSON number grammar without the sign (a leading `-` is an operator token). */
  function lexNumber(r0: number, c0: number) {
    let s = "";
    while (isDigit(cps[i])) s += advance();
    let bad = s.length > 1 && s[0] === "0";
    if (cps[i] === "." && isDigit(cps[i + 1])) {
      s += advance();
      while (isDigit(cps[i])) s += advance();
    }
    if (
      (cps[i] === "e" || cps[i] === "E") &&
      (isDigit(cps[i + 1]) || ((cps[i + 1] === "+" || cps[i + 1] === "-") && isDigit(cps[i + 2])))
    ) {
      s += advance();
      if (cps[i] === "+" || cps[i] === "-") s += advance();
      while (isDigit(cps[i])) s += advance();
    }
    // `1abc`, `1.` followed by a letter: not a number we accept.
    if (i < cps.length && isIdentStart(cps[i])) {
      while (i < cps.length && isIdentPart(cps[i])) s += advance();
      bad = true;
    }
    if (bad) {
      error(`invalid number \`${s}\``, r0, c0);
      push("error", s, r0, c0);
    } else {
      push("number", s, r0, c0);
    }
  }

  function lexString(r0: number, c0: number) {
    let raw = advance();
    let value = "";
    let ok = true;
    while (true) {
      const ch = cps[i];
      if (ch === undefined || ch === "\n") {
        error("unterminated string", r0, c0);
        push("error", raw, r0, c0);
        return;
      }
      if (ch === '"') {
        raw += advance();
        break;
      }
      if (ch !== "\\") {
        raw += advance();
        value += ch;
        continue;
      }
      const er = row;
      const ec = col;
      raw += advance();
      const esc = cps[i];
      if (esc === undefined || esc === "\n") continue; // reported as unterminated next round
      if (esc in SIMPLE_ESCAPES) {
        raw += advance();
        value += SIMPLE_ESCAPES[esc];
      } else if (esc === "u") {
        raw += advance();
        const hex = cps.slice(i, i + 4);
        if (hex.length === 4 && hex.every(isHex)) {
          for (let k = 0; k < 4; k++) raw += advance();
          // UTF-16 code units: a surrogate pair written as two escapes forms one code point.
          value += String.fromCharCode(parseInt(hex.join(""), 16));
        } else {
          error("invalid escape `\\u`: expected 4 hexadecimal digits", er, ec);
          ok = false;
        }
      } else {
        raw += advance();
        error(`invalid escape \`\\${esc}\``, er, ec);
        ok = false;
      }
    }
    if (ok) {
      push("string", raw, r0, c0, value);
    } else {
      push("error", raw, r0, c0);
    }
  }

  function lexRawString(r0: number, c0: number) {
    let raw = advance();
    let value = "";
    while (i < cps.length && cps[i] !== "`") {
      const ch = advance();
      raw += ch;
      value += ch;
    }
    if (i >= cps.length) {
      error("unterminated raw string", r0, c0);
      push("error", raw, r0, c0);
      return;
    }
    raw += advance();
    push("string", raw, r0, c0, value);
  }
}
