/**
 * Which words are keywords, by Rego version and imports.
 *
 * The lexer produces identifiers; the parser asks a KeywordSet whether an identifier is a keyword
 * here. Rego v1 knows all keywords. Rego v0 knows the base keywords; the future keywords (`in`,
 * `every`, `if`, `contains`) become keywords from `import future.keywords[.kw]` on, or from the
 * start with `allFutureKeywords`; `import rego.v1` turns a module into Rego v1.
 */

/** Keywords in every Rego version. */
export const BASE_KEYWORDS: readonly string[] = [
  "as",
  "default",
  "else",
  "false",
  "import",
  "not",
  "null",
  "package",
  "some",
  "true",
  "with",
];

/** Keywords of Rego v1 that Rego v0 only knows after `import future.keywords…`. */
export const FUTURE_KEYWORDS: readonly string[] = ["contains", "every", "if", "in"];

/** Literal keywords: they are terms, not statements, so they are never read as a ref head. */
export const LITERAL_KEYWORDS: readonly string[] = ["true", "false", "null"];

export class KeywordSet {
  private readonly words: Set<string>;

  constructor(regoVersion: 0 | 1, allFutureKeywords = false) {
    this.words = new Set(BASE_KEYWORDS);
    if (regoVersion === 1 || allFutureKeywords) this.enableFuture();
  }

  has(word: string): boolean {
    return this.words.has(word);
  }

  /** Enables one future keyword, or all of them when `word` is undefined. */
  enableFuture(word?: string): void {
    for (const w of FUTURE_KEYWORDS) {
      if (word === undefined || w === word) this.words.add(w);
    }
  }
}
