/**
 * `sprintf` with Go's fmt semantics, as OPA applies them: integral numbers are Go ints, other
 * numbers float64, strings strings, and every other value its Rego text (a Go string). So
 * `%d` of 1.5 is "%!d(float64=1.5)", `%f` of 3.14 is "3.140000", a missing operand is
 * "%!d(MISSING)", and extra operands are listed as "%!(EXTRA int=1)".
 *
 * Supported: flags `+ - # 0 space`, width and precision (also `*`), explicit indexes `[n]`, verbs
 * v d b o O x X c q U e E f F g G s t and `%%`. Not supported: hexadecimal floats (`%x` of a
 * non-integral number is reported as a bad verb).
 */
import { regoText } from "./values.ts";

type Arg =
  | { kind: "int"; value: bigint }
  | { kind: "float"; value: number }
  | { kind: "string"; value: string };

interface Spec {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

export function toGoArg(v: unknown): Arg {
  if (typeof v === "number") {
    if (Number.isInteger(v)) return { kind: "int", value: BigInt(Math.abs(v) < 1e21 ? v.toString() : v) };
    return { kind: "float", value: v };
  }
  if (typeof v === "string") return { kind: "string", value: v };
  return { kind: "string", value: regoText(v) };
}

function goTypeName(a: Arg): string {
  if (a.kind === "int") {
    const fits = a.value >= -(2n ** 63n) && a.value < 2n ** 63n;
    return fits ? "int" : "*big.Int";
  }
  return a.kind === "float" ? "float64" : "string";
}

function runeLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function pad(s: string, spec: Spec): string {
  if (spec.width === undefined) return s;
  const missing = spec.width - runeLength(s);
  if (missing <= 0) return s;
  return spec.minus ? s + " ".repeat(missing) : " ".repeat(missing) + s;
}

/** Pad a signed number: zeros go between the sign (and prefix) and the digits. */
function padNumber(sign: string, body: string, spec: Spec, zeroAllowed: boolean): string {
  if (spec.zero && zeroAllowed && !spec.minus && spec.width !== undefined) {
    const missing = spec.width - sign.length - body.length;
    if (missing > 0) return sign + "0".repeat(missing) + body;
  }
  return pad(sign + body, spec);
}

function quoteGo(s: string, asciiOnly: boolean): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case "\\":
        out += "\\\\";
        continue;
      case "\x07":
        out += "\\a";
        continue;
      case "\b":
        out += "\\b";
        continue;
      case "\f":
        out += "\\f";
        continue;
      case "\n":
        out += "\\n";
        continue;
      case "\r":
        out += "\\r";
        continue;
      case "\t":
        out += "\\t";
        continue;
      case "\v":
        out += "\\v";
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += "\\x" + cp.toString(16).padStart(2, "0");
    else if (cp < 0x7f) out += ch;
    else if (asciiOnly || /[\p{C}\p{Zl}\p{Zp}]/u.test(ch)) {
      out += cp > 0xffff
        ? "\\U" + cp.toString(16).padStart(8, "0")
        : "\\u" + cp.toString(16).padStart(4, "0");
    } else out += ch;
  }
  return out + '"';
}

function formatInt(value: bigint, verb: string, spec: Spec): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  if (verb === "c") return pad(String.fromCodePoint(Number(abs)), spec);
  if (verb === "q") return pad(`'${String.fromCodePoint(Number(abs))}'`, spec);
  if (verb === "U") {
    const hex = abs.toString(16).toUpperCase().padStart(Math.max(4, spec.prec ?? 0), "0");
    return pad(`U+${hex}`, spec);
  }
  const base = verb === "b" ? 2 : verb === "o" || verb === "O" ? 8 : verb === "x" || verb === "X" ? 16 : 10;
  let digits = abs.toString(base);
  if (verb === "X") digits = digits.toUpperCase();
  if (spec.prec !== undefined) {
    digits = spec.prec === 0 && abs === 0n ? "" : digits.padStart(spec.prec, "0");
  }
  let prefix = "";
  if (verb === "O") prefix = "0o";
  else if (spec.sharp) {
    if (verb === "b") prefix = "0b";
    else if (verb === "o" && !digits.startsWith("0")) prefix = "0";
    else if (verb === "x") prefix = "0x";
    else if (verb === "X") prefix = "0X";
  }
  const sign = negative ? "-" : spec.plus ? "+" : spec.space ? " " : "";
  return padNumber(sign + prefix, digits, spec, spec.prec === undefined);
}

/** Decimal digits and exponent of |v|: shortest when prec is undefined, else `prec` significant. */
function decimalDigits(v: number, significant?: number): { digits: string; exp: number } {
  const text = significant === undefined
    ? Math.abs(v).toExponential()
    : Math.abs(v).toExponential(significant - 1);
  const [mantissa, e] = text.split("e");
  return { digits: mantissa.replace(".", ""), exp: Number(e) };
}

function expSuffix(exp: number, letter: string): string {
  const sign = exp < 0 ? "-" : "+";
  return letter + sign + String(Math.abs(exp)).padStart(2, "0");
}

function formatE(v: number, prec: number | undefined, letter: string): string {
  const { digits, exp } = decimalDigits(v, prec === undefined ? undefined : prec + 1);
  const frac = digits.slice(1);
  return digits[0] + (frac.length > 0 ? "." + frac : "") + expSuffix(exp, letter);
}

function formatG(v: number, prec: number | undefined, letter: string, sharp: boolean): string {
  if (v === 0) return "0";
  let p = prec;
  if (p === 0) p = 1;
  let { digits, exp } = decimalDigits(v, p);
  if (!sharp) digits = digits.replace(/0+$/, "") || "0";
  const nd = digits.length;
  let eprec = p ?? 6;
  if (p !== undefined && eprec > nd && nd >= exp + 1) eprec = nd;
  if (p === undefined) eprec = 6;
  if (exp < -4 || exp >= eprec) {
    const frac = digits.slice(1);
    return digits[0] + (frac.length > 0 ? "." + frac : "") + expSuffix(exp, letter);
  }
  // %f form with the significant digits we have.
  const point = exp + 1;
  if (point <= 0) return "0." + "0".repeat(-point) + digits;
  if (point >= nd) return digits + "0".repeat(point - nd);
  return digits.slice(0, point) + "." + digits.slice(point);
}

function formatFloat(value: number, verb: string, spec: Spec): string {
  let body: string;
  switch (verb) {
    case "e":
    case "E":
      body = formatE(value, spec.prec ?? 6, verb);
      break;
    case "f":
    case "F":
      body = Math.abs(value).toFixed(spec.prec ?? 6);
      if (body.includes("e")) body = BigInt(Math.trunc(Math.abs(value))).toString();
      break;
    case "g":
    case "G":
      body = formatG(value, spec.prec, verb === "g" ? "e" : "E", spec.sharp);
      break;
    default: // v
      body = formatG(value, undefined, "e", false);
  }
  const negative = value < 0 || Object.is(value, -0);
  const sign = negative ? "-" : spec.plus ? "+" : spec.space ? " " : "";
  return padNumber(sign, body, spec, true);
}

function formatString(value: string, verb: string, spec: Spec): string {
  switch (verb) {
    case "v":
    case "s": {
      if (spec.prec === undefined) return pad(value, spec);
      return pad([...value].slice(0, spec.prec).join(""), spec);
    }
    case "q":
      return pad(quoteGo(value, spec.plus), spec);
    default: { // x, X
      let bytes = [...new TextEncoder().encode(value)];
      if (spec.prec !== undefined) bytes = bytes.slice(0, spec.prec);
      let hex = bytes.map((b) => b.toString(16).padStart(2, "0")).join(spec.space ? " " : "");
      if (verb === "X") hex = hex.toUpperCase();
      return pad(hex, spec);
    }
  }
}

const INT_VERBS = "vdboOxXcqU";
const FLOAT_VERBS = "veEfFgG";
const STRING_VERBS = "vsqxX";

function plainValue(a: Arg): string {
  if (a.kind === "int") return a.value.toString();
  if (a.kind === "float") return formatG(a.value, undefined, "e", false).replace(/^/, a.value < 0 ? "-" : "");
  return a.value;
}

function formatArg(a: Arg, verb: string, spec: Spec): string {
  if (a.kind === "int" && INT_VERBS.includes(verb)) return formatInt(a.value, verb, spec);
  if (a.kind === "float" && FLOAT_VERBS.includes(verb)) return formatFloat(a.value, verb, spec);
  if (a.kind === "string" && STRING_VERBS.includes(verb)) return formatString(a.value, verb, spec);
  return `%!${verb}(${goTypeName(a)}=${plainValue(a)})`;
}

/** Go's fmt.Sprintf over OPA's operand conversion. */
export function goSprintf(format: string, values: unknown[]): string {
  const args = values.map(toGoArg);
  const chars = [...format];
  let out = "";
  let argNum = 0;
  let reordered = false;
  let i = 0;
  const readNumber = (): number | undefined => {
    let digits = "";
    while (i < chars.length && chars[i] >= "0" && chars[i] <= "9") digits += chars[i++];
    return digits === "" ? undefined : Number(digits);
  };
  const readIndex = (): void => {
    if (chars[i] !== "[") return;
    const close = chars.indexOf("]", i);
    const n = close < 0 ? NaN : Number(chars.slice(i + 1, close).join(""));
    if (Number.isInteger(n) && n >= 1) {
      argNum = n - 1;
      reordered = true;
      i = close + 1;
    }
  };
  const starArg = (): number | undefined => {
    const a = args[argNum++];
    return a?.kind === "int" ? Number(a.value) : undefined;
  };
  while (i < chars.length) {
    if (chars[i] !== "%") {
      out += chars[i++];
      continue;
    }
    i++;
    const spec: Spec = { plus: false, minus: false, sharp: false, space: false, zero: false };
    flags: while (i < chars.length) {
      switch (chars[i]) {
        case "+":
          spec.plus = true;
          break;
        case "-":
          spec.minus = true;
          spec.zero = false;
          break;
        case "#":
          spec.sharp = true;
          break;
        case " ":
          spec.space = true;
          break;
        case "0":
          spec.zero = !spec.minus;
          break;
        default:
          break flags;
      }
      i++;
    }
    readIndex();
    if (chars[i] === "*") {
      i++;
      spec.width = starArg();
      if (spec.width !== undefined && spec.width < 0) {
        spec.minus = true;
        spec.width = -spec.width;
      }
    } else spec.width = readNumber();
    if (chars[i] === ".") {
      i++;
      readIndex();
      if (chars[i] === "*") {
        i++;
        spec.prec = starArg();
        if (spec.prec !== undefined && spec.prec < 0) spec.prec = undefined;
      } else spec.prec = readNumber() ?? 0;
    }
    readIndex();
    if (i >= chars.length) {
      out += "%!(NOVERB)";
      break;
    }
    const verb = chars[i++];
    if (verb === "%") {
      out += "%";
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argNum++];
    if (verb === "v" && spec.sharp && arg.kind === "string") out += pad(quoteGo(arg.value, false), spec);
    else out += formatArg(arg, verb, spec);
  }
  if (!reordered && argNum < args.length) {
    out += "%!(EXTRA " + args.slice(argNum).map((a) => `${goTypeName(a)}=${plainValue(a)}`).join(", ") + ")";
  }
  return out;
}
