/** String built-ins (OPA's strings.go), with Go's semantics: indexes count code points. */
import type { HostBuiltin } from "./host_builtin.ts";
import { fail, int, num, obj, str, strings, typeError } from "./operands.ts";
import { goSprintf } from "./sprintf.ts";
import { compareStrings } from "./values.ts";

const codePoints = (s: string): string[] => [...s];

/** Go's unicode.IsSpace. */
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;

function cutsetTrim(s: string, cutset: string, left: boolean, right: boolean): string {
  const cut = new Set(codePoints(cutset));
  const cps = codePoints(s);
  let start = 0, end = cps.length;
  if (left) { while (start < end && cut.has(cps[start])) start++; }
  if (right) { while (end > start && cut.has(cps[end - 1])) end--; }
  return cps.slice(start, end).join("");
}

/** Go's simple case mapping: one code point to one code point, else unchanged. */
function mapCase(s: string, upper: boolean): string {
  let out = "";
  for (const ch of s) {
    const mapped = upper ? ch.toUpperCase() : ch.toLowerCase();
    out += codePoints(mapped).length === 1 ? mapped : ch;
  }
  return out;
}

/** Go's strings.Replace(s, old, new, -1); an empty `old` inserts around every code point. */
function replaceAll(s: string, old: string, replacement: string): string {
  if (old === "") {
    const cps = codePoints(s);
    return replacement + cps.map((c) => c + replacement).join("");
  }
  return s.split(old).join(replacement);
}

/**
 * Go's strings.NewReplacer(old1, new1, …).Replace: at each position the matching pattern that comes
 * first in `pairs` wins (not the longest), matches do not overlap, and an empty pattern matches at
 * every position (once: after an empty match, the next try at that position ignores it). Positions
 * are code points (Go steps through bytes, which only differs by splitting a multi-byte character
 * around an empty pattern's insertion).
 */
function replaceMany(s: string, pairs: [string, string][]): string {
  let out = "";
  let last = 0;
  let prevMatchEmpty = false;
  for (let i = 0; i <= s.length;) {
    let hit: [string, string] | undefined;
    for (const pair of pairs) {
      if (pair[0] === "" ? !prevMatchEmpty : s.startsWith(pair[0], i)) {
        hit = pair;
        break;
      }
    }
    prevMatchEmpty = hit !== undefined && hit[0] === "";
    if (hit !== undefined) {
      out += s.slice(last, i) + hit[1];
      i += hit[0].length;
      last = i;
      continue;
    }
    i += i < s.length && s.codePointAt(i)! > 0xffff ? 2 : 1;
  }
  return last < s.length ? out + s.slice(last) : out;
}

function indexOfCodePoints(
  name: string,
  haystack: unknown,
  needle: unknown,
  all: boolean,
): number | number[] {
  const base = codePoints(str(name, haystack, 1));
  const search = codePoints(str(name, needle, 2));
  if (search.length === 0) fail(name, "empty search character");
  const found: number[] = [];
  for (let i = 0; i + search.length <= base.length; i++) {
    if (search.every((c, j) => base[i + j] === c)) {
      if (!all) return i;
      found.push(i);
    }
  }
  return all ? found : -1;
}

function stringsOrString(name: string, v: unknown, pos: number): string[] {
  if (typeof v === "string") return [v];
  if (!Array.isArray(v)) typeError(name, pos, v, "string", "set", "array");
  return strings(name, v, pos);
}

export const STRING_BUILTINS: Record<string, HostBuiltin> = {
  concat: (delimiter, coll) => {
    const sep = str("concat", delimiter, 1);
    if (!Array.isArray(coll)) typeError("concat", 2, coll, "set", "array");
    return strings("concat", coll, 2).join(sep);
  },
  contains: (s, sub) => str("contains", s, 1).includes(str("contains", sub, 2)),
  startswith: (s, prefix) => str("startswith", s, 1).startsWith(str("startswith", prefix, 2)),
  endswith: (s, suffix) => str("endswith", s, 1).endsWith(str("endswith", suffix, 2)),
  indexof: (haystack, needle) => indexOfCodePoints("indexof", haystack, needle, false),
  indexof_n: (haystack, needle) => indexOfCodePoints("indexof_n", haystack, needle, true),
  lower: (s) => mapCase(str("lower", s, 1), false),
  upper: (s) => mapCase(str("upper", s, 1), true),
  "strings.reverse": (s) => codePoints(str("strings.reverse", s, 1)).reverse().join(""),
  "strings.count": (s, sub) => {
    const base = str("strings.count", s, 1), search = str("strings.count", sub, 2);
    if (search === "") return codePoints(base).length + 1;
    return base.split(search).length - 1;
  },
  split: (s, delimiter) => {
    const text = str("split", s, 1), delim = str("split", delimiter, 2);
    if (delim === "") return codePoints(text);
    return text.split(delim);
  },
  replace: (s, old, replacement) =>
    replaceAll(str("replace", s, 1), str("replace", old, 2), str("replace", replacement, 3)),
  "strings.replace_n": (patterns, s) => {
    const p = obj("strings.replace_n", patterns, 1);
    const text = str("strings.replace_n", s, 2);
    const pairs: [string, string][] = [];
    for (const key of Object.keys(p).sort(compareStrings)) {
      const value = p[key];
      if (typeof value !== "string") {
        fail("strings.replace_n", "operand 1 non-string value found in pattern object");
      }
      pairs.push([key, value]);
    }
    return replaceMany(text, pairs);
  },
  // The first n parts of split(s, delimiter), or the last -n for a negative n.
  "strings.split_n": (s, delimiter, count) => {
    const name = "strings.split_n";
    const text = str(name, s, 1), sep = str(name, delimiter, 2);
    const n = int(name, count, 3);
    const parts = sep === "" ? codePoints(text) : text.split(sep);
    if (n === 0) return [];
    return n > 0 ? parts.slice(0, n) : parts.slice(Math.max(0, parts.length + n));
  },
  substring: (s, start, length) => {
    const base = str("substring", s, 1);
    const from = int("substring", start, 2);
    const len = int("substring", length, 3);
    if (from < 0) fail("substring", "negative offset");
    const cps = codePoints(base);
    if (from >= cps.length) return "";
    return (len < 0 ? cps.slice(from) : cps.slice(from, from + len)).join("");
  },
  trim: (s, cutset) => cutsetTrim(str("trim", s, 1), str("trim", cutset, 2), true, true),
  trim_left: (s, cutset) => cutsetTrim(str("trim_left", s, 1), str("trim_left", cutset, 2), true, false),
  trim_right: (s, cutset) => cutsetTrim(str("trim_right", s, 1), str("trim_right", cutset, 2), false, true),
  trim_prefix: (s, prefix) => {
    const base = str("trim_prefix", s, 1), pre = str("trim_prefix", prefix, 2);
    return base.startsWith(pre) ? base.slice(pre.length) : base;
  },
  trim_suffix: (s, suffix) => {
    const base = str("trim_suffix", s, 1), suf = str("trim_suffix", suffix, 2);
    return suf !== "" && base.endsWith(suf) ? base.slice(0, base.length - suf.length) : base;
  },
  trim_space: (s) => {
    const cps = codePoints(str("trim_space", s, 1));
    let start = 0, end = cps.length;
    while (start < end && GO_SPACE.test(cps[start])) start++;
    while (end > start && GO_SPACE.test(cps[end - 1])) end--;
    return cps.slice(start, end).join("");
  },
  format_int: (n, base) => {
    const value = num("format_int", n, 1);
    const b = num("format_int", base, 2);
    if (b !== 2 && b !== 8 && b !== 10 && b !== 16) {
      fail("format_int", "operand 2 must be one of {2, 8, 10, 16}");
    }
    const truncated = Math.trunc(value);
    const big = BigInt(Math.abs(truncated) < 1e21 ? truncated.toString() : truncated);
    return big.toString(b);
  },
  sprintf: (format, values) => {
    const f = str("sprintf", format, 1);
    if (!Array.isArray(values)) typeError("sprintf", 2, values, "array");
    return goSprintf(f, values);
  },
  "strings.any_prefix_match": (search, base) => {
    const strs = stringsOrString("strings.any_prefix_match", search, 1);
    const prefixes = stringsOrString("strings.any_prefix_match", base, 2);
    return strs.some((s) => prefixes.some((p) => s.startsWith(p)));
  },
  "strings.any_suffix_match": (search, base) => {
    const strs = stringsOrString("strings.any_suffix_match", search, 1);
    const suffixes = stringsOrString("strings.any_suffix_match", base, 2);
    return strs.some((s) => suffixes.some((p) => s.endsWith(p)));
  },
};
