/**
 * glob.match and glob.quote_meta, with the syntax of the gobwas/glob library OPA uses:
 * `*` any run of non-delimiter characters, `**` any run, `?` one non-delimiter character,
 * `[abc]`, `[a-z]`, `[!…]` one character, `{a,b,…}` alternatives (nested patterns), `\` escapes.
 * Delimiters: `null` → none, `[]` → ["."], otherwise the given single characters.
 */
import type { HostBuiltin } from "./host_builtin.ts";
import { fail, str, typeError, typeName } from "./operands.ts";

const SPECIAL = new Set([..."*?\\[]{}"]);
const CACHE_LIMIT = 100;
const cache = new Map<string, RegExp>();

const escapeRe = (c: string): string => /[\\^$.*+?()[\]{}|/-]/.test(c) ? "\\" + c : c;

class GlobSyntaxError extends Error {}

function translate(pattern: string, delimiters: string[]): string {
  const c = [...pattern];
  let i = 0;
  const notDelim = delimiters.length === 0 ? "[\\s\\S]" : `[^${delimiters.map(escapeRe).join("")}]`;

  // Parses until end, or (inside braces) an unnested `,` or `}`.
  const sequence = (inTerms: boolean): string => {
    let out = "";
    while (i < c.length) {
      const ch = c[i];
      if (inTerms && (ch === "," || ch === "}")) return out;
      i++;
      switch (ch) {
        case "\\":
          if (i >= c.length) throw new GlobSyntaxError("unexpected end of input after escape character");
          out += escapeRe(c[i++]);
          break;
        case "*":
          if (c[i] === "*") {
            while (c[i] === "*") i++;
            out += "[\\s\\S]*";
          } else out += `${notDelim}*`;
          break;
        case "?":
          out += notDelim;
          break;
        case "[": {
          let negate = false;
          if (c[i] === "!") {
            negate = true;
            i++;
          }
          let body = "";
          while (i < c.length && c[i] !== "]") {
            let item = c[i++];
            if (item === "\\" && i < c.length) item = c[i++];
            if (c[i] === "-" && c[i + 1] !== undefined && c[i + 1] !== "]") {
              const hi = c[i + 1];
              if (hi < item) throw new GlobSyntaxError("hi character should be greater than lo character");
              body += `${escapeRe(item)}-${escapeRe(hi)}`;
              i += 2;
            } else body += escapeRe(item);
          }
          if (i >= c.length) throw new GlobSyntaxError("unexpected end of input in range");
          i++;
          if (body === "") throw new GlobSyntaxError("empty character range");
          out += `[${negate ? "^" : ""}${body}]`;
          break;
        }
        case "{": {
          const alternatives: string[] = [];
          while (true) {
            alternatives.push(sequence(true));
            if (i >= c.length) throw new GlobSyntaxError("unexpected end of input in terms");
            if (c[i++] === "}") break;
          }
          out += `(?:${alternatives.join("|")})`;
          break;
        }
        case "]":
        case "}":
          if (!inTerms && ch === "}") throw new GlobSyntaxError("unexpected '}'");
          out += escapeRe(ch);
          break;
        default:
          out += escapeRe(ch);
      }
    }
    return out;
  };
  const body = sequence(false);
  return `^(?:${body})$`;
}

function delimitersOf(v: unknown): string[] {
  if (v === null) return [];
  if (!Array.isArray(v)) typeError("glob.match", 2, v, "array", "null");
  if (v.length === 0) return ["."];
  return v.map((d) => {
    if (typeof d !== "string") {
      fail("glob.match", `operand 2 must be array of strings but got array containing ${typeName(d)}`);
    }
    if ([...d].length !== 1) {
      fail("glob.match", "operand 2 must be array of runes but got array containing string");
    }
    return d;
  });
}

export function globRegExp(pattern: string, delimiters: string[]): RegExp {
  const key = `${pattern}\u0000${delimiters.join("")}`;
  let re = cache.get(key);
  if (re) return re;
  try {
    re = new RegExp(translate(pattern, delimiters), "u");
  } catch (e) {
    if (e instanceof GlobSyntaxError) fail("glob.match", e.message);
    throw e;
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, re);
  return re;
}

export const GLOB_BUILTINS: Record<string, HostBuiltin> = {
  "glob.match": (pattern, delimiters, match) => {
    const p = str("glob.match", pattern, 1);
    const d = delimitersOf(delimiters);
    const m = str("glob.match", match, 3);
    return globRegExp(p, d).test(m);
  },
  "glob.quote_meta": (pattern) => {
    let out = "";
    for (const ch of str("glob.quote_meta", pattern, 1)) out += SPECIAL.has(ch) ? "\\" + ch : ch;
    return out;
  },
};
