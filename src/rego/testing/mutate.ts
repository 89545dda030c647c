/**
 * Deterministic mutation of Rego source for the fuzz tests of the parser and of the whole
 * compiler: a seeded PRNG, Rego's token fragments, and edits (deletions, insertions, swaps,
 * truncations) over code points.
 */

/** mulberry32: a small deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const FRAGMENTS = [
  "{",
  "}",
  "[",
  "]",
  "(",
  ")",
  ",",
  ";",
  ":",
  ":=",
  "=",
  "==",
  "|",
  "&",
  "-",
  "+",
  ".",
  "\n",
  " ",
  "if",
  "else",
  "some",
  "every",
  "in",
  "not",
  "with",
  "as",
  "default",
  "contains",
  "import",
  "package",
  '"',
  "`",
  "\\",
  "#",
  "_",
  "0",
  "-1e",
  "01",
  "set()",
  "x",
  "input.",
  "data.x[",
  "\\u00",
  "\t",
  "😀",
  "!",
];

export function mutate(text: string, rnd: () => number): string {
  const cps = Array.from(text);
  const at = () => Math.floor(rnd() * (cps.length + 1));
  const rounds = 1 + Math.floor(rnd() * 4);
  for (let r = 0; r < rounds; r++) {
    const op = Math.floor(rnd() * 6);
    if (op === 0) cps.splice(at(), 0, String.fromCharCode(Math.floor(rnd() * 128))); // byte insertion
    else if (op === 1) cps.splice(at(), 0, ...Array.from(FRAGMENTS[Math.floor(rnd() * FRAGMENTS.length)])); // token
    else if (op === 2) cps.splice(at(), 1 + Math.floor(rnd() * 8)); // deletion
    else if (op === 3) { // swap two spans
      const i = at(), j = at(), len = 1 + Math.floor(rnd() * 6);
      const a = cps.slice(i, i + len), b = cps.slice(j, j + len);
      cps.splice(i, a.length, ...b);
      cps.splice(j, b.length, ...a);
    } else if (op === 4) cps.length = at(); // truncation
    else { // duplicate a span (deepens nesting)
      const i = at(), len = 1 + Math.floor(rnd() * 20);
      cps.splice(i, 0, ...cps.slice(i, i + len));
    }
  }
  return cps.join("");
}
