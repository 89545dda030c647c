/**
 * Translates RE2 syntax (what OPA's regex built-ins accept) to an equivalent JavaScript RegExp
 * (always with the `u` flag), and rejects what RE2 rejects or what JavaScript would read
 * differently: lookarounds, backreferences, `\C`, `\Z`, `[:^class:]` and `\S` inside a class.
 *
 * Differences handled: `\s` is [\t\n\f\r ], `.` excludes only \n (or nothing under `s`), `\A` and
 * `\z` anchor the text whatever `m` says, `(?P<name>…)` groups, `\Q…\E`, `\x{…}`, octal escapes,
 * POSIX classes, `\pN` and script names, inline flags `(?imsU)` and `(?flags:…)` (scoped to the
 * enclosing group, also across `|`), `U` swaps greediness, and literal braces or brackets.
 */

export type Translation = { ok: true; source: string } | { ok: false; error: string };

const POSIX: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7f",
  blank: "\\t ",
  cntrl: "\\x00-\\x1f\\x7f",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

const GENERAL_CATEGORIES = new Set([
  "C",
  "Cc",
  "Cf",
  "Co",
  "Cs",
  "L",
  "Ll",
  "Lm",
  "Lo",
  "Lt",
  "Lu",
  "M",
  "Mc",
  "Me",
  "Mn",
  "N",
  "Nd",
  "Nl",
  "No",
  "P",
  "Pc",
  "Pd",
  "Pe",
  "Pf",
  "Pi",
  "Po",
  "Ps",
  "S",
  "Sc",
  "Sk",
  "Sm",
  "So",
  "Z",
  "Zl",
  "Zp",
  "Zs",
]);

/** Characters that need a backslash to be literal in a JS `u` pattern outside a class. */
const JS_SYNTAX = new Set([..."\\^$.*+?()[]{}|/"]);
/** …and inside a class. */
const JS_CLASS_SYNTAX = new Set([..."\\]^-[/"]);

class Fail extends Error {}

interface Frame {
  dotAll: boolean;
  ungreedy: boolean;
  /** Modifier groups opened by `(?i)`-style flags in this group, to close at `|` and `)`. */
  mods: string[];
}

function isPunct(c: string): boolean {
  return c.length === 1 && c < "\x80" && !/[0-9A-Za-z]/.test(c);
}

function property(name: string, negated: boolean): string {
  let n = name;
  let neg = negated;
  if (n.startsWith("^")) {
    n = n.slice(1);
    neg = !neg;
  }
  if (!/^[A-Za-z_]+$/.test(n)) throw new Fail(`invalid character class range: \\p{${name}}`);
  const js = n === "Any" ? "Any" : GENERAL_CATEGORIES.has(n) ? n : `Script=${n}`;
  const text = `\\${neg ? "P" : "p"}{${js}}`;
  try {
    new RegExp(text, "u");
  } catch {
    throw new Fail(`invalid character class range: \\p{${name}}`);
  }
  return text;
}

export function translateRe2(pattern: string): Translation {
  try {
    return { ok: true, source: new Translator(pattern).run() };
  } catch (e) {
    if (e instanceof Fail) return { ok: false, error: `error parsing regexp: ${e.message}` };
    throw e;
  }
}

class Translator {
  private readonly c: string[];
  private i = 0;
  private out = "";
  private readonly frames: Frame[] = [{ dotAll: false, ungreedy: false, mods: [] }];

  constructor(pattern: string) {
    this.c = [...pattern];
  }

  private get frame(): Frame {
    return this.frames[this.frames.length - 1];
  }

  run(): string {
    while (this.i < this.c.length) this.step();
    if (this.frames.length > 1) throw new Fail(`missing closing ): \`${this.c.join("")}\``);
    this.out += ")".repeat(this.frame.mods.length);
    return this.out;
  }

  private step(): void {
    const ch = this.c[this.i++];
    switch (ch) {
      case "\\":
        this.out += this.escape(false);
        this.quantifier();
        return;
      case "[":
        this.out += this.charClass();
        this.quantifier();
        return;
      case "(":
        this.openGroup();
        return;
      case ")": {
        if (this.frames.length === 1) throw new Fail(`unexpected ): \`${this.c.join("")}\``);
        const f = this.frames.pop()!;
        this.out += ")".repeat(f.mods.length) + ")";
        this.quantifier();
        return;
      }
      case "|": {
        const mods = this.frame.mods;
        this.out += ")".repeat(mods.length) + "|" + mods.join("");
        return;
      }
      case ".":
        this.out += this.frame.dotAll ? "[\\s\\S]" : "[^\\n]";
        this.quantifier();
        return;
      case "{":
        this.out += "\\{";
        this.quantifier();
        return;
      case "}":
      case "]":
      case "/":
        this.out += "\\" + ch;
        this.quantifier();
        return;
      case "*":
      case "+":
      case "?":
        throw new Fail(`missing argument to repetition operator: \`${ch}\``);
      default:
        this.out += ch;
        if (ch !== "^" && ch !== "$") this.quantifier();
    }
  }

  /** Emit a following quantifier, if any, honouring the `U` flag. */
  private quantifier(): void {
    const c = this.c;
    let q = "";
    if (c[this.i] === "*" || c[this.i] === "+" || c[this.i] === "?") q = c[this.i++];
    else if (c[this.i] === "{") {
      const rest = c.slice(this.i).join("");
      const m = /^\{(\d+)(,(\d*))?\}/.exec(rest);
      if (!m) return;
      const lo = Number(m[1]), hi = m[3] ? Number(m[3]) : undefined;
      if (lo > 1000 || (hi !== undefined && (hi > 1000 || hi < lo))) {
        throw new Fail(`invalid repeat count: \`${m[0]}\``);
      }
      q = m[0];
      this.i += [...m[0]].length;
    } else return;
    let lazy = false;
    if (c[this.i] === "?") {
      lazy = true;
      this.i++;
    }
    if (this.frame.ungreedy) lazy = !lazy;
    this.out += q + (lazy ? "?" : "");
    if (
      c[this.i] === "*" || c[this.i] === "+" || c[this.i] === "?" ||
      (c[this.i] === "{" && /^\{\d+(,\d*)?\}/.test(c.slice(this.i).join("")))
    ) {
      throw new Fail(`invalid nested repetition operator: \`${q}${c[this.i]}\``);
    }
  }

  private openGroup(): void {
    const c = this.c;
    const parent = this.frame;
    if (c[this.i] !== "?") {
      this.frames.push({ dotAll: parent.dotAll, ungreedy: parent.ungreedy, mods: [] });
      this.out += "(";
      return;
    }
    const rest = c.slice(this.i).join("");
    const named = /^\?P?<([A-Za-z0-9_]+)>/.exec(rest);
    if (named) {
      this.i += named[0].length;
      this.frames.push({ dotAll: parent.dotAll, ungreedy: parent.ungreedy, mods: [] });
      this.out += `(?<${named[1]}>`;
      return;
    }
    const flags = /^\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
    if (
      !flags || (flags[2] === "" && flags[0].includes("-")) ||
      (flags[1] === "" && flags[2] === undefined && flags[3] === ")")
    ) {
      throw new Fail(`invalid or unsupported Perl syntax: \`(${rest.slice(0, 3)}\``);
    }
    this.i += flags[0].length;
    const on = flags[1], off = flags[2] ?? "";
    const dotAll = on.includes("s") ? true : off.includes("s") ? false : parent.dotAll;
    const ungreedy = on.includes("U") ? true : off.includes("U") ? false : parent.ungreedy;
    const jsOn = on.replace(/[sU]/g, ""), jsOff = off.replace(/[sU]/g, "");
    const mod = jsOn || jsOff ? `(?${jsOn}${jsOff ? "-" + jsOff : ""}:` : "(?:";
    if (flags[3] === ":") {
      this.frames.push({ dotAll, ungreedy, mods: [] });
      this.out += mod;
    } else {
      // `(?flags)`: applies to the rest of the enclosing group.
      parent.dotAll = dotAll;
      parent.ungreedy = ungreedy;
      if (mod !== "(?:") {
        parent.mods.push(mod);
        this.out += mod;
      }
    }
  }

  /** After a backslash; returns JS text. */
  private escape(inClass: boolean): string {
    const c = this.c;
    const e = c[this.i++];
    if (e === undefined) throw new Fail("trailing backslash at end of expression");
    if (isPunct(e)) {
      if (inClass) return JS_CLASS_SYNTAX.has(e) ? "\\" + e : e;
      return JS_SYNTAX.has(e) ? "\\" + e : e;
    }
    switch (e) {
      case "d":
      case "D":
      case "w":
      case "W":
      case "f":
      case "n":
      case "r":
      case "t":
      case "v":
        return "\\" + e;
      case "b":
      case "B":
        if (inClass) throw new Fail(`invalid escape sequence: \`\\${e}\``);
        return "\\" + e;
      case "a":
        return "\\x07";
      case "s":
        return inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]";
      case "S":
        if (inClass) throw new Fail("\\S inside a character class is not supported");
        return "[^\\t\\n\\f\\r ]";
      case "A":
        if (inClass) break;
        return "(?<![\\s\\S])";
      case "z":
        if (inClass) break;
        return "(?![\\s\\S])";
      case "Q": {
        if (inClass) break;
        let lit = "";
        while (this.i < c.length && !(c[this.i] === "\\" && c[this.i + 1] === "E")) {
          const ch = c[this.i++];
          lit += JS_SYNTAX.has(ch) ? "\\" + ch : ch;
        }
        if (this.i < c.length) this.i += 2;
        return lit === "" ? "(?:)" : `(?:${lit})`;
      }
      case "x": {
        if (c[this.i] === "{") {
          const close = c.indexOf("}", this.i);
          const hex = close < 0 ? "" : c.slice(this.i + 1, close).join("");
          if (!/^[0-9A-Fa-f]{1,6}$/.test(hex) || parseInt(hex, 16) > 0x10ffff) {
            throw new Fail("invalid escape sequence: `\\x{`");
          }
          this.i = close + 1;
          return `\\u{${hex}}`;
        }
        const hex = c.slice(this.i, this.i + 2).join("");
        if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new Fail("invalid escape sequence: `\\x`");
        this.i += 2;
        return `\\x${hex}`;
      }
      case "p":
      case "P": {
        let name: string;
        if (c[this.i] === "{") {
          const close = c.indexOf("}", this.i);
          if (close < 0) throw new Fail("invalid character class range: `\\p{`");
          name = c.slice(this.i + 1, close).join("");
          this.i = close + 1;
        } else {
          name = c[this.i++] ?? "";
        }
        return property(name, e === "P");
      }
      default:
        if (e >= "0" && e <= "7") {
          // Octal: \0, \0N, \0NN, or \NN with N octal (a lone \1-\7 is a backreference: rejected).
          let digits = e;
          while (digits.length < 3 && c[this.i] >= "0" && c[this.i] <= "7") digits += c[this.i++];
          if (e !== "0" && digits.length === 1) break;
          return `\\u{${parseInt(digits, 8).toString(16)}}`;
        }
    }
    throw new Fail(`invalid escape sequence: \`\\${e}\``);
  }

  /** After `[`; returns the JS class. */
  private charClass(): string {
    const c = this.c;
    let out = "[";
    if (c[this.i] === "^") {
      out += "^";
      this.i++;
    }
    let first = true;
    while (true) {
      if (this.i >= c.length) throw new Fail("missing closing ]");
      const ch = c[this.i];
      if (ch === "]" && !first) {
        this.i++;
        break;
      }
      first = false;
      if (ch === "[" && c[this.i + 1] === ":") {
        const rest = c.slice(this.i).join("");
        const m = /^\[:(\^?)([a-z]+):\]/.exec(rest);
        if (m && POSIX[m[2]] !== undefined) {
          if (m[1]) throw new Fail(`negated POSIX class ${m[0]} is not supported`);
          out += POSIX[m[2]];
          this.i += m[0].length;
          continue;
        }
      }
      this.i++;
      if (ch === "\\") out += this.escape(true);
      else out += JS_CLASS_SYNTAX.has(ch) && ch !== "-" && ch !== "^" ? "\\" + ch : ch;
    }
    return out + "]";
  }
}
