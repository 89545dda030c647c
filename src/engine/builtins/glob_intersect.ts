/**
 * regex.globs_match: OPA answers with the glob-intersection library (yashtewari/glob-intersection),
 * whose answer is not the intersection of the two languages: it walks both globs token by token,
 * trimming equal prefixes and suffixes and letting a starred token absorb tokens of the other glob
 * (so "x[ab]*y" and "x[cd]*y" do not match, though both match "xy"; "" matches only ""). The same
 * algorithm is written here, because the point is to answer as OPA does.
 *
 * Syntax: `.` any character, `[a-z0]` a set (ranges in order, no negation), `*` and `+` after a
 * token, `\` escapes the next character; anything else is itself. A flag with nothing before it,
 * `]` without `[`, an unterminated set, a bad range or a trailing `\` is an error.
 */

type Token =
  | { kind: "char"; r: string; flag: Flag }
  | { kind: "dot"; flag: Flag }
  | { kind: "set"; runes: Set<string>; flag: Flag };
type Flag = "none" | "plus" | "star";

export class GlobError extends Error {}

function tokenize(input: string): Token[] {
  const runes = [...input];
  let i = 0;
  /** The next rune and whether it was escaped, or undefined at the end. */
  const next = (): { r: string; escaped: boolean } | undefined => {
    if (i >= runes.length) return undefined;
    if (runes[i] === "\\") {
      if (i === runes.length - 1) throw new GlobError("input ends with a \\ (escape) character");
      i += 2;
      return { r: runes[i - 1], escaped: true };
    }
    return { r: runes[i++], escaped: false };
  };
  const tokens: Token[] = [];
  for (let rune = next(); rune !== undefined; rune = next()) {
    let token: Token;
    if (!rune.escaped && rune.r === ".") token = { kind: "dot", flag: "none" };
    else if (!rune.escaped && rune.r === "]") throw new GlobError("set-close ']' with no preceding '['");
    else if (!rune.escaped && rune.r === "[") token = { kind: "set", runes: readSet(), flag: "none" };
    else if (!rune.escaped && (rune.r === "*" || rune.r === "+")) {
      throw new GlobError(`flag '${rune.r}' must be preceded by a non-flag`);
    } else token = { kind: "char", r: rune.r, flag: "none" };
    if (i < runes.length && (runes[i] === "*" || runes[i] === "+")) {
      token.flag = runes[i] === "*" ? "star" : "plus";
      i++;
    }
    tokens.push(token);
  }
  return tokens;

  function readSet(): Set<string> {
    const out = new Set<string>();
    let prev: string | undefined;
    for (let rune = next(); rune !== undefined; rune = next()) {
      if (rune.escaped) {
        out.add(rune.r);
        prev = rune.r;
        continue;
      }
      if (rune.r === "]") return out;
      if (rune.r === "-") {
        if (prev === undefined) {
          throw new GlobError("range character '-' must be preceded by a Unicode character");
        }
        if (i >= runes.length - 1) {
          throw new GlobError("range character '-' must be followed by a Unicode character");
        }
        const end = next()!;
        if (!end.escaped && (end.r === "]" || end.r === "-")) {
          throw new GlobError("range character '-' cannot be followed by a special symbol");
        }
        const from = prev.codePointAt(0)!, to = end.r.codePointAt(0)!;
        if (to < from) {
          throw new GlobError(`range is out of order: '${end.r}' comes before '${prev}' in Unicode`);
        }
        for (let x = from; x <= to; x++) out.add(String.fromCodePoint(x));
        prev = undefined;
        continue;
      }
      out.add(rune.r);
      prev = rune.r;
    }
    throw new GlobError("found [ without matching ]");
  }
}

function equal(a: Token, b: Token): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "char") return a.r === (b as typeof a).r;
  if (a.kind === "set") {
    const o = (b as typeof a).runes;
    return a.runes.size === o.size && [...a.runes].every((r) => o.has(r));
  }
  return true;
}

/** Merges adjacent equal flagged tokens (plus wins over star), as the library's Simplify. */
function simplify(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    const last = out[out.length - 1];
    if (last && t.flag !== "none" && last.flag !== "none" && equal(t, last)) {
      last.flag = t.flag === "plus" || last.flag === "plus" ? "plus" : "star";
    } else out.push(t);
  }
  return out;
}

/** Whether two tokens can match one common character (flags ignored). */
function match(a: Token, b: Token): boolean {
  if (a.kind === "dot" || b.kind === "dot") return true;
  if (a.kind === "char" && b.kind === "char") return a.r === b.r;
  if (a.kind === "char") return (b as { runes: Set<string> }).runes.has(a.r);
  if (b.kind === "char") return a.runes.has(b.r);
  for (const r of a.runes) if (b.runes.has(r)) return true;
  return false;
}

function trim(g1: Token[], g2: Token[]): [Token[], Token[]] | undefined {
  let l = 0;
  for (; l < g1.length && l < g2.length && g1[l].flag === "none" && g2[l].flag === "none"; l++) {
    if (!match(g1[l], g2[l])) return undefined;
  }
  if (l > 0) l--; // keep one token: empty globs would break the walk
  let r1 = g1.length - 1, r2 = g2.length - 1;
  for (
    ;
    r1 >= 0 && r1 >= l && r2 >= 0 && r2 >= l && g1[r1].flag === "none" && g2[r2].flag === "none";
    r1--, r2--
  ) {
    if (!match(g1[r1], g2[r2])) return undefined;
  }
  if (r1 < g1.length - 1) {
    r1++;
    r2++;
  }
  return [g1.slice(l, r1 + 1), g2.slice(l, r2 + 1)];
}

function intersectNormal(g1: Token[], g2: Token[]): boolean {
  let i = 0, j = 0;
  for (; i < g1.length && j < g2.length; i++, j++) {
    if (g1[i].flag === "none" && g2[j].flag === "none") {
      if (!match(g1[i], g2[j])) return false;
    } else return intersectSpecial(g1.slice(i), g2.slice(j));
  }
  return i === g1.length && j === g2.length;
}

function intersectSpecial(g1: Token[], g2: Token[]): boolean {
  if (g1[0].flag !== "none") return g1[0].flag === "plus" ? intersectPlus(g1, g2) : intersectStar(g1, g2);
  return g2[0].flag === "plus" ? intersectPlus(g2, g1) : intersectStar(g2, g1);
}

function intersectPlus(plussed: Token[], other: Token[]): boolean {
  if (!match(plussed[0], other[0])) return false;
  return intersectStar(plussed, other.slice(1));
}

function intersectStar(starred: Token[], other: Token[]): boolean {
  const star = starred[0];
  const after = starred[1];
  for (let i = 0; i < other.length; i++) {
    const t = other[i];
    if (after !== undefined && match(t, after)) {
      if (intersectNormal(starred.slice(1), other.slice(i))) return true;
      if (!match(t, star)) return false;
    } else if (!match(t, star)) return false;
  }
  return after === undefined;
}

/** The library's NonEmpty(lhs, rhs); throws GlobError for an invalid glob. */
export function globsMatch(lhs: string, rhs: string): boolean {
  const g1 = simplify(tokenize(lhs)), g2 = simplify(tokenize(rhs));
  const trimmed = trim(g1, g2);
  return trimmed !== undefined && intersectNormal(...trimmed);
}
