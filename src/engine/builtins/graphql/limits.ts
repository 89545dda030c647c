/**
 * Bounds on the work one GraphQL call may cause (OPA has none): a document or AST beyond them is a
 * built-in error, never a stall. Real queries and schemas sit far below: public schemas are a few
 * hundred kilobytes, and servers cap query depth at 10-20 levels.
 */

/** Characters of a query or schema text. */
export const MAX_TEXT = 1 << 20;
/**
 * Tokens graphql-js may read from one query (its own limit, checked while parsing): gqlgen's
 * default for gqlparser. Validation (overlapping fields) is superlinear in a query's size; a
 * schema is only parsed and checked linearly, so it may be larger.
 */
export const MAX_QUERY_TOKENS = 15_000;
export const MAX_SCHEMA_TOKENS = 200_000;
/** Nesting of brackets, braces and parentheses in a text. */
export const MAX_NESTING = 128;
/** Nesting of arrays and objects in an AST passed as a value (each GraphQL level is 2-3 of them). */
export const MAX_AST_DEPTH = 4 * MAX_NESTING;

export class LimitError extends Error {}

/**
 * Fails when `text` is longer than MAX_TEXT or nests `{`, `[` or `(` deeper than MAX_NESTING,
 * outside strings and comments (a linear scan before the recursive-descent parser sees it).
 */
export function checkNesting(text: string): void {
  if (text.length > MAX_TEXT) throw new LimitError(`document is longer than ${MAX_TEXT} characters`);
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x23 /* # */) {
      while (i < text.length && text[i] !== "\n" && text[i] !== "\r") i++;
    } else if (c === 0x22 /* " */) {
      if (text.startsWith('"""', i)) {
        const end = findBlockEnd(text, i + 3);
        i = end < 0 ? text.length : end + 2;
      } else {
        i++;
        while (i < text.length && text[i] !== '"' && text[i] !== "\n" && text[i] !== "\r") {
          if (text[i] === "\\") i++;
          i++;
        }
      }
    } else if (c === 0x7b || c === 0x5b || c === 0x28) {
      if (++depth > MAX_NESTING) throw new LimitError(`document nests deeper than ${MAX_NESTING} levels`);
    } else if (c === 0x7d || c === 0x5d || c === 0x29) {
      if (depth > 0) depth--;
    }
  }
}

/** Index of the closing `"""` of a block string whose body starts at `from` (\""" is escaped). */
function findBlockEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === "\\" && text.startsWith('"""', i + 1)) {
      i += 3;
      continue;
    }
    if (text.startsWith('"""', i)) return i;
  }
  return -1;
}

/**
 * Fails when a JSON value nests deeper than MAX_AST_DEPTH or has more than `maxNodes` arrays and
 * objects (checked without recursion).
 */
export function checkDepth(value: unknown, maxNodes: number): void {
  const stack: [unknown, number][] = [[value, 1]];
  let seen = 0;
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (d > MAX_AST_DEPTH) throw new LimitError(`AST nests deeper than ${MAX_AST_DEPTH} levels`);
    if (++seen > maxNodes) throw new LimitError(`AST has more than ${maxNodes} nodes`);
    for (const c of Array.isArray(v) ? v : Object.values(v)) stack.push([c, d + 1]);
  }
}
