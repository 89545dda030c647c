/**
 * Regular-expression built-ins. Patterns use RE2 syntax (translated by re2.ts); matching follows
 * Go's regexp package: leftmost-first, unanchored, and in "all" searches an empty match right
 * after a previous match is skipped. Not implemented: regex.globs_match.
 */
import { GlobError, globsMatch } from "./glob_intersect.ts";
import type { HostBuiltin } from "./host_builtin.ts";
import { fail, int, str } from "./operands.ts";
import { translateRe2 } from "./re2.ts";

const CACHE_LIMIT = 500;
const cache = new Map<string, RegExp | string>();

/** Compile an RE2 pattern to a global, unicode JS RegExp, or return the RE2 error text. */
export function compileRe2(pattern: string): RegExp | string {
  let hit = cache.get(pattern);
  if (hit !== undefined) return hit;
  const t = translateRe2(pattern);
  if (!t.ok) hit = t.error;
  else {
    try {
      hit = new RegExp(t.source, "gu");
    } catch (e) {
      hit = `error parsing regexp: ${(e as Error).message}`;
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(pattern, hit);
  return hit;
}

function mustCompile(name: string, pattern: string): RegExp {
  const re = compileRe2(pattern);
  if (typeof re === "string") fail(name, re);
  return re;
}

/** Go's allMatches: up to n matches (n < 0: all), skipping empty matches abutting a match. */
export function findAll(re: RegExp, s: string, n: number): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  let pos = 0;
  let prevEnd = -1;
  while ((n < 0 || out.length < n) && pos <= s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) break;
    const start = m.index, end = start + m[0].length;
    let accept = true;
    if (end === start) {
      if (start === prevEnd) accept = false;
      pos = start < s.length ? start + String.fromCodePoint(s.codePointAt(start)!).length : s.length + 1;
    } else pos = end;
    prevEnd = end;
    if (accept) out.push(m);
  }
  return out;
}

function test(re: RegExp, s: string): boolean {
  re.lastIndex = 0;
  return re.test(s);
}

/** Go's Regexp.Split(s, -1). */
function split(re: RegExp, source: string, s: string): string[] {
  if (source !== "" && s === "") return [""];
  const parts: string[] = [];
  let beg = 0, end = 0;
  for (const m of findAll(re, s, -1)) {
    end = m.index;
    const mEnd = m.index + m[0].length;
    if (mEnd !== 0) parts.push(s.slice(beg, end));
    beg = mEnd;
  }
  if (end !== s.length) parts.push(s.slice(beg));
  return parts;
}

/** Go's Regexp.Expand template syntax: $1, $name, ${name}, $$. */
function expand(template: string, m: RegExpExecArray): string {
  let out = "";
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf("$", i);
    if (dollar < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (template[i] === "$") {
      out += "$";
      i++;
      continue;
    }
    let name: string | undefined;
    if (template[i] === "{") {
      const close = template.indexOf("}", i);
      const inner = close < 0 ? "" : template.slice(i + 1, close);
      if (/^[\p{L}\p{Nd}_]+$/u.test(inner)) {
        name = inner;
        i = close + 1;
      }
    } else {
      const w = /^[\p{L}\p{Nd}_]+/u.exec(template.slice(i));
      if (w) {
        name = w[0];
        i += w[0].length;
      }
    }
    if (name === undefined) {
      out += "$";
      continue;
    }
    if (/^\d+$/.test(name)) out += m[Number(name)] ?? "";
    else out += m.groups?.[name] ?? "";
  }
  return out;
}

function escapeRe2Literal(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

/** OPA's regex.template_match pattern: literal text, and `<start>regex<end>` groups. */
function templatePattern(template: string, start: string, end: string): string | undefined {
  let level = 0, idx = 0;
  let pattern = "^";
  let literalFrom = 0;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch === start) {
      if (level++ === 0) idx = i;
    } else if (ch === end) {
      if (--level === 0) {
        pattern += escapeRe2Literal(template.slice(literalFrom, idx)) + `(${template.slice(idx + 1, i)})`;
        literalFrom = i + 1;
      } else if (level < 0) return undefined;
    }
  }
  if (level !== 0) return undefined;
  return pattern + escapeRe2Literal(template.slice(literalFrom)) + "$";
}

export const REGEX_BUILTINS: Record<string, HostBuiltin> = {
  "regex.globs_match": (a, b) => {
    try {
      return globsMatch(str("regex.globs_match", a, 1), str("regex.globs_match", b, 2));
    } catch (e) {
      if (e instanceof GlobError) fail("regex.globs_match", e.message);
      throw e;
    }
  },
  "regex.match": (pattern, value) =>
    test(mustCompile("regex.match", str("regex.match", pattern, 1)), str("regex.match", value, 2)),
  re_match: (pattern, value) =>
    test(mustCompile("re_match", str("re_match", pattern, 1)), str("re_match", value, 2)),
  "regex.is_valid": (pattern) => typeof pattern === "string" && typeof compileRe2(pattern) !== "string",
  "regex.split": (pattern, value) => {
    const p = str("regex.split", pattern, 1);
    return split(mustCompile("regex.split", p), p, str("regex.split", value, 2));
  },
  "regex.find_n": (pattern, value, n) => {
    const re = mustCompile("regex.find_n", str("regex.find_n", pattern, 1));
    return findAll(re, str("regex.find_n", value, 2), int("regex.find_n", n, 3)).map((m) => m[0]);
  },
  "regex.find_all_string_submatch_n": (pattern, value, n) => {
    const name = "regex.find_all_string_submatch_n";
    const re = mustCompile(name, str(name, pattern, 1));
    return findAll(re, str(name, value, 2), int(name, n, 3)).map((m) => [...m].map((g) => g ?? ""));
  },
  "regex.replace": (s, pattern, value) => {
    const text = str("regex.replace", s, 1);
    const re = mustCompile("regex.replace", str("regex.replace", pattern, 2));
    const template = str("regex.replace", value, 3);
    let out = "", last = 0;
    for (const m of findAll(re, text, -1)) {
      out += text.slice(last, m.index) + expand(template, m);
      last = m.index + m[0].length;
    }
    return out + text.slice(last);
  },
  "regex.template_match": (template, value, delimStart, delimEnd) => {
    const name = "regex.template_match";
    const t = str(name, template, 1), v = str(name, value, 2);
    const start = str(name, delimStart, 3), end = str(name, delimEnd, 4);
    const pattern = templatePattern(t, start[0] ?? "", end[0] ?? "");
    if (pattern === undefined) fail(name, `unbalanced braces in template: ${t}`);
    return test(mustCompile(name, pattern), v);
  },
};
