/**
 * YAML as OPA reads and writes it: OPA goes through sigs.k8s.io/yaml, that is Go's yaml.v2 (YAML
 * 1.1) with a JSON conversion.
 *
 * Reading (goYamlToJson): only the first document counts (later ones are not even parsed); plain
 * scalars resolve as yaml.v2 resolves them (yes/no/on/off/y/n are booleans, 0x1F, 0o17, 012 and
 * 1_000 are integers, timestamps stay strings, base-60 numbers stay strings); merge keys and
 * aliases are followed; !!binary is decoded; map keys become strings (1 → "1", true → "true"), and
 * a null or collection key, or an infinite or NaN number, is an error (no JSON form).
 *
 * Writing (jsonToGoYaml): yaml.v2's emitter: keys in its natural order (digit runs compared as
 * numbers), two-space indentation, sequences inside mappings not indented, `[]` and `{}` for empty
 * collections, strings quoted only when a plain scalar would read back as something else or cannot
 * be written plainly (double quotes for the former and for special characters, single quotes for
 * the rest), multi-line strings as literal blocks, lines folded at spaces past column 80.
 *
 * Numbers arrive as JS numbers: an integral value within int64 is written as an integer, even when
 * the policy wrote it as a float (OPA: 1e6 → 1e+06; here 1000000).
 */
import { type Alias, Composer, isAlias, isMap, isScalar, isSeq, type Node, Parser, Scalar } from "yaml";

export class GoYamlError extends Error {}

// ---------------------------------------------------------------------------------------------
// Scalar resolution (yaml.v2 resolve.go)

const TRUE = new Set(["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"]);
const FALSE = new Set(["n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"]);
const NULL = new Set(["", "~", "null", "Null", "NULL"]);
const NAN = new Set([".nan", ".NaN", ".NAN"]);
const INF = new Set([".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]);
const NEG_INF = new Set(["-.inf", "-.Inf", "-.INF"]);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const TIMESTAMP =
  /^\d{4}-\d{1,2}-\d{1,2}(([Tt]|[ \t]+)\d{1,2}:\d{1,2}:\d{1,2}(\.\d*)?([ \t]*(Z|[-+]\d{1,2}(:\d{2})?))?)?$/;
const INT64_MAX = 2n ** 63n - 1n, INT64_MIN = -(2n ** 63n), UINT64_MAX = 2n ** 64n - 1n;

/** Go's strconv.ParseInt(s, 0, 64) / ParseUint(s, 0, 64) as one: the value, or undefined. */
function goParseInt(s: string): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const body = m[2];
  let v: bigint;
  if (/^0[oO]/.test(body)) v = BigInt("0o" + body.slice(2));
  else if (/^0[0-7]+$/.test(body)) v = BigInt("0o" + body.slice(1));
  else v = BigInt(body);
  if (m[1] === "-") v = -v;
  if (m[1] === "" && v <= UINT64_MAX && v >= 0n) return v;
  return v >= INT64_MIN && v <= INT64_MAX ? v : undefined;
}

type Resolved =
  | { kind: "null" }
  | { kind: "bool"; value: boolean }
  | { kind: "int"; value: bigint }
  | {
    kind: "float";
    value: number;
  }
  | { kind: "str"; value: string; timestamp?: boolean }
  | { kind: "merge" };

/** What a plain scalar means to yaml.v2. */
export function resolvePlain(s: string): Resolved {
  if (TRUE.has(s)) return { kind: "bool", value: true };
  if (FALSE.has(s)) return { kind: "bool", value: false };
  if (NULL.has(s)) return { kind: "null" };
  if (NAN.has(s)) return { kind: "float", value: NaN };
  if (INF.has(s)) return { kind: "float", value: Infinity };
  if (NEG_INF.has(s)) return { kind: "float", value: -Infinity };
  if (s === "<<") return { kind: "merge" };
  if (/^[-+.0-9]/.test(s)) {
    // A timestamp decodes to a string, but is quoted when written.
    if (/^[0-9]/.test(s) && TIMESTAMP.test(s)) return { kind: "str", value: s, timestamp: true };
    const plain = s.replaceAll("_", "");
    const int = goParseInt(plain);
    if (int !== undefined) return { kind: "int", value: int };
    if (YAML_FLOAT.test(plain)) {
      const f = Number(plain);
      if (Number.isFinite(f)) return { kind: "float", value: f };
    }
  }
  return { kind: "str", value: s };
}

// ---------------------------------------------------------------------------------------------
// Reading

const RAW_BINARY = { tag: "tag:yaml.org,2002:binary", resolve: (s: string) => s };

const decoder = new TextDecoder();

/** The first YAML document of `text` as JSON, as OPA's yaml.unmarshal gives it. */
export function goYamlToJson(text: string): unknown {
  // Every scalar is read as its text (tags are interpreted by scalarValue); !!binary included.
  const composer = new Composer({
    schema: "failsafe",
    uniqueKeys: false,
    merge: false,
    customTags: [RAW_BINARY],
  });
  // yaml.v2 wants content before a document end marker.
  if (/^(\s*(#.*)?\n)*\.\.\.(\s|$)/.test(text)) throw new GoYamlError("did not find expected node content");
  const next = composer.compose(new Parser().parse(text), false).next();
  if (next.done) return null;
  const doc = next.value;
  if (doc.errors.length > 0) throw new GoYamlError(doc.errors[0].message.split("\n")[0]);
  return doc.contents === null ? null : toJson(doc.contents as Node, doc, new Set());
}

function scalarValue(node: Scalar): unknown {
  const tag = node.tag;
  const raw = String(node.value);
  if (tag !== undefined && tag !== "!") {
    switch (tag) {
      case "tag:yaml.org,2002:str":
        return raw;
      case "tag:yaml.org,2002:binary":
        return decoder.decode(Uint8Array.from(atob(raw.replace(/\s+/g, "")), (c) => c.charCodeAt(0)));
      case "tag:yaml.org,2002:int":
      case "tag:yaml.org,2002:float":
      case "tag:yaml.org,2002:bool":
      case "tag:yaml.org,2002:null": {
        const r = resolvePlain(raw);
        const want = tag.slice("tag:yaml.org,2002:".length);
        if (want === "float" && r.kind === "int") return Number(r.value);
        if (
          (want === "int" && r.kind !== "int") || (want === "float" && r.kind !== "float") ||
          (want === "bool" && r.kind !== "bool") || (want === "null" && r.kind !== "null")
        ) {
          throw new GoYamlError(`cannot decode ${JSON.stringify(raw)} as !!${want}`);
        }
        return jsonScalar(r);
      }
      default:
        return raw;
    }
  }
  if (node.type !== Scalar.PLAIN) return raw;
  const r = resolvePlain(raw);
  return r.kind === "merge" ? "<<" : jsonScalar(r);
}

function jsonScalar(r: Resolved): unknown {
  switch (r.kind) {
    case "null":
      return null;
    case "bool":
    case "str":
      return r.value;
    case "int":
      return Number(r.value);
    case "float":
      if (!Number.isFinite(r.value)) throw new GoYamlError("json: unsupported value: " + String(r.value));
      return r.value;
    default:
      return "<<";
  }
}

/** A map key as sigs.k8s.io/yaml turns it into a JSON key. */
function jsonKey(node: Node | null): string {
  if (node === null) throw new GoYamlError("Unsupported map key of type: nil");
  if (!isScalar(node)) throw new GoYamlError("Unsupported map key: not a scalar");
  const v = scalarValue(node);
  if (v === null) throw new GoYamlError("Unsupported map key of type: nil");
  if (typeof v === "number") return goFloatText(v, Number.isInteger(v) && Math.abs(v) < 2 ** 63);
  return String(v);
}

type Doc = Parameters<Alias["resolve"]>[0];

function toJson(node: Node, doc: Doc, seen: Set<Node>): unknown {
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (target === undefined) throw new GoYamlError(`unknown anchor '${node.source}' referenced`);
    return toJson(target as Node, doc, seen);
  }
  if (isScalar(node)) return scalarValue(node);
  if (seen.has(node)) throw new GoYamlError("recursive alias");
  seen.add(node);
  try {
    if (isSeq(node)) return node.items.map((item) => toJson(item as Node, doc, seen));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const merged: Record<string, unknown>[] = [];
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (
          key !== null && isScalar(key) && key.type === Scalar.PLAIN && key.tag === undefined &&
          key.value === "<<"
        ) {
          const value = toJson(pair.value as Node, doc, seen);
          for (const m of Array.isArray(value) ? value : [value]) {
            if (typeof m !== "object" || m === null || Array.isArray(m)) {
              throw new GoYamlError("map merge requires map or sequence of maps as the value");
            }
            merged.push(m as Record<string, unknown>);
          }
          continue;
        }
        out[jsonKey(key)] = pair.value === null ? null : toJson(pair.value as Node, doc, seen);
      }
      // Keys of the map itself win; among merged maps, the first one wins.
      for (const m of merged) for (const [k, v] of Object.entries(m)) if (!Object.hasOwn(out, k)) out[k] = v;
      return out;
    }
    return null;
  } finally {
    seen.delete(node);
  }
}

// ---------------------------------------------------------------------------------------------
// Writing (yaml.v2 encode.go and emitterc.go, for JSON values)

/** Go's strconv.FormatFloat(f, 'g', -1, 64), or an integer's digits. */
function goFloatText(f: number, integer: boolean): string {
  if (integer) return BigInt(f).toString();
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const [mantissa, expText] = f.toExponential().split("e");
  const exp = Number(expText);
  const digits = mantissa.replace(/^-/, "").replace(".", "");
  const sign = f < 0 ? "-" : "";
  if (exp < -4 || exp >= 6) { // Go: %e when the exponent is < -4 or >= 6 (shortest form)
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${e}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + "0".repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

function numberText(n: number): string {
  // Beyond 2^53 the JS number's shortest text is what JSON carried (the exact digits are lost).
  if (Number.isInteger(n) && n >= -(2 ** 63) && n < 2 ** 63) return Object.is(n, -0) ? "0" : String(n);
  return goFloatText(n, false);
}

/**
 * OPA hands the JSON text to a YAML parser: in a double-quoted scalar a raw NEL (U+0085) is a line
 * break, folded (with the spaces around it) into a space, or n-1 newlines for a run of n.
 */
function throughYaml(s: string): string {
  if (!s.includes("\u0085")) return s;
  // Only raw spaces fold away: Go's JSON escapes tabs, and escapes are not blanks to YAML.
  return s.replace(/ *\u0085(?: *\u0085)* */g, (run) => {
    const n = [...run].filter((c) => c === "\u0085").length;
    return n === 1 ? " " : "\n".repeat(n - 1);
  });
}

const BEST_WIDTH = 80;
const isBreak = (c: string | undefined) =>
  c === "\r" || c === "\n" || c === "\u0085" || c === "\u2028" || c === "\u2029";
const isBlankz = (c: string | undefined) => c === undefined || c === " " || c === "\t" || isBreak(c);

function printable(c: string): boolean {
  const cp = c.codePointAt(0)!;
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
}

/** libyaml's yaml_emitter_analyze_scalar. */
function analyze(s: string) {
  if (s === "") return { multiline: false, flowPlain: false, blockPlain: true, single: true, block: false };
  const cps = [...s];
  let flowInd = false, blockInd = false, lineBreaks = false, special = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
  let breakSpace = false, spaceBreak = false, previousSpace = false, previousBreak = false;
  if (s.startsWith("---") || s.startsWith("...")) flowInd = blockInd = true;
  let precededByWs = true;
  let followedByWs = isBlankz(cps[1]);
  const last = cps.length - 1;
  cps.forEach((c, i) => {
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(c)) flowInd = blockInd = true;
      if (c === "?" || c === ":") {
        flowInd = true;
        if (followedByWs) blockInd = true;
      }
      if (c === "-" && followedByWs) flowInd = blockInd = true;
    } else {
      if (",?[]{}".includes(c)) flowInd = true;
      if (c === ":") {
        flowInd = true;
        if (followedByWs) blockInd = true;
      }
      if (c === "#" && precededByWs) flowInd = blockInd = true;
    }
    if (!printable(c)) special = true;
    if (isBreak(c)) lineBreaks = true;
    if (c === " ") {
      if (i === 0) leadingSpace = true;
      if (i === last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      if (i === 0) leadingBreak = true;
      if (i === last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousBreak = true;
      previousSpace = false;
    } else {
      previousSpace = previousBreak = false;
    }
    precededByWs = isBlankz(c);
    followedByWs = isBlankz(cps[i + 2]);
  });
  let flowPlain = true, blockPlain = true, single = true, block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) flowPlain = blockPlain = false;
  if (trailingSpace) block = false;
  if (breakSpace) flowPlain = blockPlain = single = false;
  if (spaceBreak || special) {
    flowPlain =
      blockPlain =
      single =
      block =
        false;
  }
  if (lineBreaks) flowPlain = blockPlain = false;
  if (flowInd) flowPlain = false;
  if (blockInd) blockPlain = false;
  return { multiline: lineBreaks, flowPlain, blockPlain, single, block };
}

const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

type Style = "plain" | "single" | "double" | "literal";

/** yaml.v2's stringv and libyaml's yaml_emitter_select_scalar_style (block context). */
function stringStyle(s: string, simpleKey: boolean): Style {
  const r = resolvePlain(s);
  const canPlain = s === "<<" || (r.kind === "str" && !r.timestamp && !BASE60.test(s));
  let style: Style = s.includes("\n") ? "literal" : canPlain ? "plain" : "double";
  const a = analyze(s);
  if (simpleKey && a.multiline) style = "double";
  if (style === "plain" && (!a.blockPlain || (s === "" && simpleKey))) style = "single";
  if (style === "single" && !a.single) style = "double";
  if (style === "literal" && (!a.block || simpleKey)) style = "double";
  return style;
}

const ESCAPES: Record<string, string> = {
  "\0": "0",
  "\x07": "a",
  "\b": "b",
  "\t": "t",
  "\n": "n",
  "\x0b": "v",
  "\f": "f",
  "\r": "r",
  "\x1b": "e",
  '"': '"',
  "\\": "\\",
  "\u0085": "N",
  "\u00a0": "_",
  "\u2028": "L",
  "\u2029": "P",
};

/** Output with libyaml's column tracking and block indentation. */
class Out {
  text = "";
  column = 0;
  write(s: string): void {
    this.text += s;
    const nl = s.lastIndexOf("\n");
    this.column = nl < 0 ? this.column + [...s].length : [...s.slice(nl + 1)].length;
  }
  /** A line break, then spaces up to `indent`. */
  indent(indent: number): void {
    this.write("\n" + " ".repeat(indent));
  }
}

/** A string scalar at the current position; `indent` is its block indentation (continuations). */
function writeString(out: Out, s: string, indent: number, simpleKey: boolean): void {
  const style = stringStyle(s, simpleKey);
  const cps = [...s];
  const last = cps.length - 1;
  const allowBreaks = !simpleKey;
  if (style === "plain") {
    let spaces = false;
    cps.forEach((c, i) => {
      if (c === " ") {
        if (allowBreaks && !spaces && out.column > BEST_WIDTH && cps[i + 1] !== " ") out.indent(indent);
        else out.write(c);
        spaces = true;
      } else {
        out.write(c);
        spaces = false;
      }
    });
  } else if (style === "single") {
    out.write("'");
    let spaces = false;
    cps.forEach((c, i) => {
      if (c === " ") {
        if (
          allowBreaks && !spaces && out.column > BEST_WIDTH && i !== 0 && i !== last && cps[i + 1] !== " "
        ) {
          out.indent(indent);
        } else out.write(c);
        spaces = true;
      } else {
        out.write(c === "'" ? "''" : c);
        spaces = false;
      }
    });
    out.write("'");
  } else if (style === "double") {
    out.write('"');
    let spaces = false;
    cps.forEach((c, i) => {
      const cp = c.codePointAt(0)!;
      if (!printable(c) || isBreak(c) || c === '"' || c === "\\") {
        const short = ESCAPES[c];
        const hex = cp.toString(16).toUpperCase();
        out.write(
          short !== undefined
            ? "\\" + short
            : cp <= 0xff
            ? "\\x" + hex.padStart(2, "0")
            : cp <= 0xffff
            ? "\\u" + hex.padStart(4, "0")
            : "\\U" + hex.padStart(8, "0"),
        );
        spaces = false;
      } else if (c === " ") {
        if (allowBreaks && !spaces && out.column > BEST_WIDTH && i !== 0 && i !== last) {
          out.indent(indent);
          if (cps[i + 1] === " ") out.write("\\");
        } else out.write(c);
        spaces = true;
      } else {
        out.write(c);
        spaces = false;
      }
    });
    out.write('"');
  } else {
    // Literal block: indentation hint when the text starts with a space or break, chomping.
    let hints = isBreak(cps[0]) || cps[0] === " " ? "2" : "";
    if (!isBreak(cps[last])) hints += "-";
    else if (last === 0 || isBreak(cps[last - 1])) hints += "+";
    out.write("|" + hints);
    let breaks = true;
    out.write("\n");
    for (const c of cps) {
      if (isBreak(c)) {
        out.write("\n");
        breaks = true;
      } else {
        if (breaks) out.write(" ".repeat(indent));
        breaks = false;
        out.write(c);
      }
    }
    // The caller ends the line; a literal block already ended with its last break.
    if (isBreak(cps[last])) out.text = out.text.slice(0, -1);
  }
}

function isCollection(v: unknown): boolean {
  return Array.isArray(v) ? v.length > 0 : typeof v === "object" && v !== null && Object.keys(v).length > 0;
}

/** A scalar or empty collection, on the current line. */
function writeScalar(out: Out, v: unknown, indent: number, simpleKey = false): void {
  if (v === null || v === undefined) out.write("null");
  else if (typeof v === "boolean") out.write(String(v));
  else if (typeof v === "number") out.write(numberText(v));
  else if (typeof v === "string") writeString(out, throughYaml(v), indent, simpleKey);
  else out.write(Array.isArray(v) ? "[]" : "{}");
}

/** yaml.v2's key order (sorter.go) for string keys: digit runs compare as numbers. */
export function goKeyLess(a: string, b: string): boolean {
  const ar = [...a], br = [...b];
  const isLetter = (c: string) => /\p{L}/u.test(c);
  const isDigit = (c: string | undefined) => c !== undefined && /\p{Nd}/u.test(c);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]), bl = isLetter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return bl;
    let an = 0n, bn = 0n;
    if (ar[i] === "0" || br[i] === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== "0") {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i, bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + BigInt(ar[ai].charCodeAt(0) - 48);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + BigInt(br[bi].charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.length < br.length;
}

function writeMapping(out: Out, m: Record<string, unknown>, indent: number, inline: boolean): void {
  const entries = Object.entries(m).map(([k, v]) => [throughYaml(k), v] as const);
  entries.sort(([a], [b]) => (goKeyLess(a, b) ? -1 : goKeyLess(b, a) ? 1 : 0));
  entries.forEach(([k, v], i) => {
    if (i > 0 || !inline) out.indent(indent);
    const simple = !k.includes("\n") && new TextEncoder().encode(k).length <= 128;
    if (simple) {
      writeString(out, k, indent + 2, true);
      out.write(":");
      writeValue(out, v, indent, "mapping");
    } else {
      // A complex key (`? key`), its value after `:` on the next line, collections inline.
      out.write("? ");
      writeString(out, k, indent + 2, false);
      out.indent(indent);
      out.write(":");
      writeValue(out, v, indent, "sequence");
    }
  });
}

function writeSequence(out: Out, items: unknown[], indent: number, inline: boolean): void {
  items.forEach((item, i) => {
    if (i > 0 || !inline) out.indent(indent);
    out.write("-");
    writeValue(out, item, indent, "sequence");
  });
}

/** A value after `key:` or `-` at block indentation `indent` (of the mapping or sequence). */
function writeValue(out: Out, v: unknown, indent: number, parent: "mapping" | "sequence"): void {
  if (!isCollection(v)) {
    out.write(" ");
    writeScalar(out, v, indent + 2);
  } else if (Array.isArray(v)) {
    if (parent === "mapping") writeSequence(out, v, indent, false); // sequences in mappings: not indented
    else {
      out.write(" ");
      writeSequence(out, v, indent + 2, true);
    }
  } else if (parent === "mapping") writeMapping(out, v as Record<string, unknown>, indent + 2, false);
  else {
    out.write(" ");
    writeMapping(out, v as Record<string, unknown>, indent + 2, true);
  }
}

/** `v` (a JSON value) as OPA's yaml.marshal writes it. */
export function jsonToGoYaml(v: unknown): string {
  const out = new Out();
  if (!isCollection(v)) writeScalar(out, v, 2);
  else if (Array.isArray(v)) writeSequence(out, v, 0, true);
  else writeMapping(out, v as Record<string, unknown>, 0, true);
  return out.text + "\n";
}
