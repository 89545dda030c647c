/**
 * Generates assembly/re_tables.ts: the Unicode data of the regular-expression engine, derived from
 * the JavaScript engine's own Unicode tables (as unicode_data.ts does for case mapping).
 *
 *   deno run --allow-write src/rego/runtime/regex_tables_gen.ts [--verify]
 *
 * - General categories (Go's unicode.Categories): the 29 two-letter categories; the one-letter
 *   ones are unions of these (C is Cc|Cf|Co|Cs, without unassigned code points, as in Go).
 * - Scripts (Go's unicode.Scripts, the Script property, long names only).
 * - Case orbits (Go's caseOrbit): the code points whose unicode.SimpleFold is not given by the
 *   simple case mapping (ToLower, else ToUpper). Fold classes are the classes of Unicode simple case
 *   folding, which JavaScript's /iu matching uses too; `--verify` checks every class against it.
 *
 * Ranges are stored as LEB128 pairs (gap from the previous range's end + 1, length - 1): about 11 KB
 * for everything. The JavaScript engine may know a newer Unicode version than Go (see
 * unicode_data.ts): scripts and characters added since are known here and not in Go.
 */
import { MAX_CODE_POINT, simpleCaseMaps } from "./unicode_data.ts";

const OUTPUT = new URL("./assembly/re_tables.ts", import.meta.url);

export const CATEGORIES = [
  "Cc",
  "Cf",
  "Co",
  "Cs",
  "Ll",
  "Lm",
  "Lo",
  "Lt",
  "Lu",
  "Mc",
  "Me",
  "Mn",
  "Nd",
  "Nl",
  "No",
  "Pc",
  "Pd",
  "Pe",
  "Pf",
  "Pi",
  "Po",
  "Ps",
  "Sc",
  "Sk",
  "Sm",
  "So",
  "Zl",
  "Zp",
  "Zs",
];

/** Script long names (Unicode 16); those the JavaScript engine does not know are skipped. */
const SCRIPT_CANDIDATES =
  `Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak
Bengali Bhaiksuki Bopomofo Brahmi Braille Buginese Buhid Canadian_Aboriginal Carian Caucasian_Albanian
Chakma Cham Cherokee Chorasmian Common Coptic Cuneiform Cypriot Cypro_Minoan Cyrillic Deseret Devanagari
Dives_Akuru Dogra Duployan Egyptian_Hieroglyphs Elbasan Elymaic Ethiopic Garay Georgian Glagolitic Gothic
Grantha Greek Gujarati Gunjala_Gondi Gurmukhi Gurung_Khema Han Hangul Hanifi_Rohingya Hanunoo Hatran
Hebrew Hiragana Imperial_Aramaic Inherited Inscriptional_Pahlavi Inscriptional_Parthian Javanese Kaithi
Kannada Katakana Kawi Kayah_Li Kharoshthi Khitan_Small_Script Khmer Khojki Khudawadi Kirat_Rai Lao Latin
Lepcha Limbu Linear_A Linear_B Lisu Lycian Lydian Mahajani Makasar Malayalam Mandaic Manichaean Marchen
Masaram_Gondi Medefaidrin Meetei_Mayek Mende_Kikakui Meroitic_Cursive Meroitic_Hieroglyphs Miao Modi
Mongolian Mro Multani Myanmar Nabataean Nag_Mundari Nandinagari New_Tai_Lue Newa Nko Nushu
Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Ol_Onal Old_Hungarian Old_Italic Old_North_Arabian Old_Permic
Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Old_Uyghur Oriya Osage Osmanya Pahawh_Hmong
Palmyrene Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic Samaritan Saurashtra Sharada
Shavian Siddham SignWriting Sinhala Sogdian Sora_Sompeng Soyombo Sundanese Sunuwar Syloti_Nagri Syriac
Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Takri Tamil Tangsa Tangut Telugu Thaana Thai Tibetan Tifinagh
Tirhuta Todhri Toto Tulu_Tigalari Ugaritic Vai Vithkuqi Wancho Warang_Citi Yezidi Yi Zanabazar_Square`
    .split(/\s+/);

export function scriptNames(): string[] {
  return SCRIPT_CANDIDATES.filter((name) => {
    try {
      new RegExp(`\\p{Script=${name}}`, "u");
      return true;
    } catch {
      return false;
    }
  });
}

type Range = [number, number];

const SURROGATES: Range = [0xd800, 0xdfff];

/** Every non-surrogate code point as one string, and each UTF-16 index's code point. */
function allCodePoints(): { text: string; cpAt: Int32Array } {
  const parts: string[] = [];
  const cpAt = new Int32Array(2 * (MAX_CODE_POINT + 1));
  let unit = 0;
  for (let c = 0; c <= MAX_CODE_POINT; c++) {
    if (c >= SURROGATES[0] && c <= SURROGATES[1]) continue;
    const s = String.fromCodePoint(c);
    parts.push(s);
    cpAt[unit] = c;
    unit += s.length;
  }
  return { text: parts.join(""), cpAt };
}

let cached: { text: string; cpAt: Int32Array } | undefined;

/** Code point ranges matched by a `\p{…}` property (surrogates not included). */
export function propertyRanges(property: string): Range[] {
  cached ??= allCodePoints();
  const { text, cpAt } = cached;
  const out: Range[] = [];
  for (const m of text.matchAll(new RegExp(`\\p{${property}}+`, "gu"))) {
    const first = cpAt[m.index!];
    const last = [...m[0]].length - 1 + first;
    // runs are contiguous except across the surrogate gap
    if (first < SURROGATES[0] && last >= SURROGATES[0]) {
      out.push([first, SURROGATES[0] - 1], [SURROGATES[1] + 1, last + (SURROGATES[1] - SURROGATES[0] + 1)]);
    } else out.push([first, last]);
  }
  return out;
}

/** Ranges of a general category, as Go's table has them (Cs is the surrogates). */
export function categoryRanges(name: string): Range[] {
  return name === "Cs" ? [SURROGATES] : propertyRanges(name);
}

export function scriptRanges(name: string): Range[] {
  return propertyRanges(`Script=${name}`);
}

function leb128(n: number, out: number[]): void {
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
}

export function encodeRanges(ranges: Range[]): number[] {
  const out: number[] = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    leb128(lo - next, out);
    leb128(hi - lo, out);
    next = hi + 1;
  }
  return out;
}

/** Fold classes of Unicode simple case folding, as sorted member lists (only classes of 2+). */
export function foldClasses(): number[][] {
  const { lower, upper } = simpleCaseMaps();
  const parent = new Int32Array(MAX_CODE_POINT + 1).map((_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  const same = (a: number, b: number) => new RegExp(`^${esc(a)}$`, "iu").test(String.fromCodePoint(b));
  for (let c = 0; c <= MAX_CODE_POINT; c++) {
    for (const d of [lower[c], upper[c]]) {
      if (d !== c && same(c, d)) parent[find(c)] = find(d);
    }
  }
  const touched = new Set<number>();
  for (let c = 0; c <= MAX_CODE_POINT; c++) {
    if (lower[c] !== c || upper[c] !== c) touched.add(c).add(lower[c]).add(upper[c]);
  }
  const groups = new Map<number, number[]>();
  for (const c of touched) {
    const r = find(c);
    let g = groups.get(r);
    if (!g) groups.set(r, g = []);
    g.push(c);
  }
  return [...groups.values()].filter((g) => g.length > 1).map((g) => g.sort((a, b) => a - b));
}

function esc(c: number): string {
  return "\\u{" + c.toString(16) + "}";
}

/**
 * Go's caseOrbit: (code point, SimpleFold) pairs where SimpleFold is not ToLower (if different)
 * else ToUpper. SimpleFold is the next larger member of the fold class, or its smallest.
 */
export function caseOrbit(): [number, number][] {
  const { lower, upper } = simpleCaseMaps();
  const fold = new Map<number, number>();
  for (const g of foldClasses()) g.forEach((c, i) => fold.set(c, g[(i + 1) % g.length]));
  const out: [number, number][] = [];
  for (let c = 0; c <= MAX_CODE_POINT; c++) {
    const want = fold.get(c) ?? c;
    const generic = lower[c] !== c ? lower[c] : upper[c];
    if (generic !== want) out.push([c, want]);
  }
  return out;
}

/** Checks every fold class against JavaScript's /iu matching over all cased code points. */
export function verifyFoldClasses(): void {
  const { lower, upper } = simpleCaseMaps();
  const classes = foldClasses();
  const candidates = new Set<number>(classes.flat());
  for (let c = 0; c <= MAX_CODE_POINT; c++) if (lower[c] !== c || upper[c] !== c) candidates.add(c);
  const all = String.fromCodePoint(...[...candidates].sort((a, b) => a - b));
  for (const g of classes) {
    const re = new RegExp(`${esc(g[0])}`, "giu");
    const found = [...all.matchAll(re)].map((m) => m[0].codePointAt(0)!).sort((a, b) => a - b);
    if (found.join() !== g.join()) throw new Error(`fold class of ${g[0].toString(16)}: ${found} vs ${g}`);
  }
}

function byteList(bytes: number[]): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 24) lines.push("  " + bytes.slice(i, i + 24).join(", ") + ",");
  return lines.join("\n");
}

function wordList(words: number[]): string {
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += 8) {
    lines.push("  " + words.slice(i, i + 8).map((w) => "0x" + w.toString(16)).join(", ") + ",");
  }
  return lines.join("\n");
}

/** The text of assembly/re_tables.ts. */
export function renderRegexTables(): string {
  const names: string[] = [...CATEGORIES, ...scriptNames()];
  const data: number[] = [];
  const index: number[] = [];
  let nameText = "";
  for (const [i, name] of names.entries()) {
    const ranges = i < CATEGORIES.length ? categoryRanges(name) : scriptRanges(name);
    const bytes = encodeRanges(ranges);
    index.push(nameText.length | (name.length << 16), data.length, bytes.length);
    nameText += name;
    data.push(...bytes);
  }
  const orbit = caseOrbit().flat();
  return [
    "// Generated by src/rego/runtime/regex_tables_gen.ts from the JavaScript engine's Unicode data. Do not edit.",
    "// UNICODE_INDEX: per table [name offset | name length << 16, data offset, data length] into",
    "// UNICODE_NAMES (ASCII bytes) and UNICODE_DATA (LEB128 pairs: gap from the previous range end + 1,",
    "// length - 1). The first CATEGORY_COUNT tables are general categories, the rest scripts.",
    "// CASE_ORBIT: sorted [code point, SimpleFold] pairs where SimpleFold is not ToLower/ToUpper.",
    "",
    `export const CATEGORY_COUNT: i32 = ${CATEGORIES.length};`,
    `export const TABLE_COUNT: i32 = ${names.length};`,
    "export const UNICODE_NAMES: usize = memory.data<u8>([",
    byteList([...nameText].map((c) => c.charCodeAt(0))),
    "]);",
    "export const UNICODE_INDEX: usize = memory.data<u32>([",
    wordList(index),
    "]);",
    "export const UNICODE_DATA: usize = memory.data<u8>([",
    byteList(data),
    "]);",
    "",
    `export const CASE_ORBIT_ENTRIES: i32 = ${orbit.length / 2};`,
    "export const CASE_ORBIT: usize = memory.data<u32>([",
    wordList(orbit),
    "]);",
    "",
  ].join("\n");
}

if (import.meta.main) {
  if (Deno.args.includes("--verify")) verifyFoldClasses();
  await Deno.writeTextFile(OUTPUT, renderRegexTables());
  console.log(`wrote ${OUTPUT.pathname}`);
}
