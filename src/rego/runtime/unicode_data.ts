/**
 * Unicode data for the Wasm runtime, derived from the JavaScript engine's own Unicode tables:
 *
 * - Simple case mapping (Go's unicode.ToLower / unicode.ToUpper per code point). JavaScript's
 *   String#toLowerCase/#toUpperCase give the *full* mapping; where that is one code point it is
 *   also the simple mapping. Where it is several code points (SpecialCasing.txt), the simple
 *   mapping that Go uses (UnicodeData.txt) is:
 *     - lower: U+0130 'İ' → U+0069 'i' (the only multi-code-point lowercase), see LOWER_OVERRIDES;
 *     - upper: the titlecase letter (\p{Lt}) whose lowercase is the code point, if there is one
 *       (U+1F80..U+1FAF, U+1FB3, U+1FC3, U+1FF3 → their "prosgegrammeni" forms); otherwise the
 *       code point itself (e.g. 'ß', 'ŉ', 'ǰ', the 'ﬀ' ligatures stay unchanged, as in Go).
 * - Printable code points (Go's strconv.IsPrint): categories L, M, N, P, S and U+0020.
 *
 * The JavaScript engine may know a newer Unicode version than Go's unicode package (Deno 2.9 knows
 * Unicode 16; Go up to 1.25 uses 15.0), so characters added since differ: e.g. the Garay letters
 * U+10D50..U+10D85 and U+A7CB..U+A7DC case-map here but not in Go, and new characters print
 * unescaped in %q here but escaped in Go.
 *
 * `deno run src/rego/runtime/unicode_tables_gen.ts` writes assembly/unicode_tables.ts from this.
 */

export const MAX_CODE_POINT = 0x10ffff;

/** Multi-code-point lowercase mappings whose simple mapping is not the code point itself. */
const LOWER_OVERRIDES = new Map<number, number>([[0x130, 0x69]]);

function isSurrogate(c: number): boolean {
  return c >= 0xd800 && c < 0xe000;
}

function single(s: string): number | undefined {
  const cps = [...s];
  return cps.length === 1 ? cps[0].codePointAt(0)! : undefined;
}

const TITLECASE = /^\p{Lt}$/u;

/** Lowercase of each titlecase letter → that titlecase letter (for the upper fallback). */
function titlecaseByLower(): Map<number, number> {
  const m = new Map<number, number>();
  for (let c = 0; c <= MAX_CODE_POINT; c++) {
    if (isSurrogate(c)) continue;
    const s = String.fromCodePoint(c);
    if (!TITLECASE.test(s)) continue;
    const l = single(s.toLowerCase());
    if (l !== undefined && l !== c) m.set(l, c);
  }
  return m;
}

export interface CaseMaps {
  lower: Int32Array;
  upper: Int32Array;
}

/** Simple lower/upper case mapping of every code point (surrogates map to themselves). */
export function simpleCaseMaps(): CaseMaps {
  const n = MAX_CODE_POINT + 1;
  const lower = new Int32Array(n);
  const upper = new Int32Array(n);
  const titles = titlecaseByLower();
  for (let c = 0; c < n; c++) {
    lower[c] = c;
    upper[c] = c;
    if (isSurrogate(c)) continue;
    const s = String.fromCodePoint(c);
    lower[c] = single(s.toLowerCase()) ?? LOWER_OVERRIDES.get(c) ?? c;
    upper[c] = single(s.toUpperCase()) ?? titles.get(c) ?? c;
  }
  return { lower, upper };
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Go's strconv.IsPrint for one code point. */
export function isPrint(c: number): boolean {
  if (c === 0x20) return true;
  if (isSurrogate(c) || c > MAX_CODE_POINT) return false;
  return PRINTABLE.test(String.fromCodePoint(c));
}
