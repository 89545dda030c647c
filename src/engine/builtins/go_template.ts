/**
 * strings.render_template as OPA implements it: Go's text/template, parsed as template "template"
 * with option missingkey=error, executed over the variables object as Go sees it after
 * ast.As (JSON objects are map[string]any, arrays []any, numbers json.Number, a string type).
 *
 * The subset real policies use is reproduced: text, actions printing a pipeline with Go's
 * formatting of values (maps as `map[k:v]` with sorted keys, slices as `[a b]`, null as
 * `<no value>`), fields and field chains (`.a.b`, `$x.a`, `(pipeline).a`), variables (`$x :=`,
 * `$x =`, `$`), pipelines (`a | b`), parenthesised pipelines, string, raw string, integer, float
 * and boolean constants, `if`/`else if`/`else`, `range` over arrays, objects (sorted keys) and
 * integers with `$i, $v :=`, `break`, `continue`, `with`/`else with`, comments, the trim markers
 * `{{-`/`-}}`, and the functions and, or, not, eq, ne, lt, le, gt, ge, len, index, print,
 * println and printf (verbs %v %s %d %q %t %%).
 *
 * Anything else (define/template/block, other functions, other printf verbs and flags, numbers
 * written as hex, chars or imaginary, comparisons Go would reject or that this module does not
 * reproduce) is a built-in error naming it, never a guess. Work is bounded (template length,
 * nesting, evaluation steps, output size): past the bounds the call is an error.
 *
 * Known difference: OPA prints a number as written in the policy or input (json.Number); the
 * host receives numbers as JavaScript numbers, so `1.0` or `1.50` print as `1` and `1.5`.
 * Numbers whose text cannot be recovered at all (beyond 2^53, or exponent forms) are errors.
 */
import { BuiltinError } from "./errors.ts";
import type { HostBuiltin } from "./host_builtin.ts";

const NAME = "strings.render_template";

export const TEMPLATE_LIMITS = {
  text: 256 * 1024,
  nesting: 64,
  steps: 200_000,
  output: 1 << 20,
};

class TemplateError extends Error {}

function fail(message: string): never {
  throw new TemplateError(message);
}

// ---------------------------------------------------------------------------------------------
// Values as Go sees them

/** An integer constant written in the template (Go int). */
class GoInt {
  constructor(readonly v: bigint) {}
}
/** A float constant written in the template (Go float64). */
class GoFloat {
  constructor(readonly v: number) {}
}
/** No value: a JSON null, or index's zero value for a missing key (Go's invalid reflect.Value). */
const NIL = Symbol("nil");

type Value = string | number | boolean | GoInt | GoFloat | typeof NIL | Value[] | { [k: string]: Value };

function isMap(v: Value): v is { [k: string]: Value } {
  return typeof v === "object" && !Array.isArray(v) && !(v instanceof GoInt) && !(v instanceof GoFloat);
}

function fromJson(v: unknown): Value {
  if (v === null || v === undefined) return NIL;
  return v as Value;
}

/** Go's type name of a value, as its error messages print it. */
function goType(v: Value): string {
  if (v === NIL) return "<nil>";
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "json.Number";
  if (typeof v === "boolean") return "bool";
  if (v instanceof GoInt) return "int";
  if (v instanceof GoFloat) return "float64";
  if (Array.isArray(v)) return "[]interface {}";
  return "map[string]interface {}";
}

/** The text of a JSON number as OPA hands it to Go (json.Number). */
function numberText(n: number): string {
  const text = String(n);
  // Beyond 2^53, or written by JavaScript with an exponent, the number's text in the policy
  // (which Go prints) is not known here.
  if ((Number.isInteger(n) && !Number.isSafeInteger(n)) || text.includes("e")) {
    fail(`number ${text}: its exact text is not known to this gateway`);
  }
  return text;
}

/** Go's basicKind, for comparisons. */
type Kind = "bool" | "int" | "float" | "string" | "invalid" | "other";
function kindOf(v: Value): Kind {
  if (v === NIL) return "invalid";
  if (typeof v === "boolean") return "bool";
  if (v instanceof GoInt) return "int";
  if (v instanceof GoFloat) return "float";
  if (typeof v === "string" || typeof v === "number") return "string";
  return "other";
}

function stringOf(v: string | number): string {
  return typeof v === "string" ? v : numberText(v);
}

function truth(v: Value): boolean {
  if (v === NIL) return false;
  if (typeof v === "boolean") return v;
  if (v instanceof GoInt) return v.v !== 0n;
  if (v instanceof GoFloat) return v.v !== 0;
  if (typeof v === "string") return v.length > 0;
  if (typeof v === "number") return numberText(v).length > 0;
  if (Array.isArray(v)) return v.length > 0;
  return Object.keys(v).length > 0;
}

/** Go's strconv 'g' with the shortest precision, as fmt's %v prints a float64. */
function goFloat(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (!Number.isFinite(f)) return f > 0 ? "+Inf" : "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const [mantissa, e] = f.toExponential().split("e");
  const exp = Number(e);
  if (exp < -4 || exp >= 6) {
    const digits = mantissa;
    const sign = exp < 0 ? "-" : "+";
    const abs = Math.abs(exp);
    return `${digits}e${sign}${abs < 10 ? "0" : ""}${abs}`;
  }
  return String(f);
}

/** fmt's %v. `top`: an action's value, where a nil prints as <no value>. */
function format(v: Value, top = false): string {
  if (v === NIL) return top ? "<no value>" : "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "number") return numberText(v);
  if (typeof v === "boolean") return String(v);
  if (v instanceof GoInt) return v.v.toString();
  if (v instanceof GoFloat) return goFloat(v.v);
  if (Array.isArray(v)) return "[" + v.map((x) => format(fromJson(x))).join(" ") + "]";
  const keys = Object.keys(v).sort(codePointOrder);
  return "map[" + keys.map((k) => `${k}:${format(fromJson(v[k]))}`).join(" ") + "]";
}

function codePointOrder(a: string, b: string): number {
  const x = [...a], y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

// ---------------------------------------------------------------------------------------------
// Lexing

type Item =
  | { t: "text"; v: string }
  | { t: "action"; items: Tok[]; line: number; trimLeft: boolean; trimRight: boolean; comment: boolean };

type Tok =
  | { t: "field"; name: string; glued: boolean } // ".a"; name "" is the dot; glued: no space before
  | { t: "var"; name: string } // "$x" or "$"
  | { t: "ident"; name: string }
  | { t: "string"; v: string }
  | { t: "number"; text: string }
  | { t: "(" | ")" | "|" | ":=" | "=" | "," };

function isSpace(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\r" || c === "\n";
}

function lex(text: string): Item[] {
  const items: Item[] = [];
  let i = 0, line = 1;
  while (i < text.length) {
    const open = text.indexOf("{{", i);
    if (open < 0) {
      items.push({ t: "text", v: text.slice(i) });
      break;
    }
    if (open > i) items.push({ t: "text", v: text.slice(i, open) });
    line += countNewlines(text, i, open);
    let j = open + 2;
    const trimLeft = text[j] === "-" && isSpace(text[j + 1]);
    if (trimLeft) j += 2;
    // A comment: "/*" right after the delimiter (and trim marker), "*/" right before the close.
    if (text.startsWith("/*", j)) {
      const end = text.indexOf("*/", j + 2);
      if (end < 0) fail(`template: template:${line}: unclosed comment`);
      let after = end + 2;
      let trimRight = false;
      if (isSpace(text[after]) && text.startsWith("-}}", after + 1)) {
        trimRight = true;
        after += 1;
      }
      if (trimRight ? !text.startsWith("-}}", after) : !text.startsWith("}}", after)) {
        fail(`template: template:${line}: comment ends before closing delimiter`);
      }
      line += countNewlines(text, open, after);
      items.push({ t: "action", items: [], line, trimLeft, trimRight, comment: true });
      i = after + (trimRight ? 3 : 2);
      continue;
    }
    const toks: Tok[] = [];
    let trimRight = false;
    for (;;) {
      while (isSpace(text[j])) {
        if (text[j] === "\n") line++;
        j++;
      }
      if (j >= text.length) fail(`template: template:${line}: unclosed action`);
      if (text.startsWith("-}}", j) && isSpace(text[j - 1])) {
        trimRight = true;
        j += 3;
        break;
      }
      if (text.startsWith("}}", j)) {
        j += 2;
        break;
      }
      const c = text[j];
      if (c === "(" || c === ")" || c === "|" || c === ",") {
        toks.push({ t: c });
        j++;
      } else if (c === ":" && text[j + 1] === "=") {
        toks.push({ t: ":=" });
        j += 2;
      } else if (c === "=") {
        toks.push({ t: "=" });
        j++;
      } else if (c === '"') {
        const [v, end] = quoted(text, j, line);
        toks.push({ t: "string", v });
        j = end;
      } else if (c === "`") {
        const end = text.indexOf("`", j + 1);
        if (end < 0) fail(`template: template:${line}: unterminated raw quoted string`);
        toks.push({ t: "string", v: text.slice(j + 1, end).replaceAll("\r", "") });
        line += countNewlines(text, j, end);
        j = end + 1;
      } else if (c === "." && !/[0-9]/.test(text[j + 1] ?? "")) {
        const m = /^\.([\p{L}_][\p{L}\p{Nd}_]*)?/u.exec(text.slice(j, j + 1024))!;
        const before = toks.at(-1);
        const glued = !isSpace(text[j - 1]) && before !== undefined &&
          (before.t === "field" || before.t === "var" || before.t === ")");
        toks.push({ t: "field", name: m[1] ?? "", glued });
        j += m[0].length;
      } else if (c === "$") {
        const m = /^\$([\p{L}\p{Nd}_]*)/u.exec(text.slice(j, j + 1024))!;
        toks.push({ t: "var", name: m[0] });
        j += m[0].length;
      } else if (/[0-9+\-.]/.test(c)) {
        const m = /^[+-]?[0-9a-zA-Z_.]*(?:[eEpP][+-][0-9_]+)?[0-9a-zA-Z_.]*/.exec(text.slice(j, j + 1024))!;
        toks.push({ t: "number", text: m[0] });
        j += m[0].length;
      } else if (/[\p{L}_]/u.test(c)) {
        const m = /^[\p{L}_][\p{L}\p{Nd}_]*/u.exec(text.slice(j, j + 1024))!;
        toks.push({ t: "ident", name: m[0] });
        j += m[0].length;
      } else if (c === "'") {
        fail(`template: template:${line}: character constants are not supported by this gateway`);
      } else {
        fail(`template: template:${line}: unexpected ${JSON.stringify(c)} in command`);
      }
    }
    items.push({ t: "action", items: toks, line, trimLeft, trimRight, comment: false });
    i = j;
  }
  // Trim markers remove the white space next to the action.
  for (let n = 0; n < items.length; n++) {
    const it = items[n];
    if (it.t !== "action") continue;
    const prev = items[n - 1], next = items[n + 1];
    if (it.trimLeft && prev?.t === "text") prev.v = prev.v.replace(/[ \t\r\n]+$/, "");
    if (it.trimRight && next?.t === "text") next.v = next.v.replace(/^[ \t\r\n]+/, "");
  }
  return items;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

const ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
};

/** A Go interpreted string literal starting at `start` (the quote): its value and end. */
function quoted(text: string, start: number, line: number): [string, number] {
  let out = "";
  for (let j = start + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '"') return [out, j + 1];
    if (c === "\n") break;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = text[++j];
    if (e in ESCAPES) out += ESCAPES[e];
    else if (e === "x" && /^[0-9a-fA-F]{2}/.test(text.slice(j + 1, j + 3))) {
      const b = parseInt(text.slice(j + 1, j + 3), 16);
      if (b > 0x7f) {
        fail(`template: template:${line}: byte escapes above \\x7f are not supported by this gateway`);
      }
      out += String.fromCharCode(b);
      j += 2;
    } else if (e === "u" && /^[0-9a-fA-F]{4}/.test(text.slice(j + 1, j + 5))) {
      out += String.fromCodePoint(parseInt(text.slice(j + 1, j + 5), 16));
      j += 4;
    } else if (e === "U" && /^[0-9a-fA-F]{8}/.test(text.slice(j + 1, j + 9))) {
      const cp = parseInt(text.slice(j + 1, j + 9), 16);
      if (cp > 0x10ffff) fail(`template: template:${line}: invalid escape in string`);
      out += String.fromCodePoint(cp);
      j += 8;
    } else fail(`template: template:${line}: unsupported escape \\${e ?? ""} in string`);
  }
  return fail(`template: template:${line}: unterminated quoted string`);
}

// ---------------------------------------------------------------------------------------------
// Parsing

type Operand =
  | { k: "field"; chain: string[] } // .a.b; [] is the dot
  | { k: "var"; name: string; chain: string[] }
  | { k: "func"; name: string }
  | { k: "const"; v: Value }
  | { k: "pipe"; pipe: Pipe; chain: string[] };
interface Command {
  args: Operand[];
}
interface Pipe {
  decl: string[];
  assign: boolean; // "=" rather than ":="
  cmds: Command[];
}
type Node =
  | { k: "text"; v: string }
  | { k: "action"; pipe: Pipe; line: number }
  | { k: "if" | "with"; pipe: Pipe; list: Node[]; else: Node[] | null; line: number }
  | { k: "range"; pipe: Pipe; list: Node[]; else: Node[] | null; line: number }
  | { k: "break" | "continue"; line: number };

const FUNCS = new Set([
  "and",
  "or",
  "not",
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "len",
  "index",
  "print",
  "printf",
  "println",
]);
const GO_FUNCS = new Set(["call", "html", "js", "slice", "urlquery"]);

class Parser {
  private n = 0;
  private vars: string[][] = [["$"]];
  private rangeDepth = 0;
  private depth = 0;
  constructor(private readonly items: Item[]) {}

  parse(): Node[] {
    const [list, end] = this.list();
    if (end !== null) fail(`template: template:${end.line}: unexpected {{${end.word}}}`);
    return list;
  }

  /** Nodes up to {{end}} or {{else…}} (returned with the words after "else"), or the end. */
  private list(): [Node[], { word: string; line: number; rest: Tok[] } | null] {
    const out: Node[] = [];
    while (this.n < this.items.length) {
      const it = this.items[this.n++];
      if (it.t === "text") {
        if (it.v !== "") out.push({ k: "text", v: it.v });
        continue;
      }
      if (it.comment) continue;
      const toks = it.items;
      if (toks.length === 0) fail(`template: template:${it.line}: missing value for command`);
      const head = toks[0];
      if (head.t === "ident") {
        switch (head.name) {
          case "end":
          case "else":
            return [out, { word: head.name, line: it.line, rest: toks.slice(1) }];
          case "if":
          case "with":
          case "range":
            out.push(this.control(head.name, toks.slice(1), it.line));
            continue;
          case "break":
          case "continue":
            if (this.rangeDepth === 0) {
              fail(`template: template:${it.line}: {{${head.name}}} outside {{range}}`);
            }
            if (toks.length > 1) {
              fail(`template: template:${it.line}: unexpected ${describe(toks[1])} in ${head.name}`);
            }
            out.push({ k: head.name, line: it.line });
            continue;
          case "define":
          case "template":
          case "block":
            fail(`template: template:${it.line}: {{${head.name}}} is not supported by this gateway`);
        }
      }
      out.push({ k: "action", pipe: this.pipeline(toks, it.line, "command", true), line: it.line });
    }
    return [out, null];
  }

  private control(word: "if" | "with" | "range", toks: Tok[], line: number): Node {
    if (++this.depth > TEMPLATE_LIMITS.nesting) {
      fail(`template: template:${line}: nesting deeper than ${TEMPLATE_LIMITS.nesting}`);
    }
    // Variables declared in the pipeline are visible in both branches, until {{end}}.
    this.vars.push([]);
    try {
      const pipe = this.pipeline(toks, line, word, word !== "range" ? "single" : "range");
      if (word === "range" && pipe.assign) {
        fail(`template: template:${line}: range with "=" is not supported by this gateway`);
      }
      if (word === "range") this.rangeDepth++;
      this.vars.push([]);
      const [list, end] = this.list();
      this.vars.pop();
      if (word === "range") this.rangeDepth--;
      if (end === null) fail(`template: template:${line}: unexpected EOF`);
      let elseList: Node[] | null = null;
      if (end.word === "else" && end.rest.length > 0) {
        // {{else if …}} / {{else with …}}: a nested control that ends with the same {{end}}.
        const next = end.rest[0];
        if (next.t !== "ident" || next.name !== word || word === "range") {
          fail(`template: template:${end.line}: unexpected ${describe(next)} in else`);
        }
        elseList = [this.control(word, end.rest.slice(1), end.line)];
      } else if (end.word === "else") {
        this.vars.push([]);
        const [list2, end2] = this.list();
        this.vars.pop();
        if (end2 === null || end2.word !== "end") {
          fail(
            `template: template:${end2?.line ?? line}: expected end; found ${
              end2 ? `{{${end2.word}}}` : "EOF"
            }`,
          );
        }
        if (end2.rest.length > 0) {
          fail(`template: template:${end2.line}: unexpected ${describe(end2.rest[0])} in end`);
        }
        elseList = list2;
      } else if (end.rest.length > 0) {
        fail(`template: template:${end.line}: unexpected ${describe(end.rest[0])} in end`);
      }
      return { k: word, pipe, list, else: elseList, line } as Node;
    } finally {
      this.vars.pop();
      this.depth--;
    }
  }

  private declared(name: string): boolean {
    return this.vars.some((scope) => scope.includes(name));
  }

  private pipeline(toks: Tok[], line: number, context: string, decls: boolean | "single" | "range"): Pipe {
    let pos = 0;
    const decl: string[] = [];
    let assign = false;
    // Declarations: $x :=, $x =, and in range $i, $v :=.
    if (decls !== false && toks[0]?.t === "var") {
      const second = toks[1];
      if (second?.t === ":=" || second?.t === "=") {
        decl.push((toks[0] as { name: string }).name);
        assign = second.t === "=";
        pos = 2;
      } else if (second?.t === "," && decls === "range" && toks[2]?.t === "var" && toks[3]?.t === ":=") {
        decl.push((toks[0] as { name: string }).name, (toks[2] as { name: string }).name);
        pos = 4;
      }
    }
    const [pipe, end] = this.commands(toks, pos, line, context);
    if (end !== toks.length) {
      fail(`template: template:${line}: unexpected ${describe(toks[end])} in ${context}`);
    }
    if (assign) {
      if (!this.declared(decl[0])) fail(`template: template:${line}: undefined variable "${decl[0]}"`);
    } else this.vars[this.vars.length - 1].push(...decl);
    return { decl, assign, cmds: pipe };
  }

  /** Commands separated by "|" from toks[pos], up to ")" or the end: [commands, index after]. */
  private commands(toks: Tok[], pos: number, line: number, context: string): [Command[], number] {
    const cmds: Command[] = [];
    let args: Operand[] = [];
    for (;;) {
      const t = toks[pos];
      if (t === undefined || t.t === ")" || t.t === "|") {
        if (args.length === 0) fail(`template: template:${line}: missing value for ${context}`);
        cmds.push({ args });
        args = [];
        if (t?.t === "|") {
          pos++;
          continue;
        }
        return [cmds, pos];
      }
      pos = this.operand(toks, pos, line, args, context);
    }
  }

  private operand(toks: Tok[], pos: number, line: number, args: Operand[], context: string): number {
    const t = toks[pos];
    const chain = (from: number): [string[], number] => {
      const names: string[] = [];
      for (;;) {
        const f = toks[from];
        if (f?.t !== "field" || !f.glued || f.name === "") break;
        names.push(f.name);
        from++;
      }
      return [names, from];
    };
    switch (t.t) {
      case "field": {
        const [names, next] = chain(pos + 1);
        args.push({ k: "field", chain: t.name === "" ? names : [t.name, ...names] });
        return next;
      }
      case "var": {
        if (!this.declared(t.name)) fail(`template: template:${line}: undefined variable "${t.name}"`);
        const [names, next] = chain(pos + 1);
        args.push({ k: "var", name: t.name, chain: names });
        return next;
      }
      case "ident":
        if (t.name === "true" || t.name === "false") args.push({ k: "const", v: t.name === "true" });
        else if (t.name === "nil") {
          if (args.length === 0) fail(`template: template:${line}: nil is not a command`);
          fail(`template: template:${line}: nil arguments are not supported by this gateway`);
        } else if (FUNCS.has(t.name)) args.push({ k: "func", name: t.name });
        else if (GO_FUNCS.has(t.name)) {
          fail(`template: template:${line}: function "${t.name}" is not supported by this gateway`);
        } else fail(`template: template:${line}: function "${t.name}" not defined`);
        return pos + 1;
      case "string":
        args.push({ k: "const", v: t.v });
        return pos + 1;
      case "number":
        args.push({ k: "const", v: number(t.text, line) });
        return pos + 1;
      case "(": {
        if (++this.depth > TEMPLATE_LIMITS.nesting) {
          fail(`template: template:${line}: nesting deeper than ${TEMPLATE_LIMITS.nesting}`);
        }
        const [cmds, end] = this.commands(toks, pos + 1, line, "parenthesized pipeline");
        this.depth--;
        if (toks[end]?.t !== ")") fail(`template: template:${line}: unclosed left paren`);
        const [names, next] = chain(end + 1);
        args.push({ k: "pipe", pipe: { decl: [], assign: false, cmds }, chain: names });
        return next;
      }
      default:
        fail(`template: template:${line}: unexpected ${describe(t)} in ${context}`);
    }
  }
}

function describe(t: Tok): string {
  switch (t.t) {
    case "field":
      return `<.${t.name}>`;
    case "var":
      return `<${t.name}>`;
    case "ident":
      return `<${t.name}>`;
    case "string":
      return `quoted string`;
    case "number":
      return `number ${t.text}`;
    default:
      return `"${t.t}"`;
  }
}

/** A decimal integer or float constant; other Go number syntaxes are refused. */
function number(text: string, line: number): Value {
  if (/^[+-]?(0|[1-9][0-9]*)$/.test(text)) {
    const v = BigInt(text);
    if (v < -(2n ** 63n) || v >= 2n ** 63n) fail(`template: template:${line}: integer overflow: ${text}`);
    return new GoInt(v);
  }
  if (/^[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][+-]?[0-9]+)?$/.test(text)) {
    // Go's idealConstant: a constant written with "." or an exponent is a float64.
    return new GoFloat(Number(text));
  }
  fail(`template: template:${line}: number syntax ${JSON.stringify(text)} is not supported by this gateway`);
}

// ---------------------------------------------------------------------------------------------
// Execution

class Break {}
class Continue {}

class Exec {
  private out: string[] = [];
  private size = 0;
  private steps = 0;
  private vars: [string, Value][] = [];
  private line = 0;

  constructor(private readonly root: Value) {
    this.vars.push(["$", root]);
  }

  run(nodes: Node[]): string {
    this.walk(this.root, nodes);
    return this.out.join("");
  }

  private error(message: string): never {
    fail(`template: template:${this.line}: executing "template": ${message}`);
  }

  private tick() {
    if (++this.steps > TEMPLATE_LIMITS.steps) {
      fail(`template: rendering takes more than ${TEMPLATE_LIMITS.steps} steps`);
    }
  }

  private write(s: string) {
    this.size += s.length;
    if (this.size > TEMPLATE_LIMITS.output) {
      fail(`template: output is longer than ${TEMPLATE_LIMITS.output} characters`);
    }
    this.out.push(s);
  }

  private walk(dot: Value, nodes: Node[]) {
    for (const node of nodes) {
      this.tick();
      switch (node.k) {
        case "text":
          this.write(node.v);
          break;
        case "action": {
          this.line = node.line;
          const v = this.pipe(dot, node.pipe);
          if (node.pipe.decl.length === 0) this.write(format(v, true));
          break;
        }
        case "if":
        case "with": {
          this.line = node.line;
          const mark = this.vars.length;
          const v = this.pipe(dot, node.pipe);
          if (truth(v)) this.walk(node.k === "with" ? v : dot, node.list);
          else if (node.else) this.walk(dot, node.else);
          this.vars.length = mark;
          break;
        }
        case "range":
          this.range(dot, node);
          break;
        case "break":
          throw new Break();
        case "continue":
          throw new Continue();
      }
    }
  }

  private range(dot: Value, node: Extract<Node, { k: "range" }>) {
    this.line = node.line;
    const mark = this.vars.length;
    const pipe = { ...node.pipe, decl: [] };
    const v = this.pipe(dot, pipe);
    const [first, second] = node.pipe.decl;
    const each = (key: Value, elem: Value): boolean => {
      this.tick();
      this.vars.length = mark;
      if (second !== undefined) this.vars.push([first, key], [second, elem]);
      else if (first !== undefined) this.vars.push([first, elem]);
      try {
        this.walk(elem, node.list);
      } catch (e) {
        if (e instanceof Break) return false;
        if (!(e instanceof Continue)) throw e;
      }
      return true;
    };
    let empty = true;
    if (Array.isArray(v)) {
      empty = v.length === 0;
      for (let i = 0; i < v.length; i++) if (!each(new GoInt(BigInt(i)), fromJson(v[i]))) break;
    } else if (v instanceof GoInt) {
      if (second !== undefined) this.error(`can't use ${v.v} to iterate over more than one variable`);
      empty = v.v <= 0n;
      for (let i = 0n; i < v.v; i++) {
        this.tick();
        if (!each(new GoInt(i), new GoInt(i))) break;
      }
    } else if (v !== NIL && isMap(v)) {
      const keys = Object.keys(v).sort(codePointOrder);
      empty = keys.length === 0;
      for (const k of keys) if (!each(k, fromJson(v[k]))) break;
    } else if (v !== NIL) {
      this.error(`range can't iterate over ${format(v)}`);
    }
    this.vars.length = mark;
    if (empty && node.else) this.walk(dot, node.else);
  }

  private lookup(name: string): Value {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i][0] === name) return this.vars[i][1];
    return this.error(`undefined variable: ${name}`);
  }

  private pipe(dot: Value, pipe: Pipe): Value {
    let v: Value | undefined;
    for (const cmd of pipe.cmds) v = this.command(dot, cmd, v);
    const value = v!;
    if (pipe.decl.length > 0) {
      if (pipe.assign) {
        for (let i = this.vars.length - 1; i >= 0; i--) {
          if (this.vars[i][0] === pipe.decl[0]) {
            this.vars[i][1] = value;
            break;
          }
        }
      } else this.vars.push([pipe.decl[0], value]);
    }
    return value;
  }

  private command(dot: Value, cmd: Command, final: Value | undefined): Value {
    this.tick();
    const [head, ...rest] = cmd.args;
    if (head.k === "func") return this.call(dot, head.name, rest, final);
    if (rest.length > 0 || final !== undefined) {
      if (head.k === "field" && head.chain.length > 0) {
        this.error(`${head.chain.at(-1)} is not a method but has arguments`);
      }
      this.error(`can't give argument to non-function ${this.describe(head)}`);
    }
    return this.operand(dot, head);
  }

  private describe(op: Operand): string {
    switch (op.k) {
      case "field":
        return op.chain.length ? "." + op.chain.join(".") : ".";
      case "var":
        return op.name + op.chain.map((c) => "." + c).join("");
      case "const":
        return format(op.v);
      default:
        return "pipeline";
    }
  }

  private operand(dot: Value, op: Operand): Value {
    switch (op.k) {
      case "field":
        return this.chain(dot, op.chain);
      case "var":
        return this.chain(this.lookup(op.name), op.chain);
      case "const":
        return op.v;
      case "pipe":
        return this.chain(this.pipe(dot, op.pipe), op.chain);
      case "func":
        return this.call(dot, op.name, [], undefined);
    }
  }

  private chain(v: Value, names: string[]): Value {
    for (const name of names) {
      this.tick();
      if (v === NIL) this.error(`nil pointer evaluating interface {}.${name}`);
      if (!isMap(v) || typeof v !== "object") this.error(`can't evaluate field ${name} in type ${goType(v)}`);
      if (!Object.hasOwn(v, name)) this.error(`map has no entry for key "${name}"`);
      v = fromJson(v[name]);
    }
    return v;
  }

  private call(dot: Value, name: string, args: Operand[], final: Value | undefined): Value {
    // and/or evaluate their arguments lazily.
    if (name === "and" || name === "or") {
      const all = [
        ...args.map((a) => () => this.operand(dot, a)),
        ...(final === undefined ? [] : [() => final]),
      ];
      if (all.length === 0) this.error(`wrong number of args for ${name}: want at least 1 got 0`);
      let v: Value = NIL;
      for (const f of all) {
        v = f();
        if (truth(v) === (name === "or")) return v;
      }
      return v;
    }
    const values = args.map((a) => this.operand(dot, a));
    if (final !== undefined) values.push(final);
    const want = (n: number) => {
      if (values.length !== n) this.error(`wrong number of args for ${name}: want ${n} got ${values.length}`);
    };
    switch (name) {
      case "not":
        want(1);
        return !truth(values[0]);
      case "eq": {
        if (values.length < 2) this.error("missing argument for comparison");
        return values.slice(1).some((b) => this.equal(values[0], b));
      }
      case "ne":
        want(2);
        return !this.equal(values[0], values[1]);
      case "lt":
      case "le":
      case "gt":
      case "ge": {
        want(2);
        const c = this.compare(values[0], values[1]);
        return name === "lt" ? c < 0 : name === "le" ? c <= 0 : name === "gt" ? c > 0 : c >= 0;
      }
      case "len": {
        want(1);
        const v = values[0];
        if (typeof v === "string" || typeof v === "number") return new GoInt(BigInt(utf8Length(stringOf(v))));
        if (Array.isArray(v)) return new GoInt(BigInt(v.length));
        if (v !== NIL && isMap(v)) return new GoInt(BigInt(Object.keys(v).length));
        return this.error(`error calling len: len of ${v === NIL ? "nil pointer" : `type ${goType(v)}`}`);
      }
      case "index":
        if (values.length === 0) this.error("wrong number of args for index: want at least 1 got 0");
        return this.index(values[0], values.slice(1));
      case "print":
        return sprint(values);
      case "println":
        return values.map((v) => format(v)).join(" ") + "\n";
      case "printf": {
        if (values.length === 0) this.error("wrong number of args for printf: want at least 1 got 0");
        if (typeof values[0] !== "string") {
          this.error(`wrong type for value; expected string; got ${goType(values[0])}`);
        }
        return sprintf(values[0], values.slice(1));
      }
    }
    return this.error(`function "${name}" not defined`);
  }

  private equal(a: Value, b: Value): boolean {
    const ka = kindOf(a), kb = kindOf(b);
    if (ka !== kb) {
      if (ka === "invalid" || kb === "invalid") return false;
      this.error("error calling eq: incompatible types for comparison");
    }
    switch (ka) {
      case "bool":
        return a === b;
      case "int":
        return (a as GoInt).v === (b as GoInt).v;
      case "float":
        return (a as GoFloat).v === (b as GoFloat).v;
      case "string":
        return stringOf(a as string | number) === stringOf(b as string | number);
      default:
        return this.error(`error calling eq: comparing ${goType(a)} values is not supported by this gateway`);
    }
  }

  private compare(a: Value, b: Value): number {
    const ka = kindOf(a), kb = kindOf(b);
    if (ka === "bool" || ka === "invalid" || ka === "other" || kb === "invalid" || kb === "other") {
      this.error("error calling lt: invalid type for comparison");
    }
    if (ka !== kb) this.error("error calling lt: incompatible types for comparison");
    if (ka === "int") {
      const x = (a as GoInt).v, y = (b as GoInt).v;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    if (ka === "float") return Math.sign((a as GoFloat).v - (b as GoFloat).v);
    return codePointOrder(stringOf(a as string | number), stringOf(b as string | number));
  }

  private index(item: Value, keys: Value[]): Value {
    let v = item;
    for (const k of keys) {
      this.tick();
      if (v === NIL) this.error("error calling index: index of untyped nil");
      if (Array.isArray(v)) {
        if (!(k instanceof GoInt)) {
          this.error(`error calling index: cannot index slice/array with type ${goType(k)}`);
        }
        if (k.v < 0n || k.v >= BigInt(v.length)) {
          this.error(`error calling index: index out of range: ${k.v}`);
        }
        v = fromJson(v[Number(k.v)]);
      } else if (isMap(v) && typeof v === "object") {
        if (typeof k !== "string") {
          this.error(`error calling index: value has type ${goType(k)}; should be string`);
        }
        v = Object.hasOwn(v, k) ? fromJson(v[k]) : NIL;
      } else if (typeof v === "string") {
        this.error("error calling index: indexing a string is not supported by this gateway");
      } else {
        this.error(`error calling index: can't index item of type ${goType(v)}`);
      }
    }
    return v;
  }
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** fmt.Sprint: spaces between operands when neither is a string (json.Number is one). */
function sprint(values: Value[]): string {
  let out = "";
  values.forEach((v, i) => {
    const isString = (x: Value) => typeof x === "string" || typeof x === "number";
    if (i > 0 && !isString(v) && !isString(values[i - 1])) out += " ";
    out += format(v);
  });
  return out;
}

/** fmt.Sprintf for the verbs %v %s %d %q %t and %%, without flags, width or precision. */
function sprintf(spec: string, args: Value[]): string {
  let out = "", n = 0;
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i];
    if (c !== "%") {
      out += c;
      continue;
    }
    const verb = spec[++i];
    if (verb === "%") {
      out += "%";
      continue;
    }
    if (verb === undefined || !"vsdqt".includes(verb)) {
      fail(`template: printf verb or flag "%${verb ?? ""}" is not supported by this gateway`);
    }
    if (n >= args.length) fail(`template: printf "%${verb}" has no argument (Go prints %!${verb}(MISSING))`);
    const a = args[n++];
    const text = typeof a === "string" || typeof a === "number";
    switch (verb) {
      case "v":
        out += format(a);
        break;
      case "s":
        if (!text) fail(`template: printf %s of ${goType(a)} is not supported by this gateway`);
        out += format(a);
        break;
      case "d":
        if (!(a instanceof GoInt)) {
          fail(`template: printf %d of ${goType(a)} is not supported by this gateway`);
        }
        out += a.v.toString();
        break;
      case "t":
        if (typeof a !== "boolean") {
          fail(`template: printf %t of ${goType(a)} is not supported by this gateway`);
        }
        out += String(a);
        break;
      case "q": {
        if (!text) fail(`template: printf %q of ${goType(a)} is not supported by this gateway`);
        const s = stringOf(a as string | number);
        if (!/^[\x20-\x7e]*$/.test(s)) {
          fail("template: printf %q of non-ASCII or control characters is not supported by this gateway");
        }
        out += '"' + s.replace(/[\\"]/g, (m) => "\\" + m) + '"';
        break;
      }
    }
  }
  if (n < args.length) {
    fail(`template: printf has ${args.length - n} extra argument(s) (Go prints %!(EXTRA …))`);
  }
  return out;
}

/** strings.render_template(template, vars). */
export function renderTemplate(template: unknown, vars: unknown): string {
  if (typeof template !== "string") {
    throw new BuiltinError(NAME, `operand 1 must be string but got ${typeOfJson(template)}`);
  }
  if (typeof vars !== "object" || vars === null || Array.isArray(vars)) {
    throw new BuiltinError(NAME, `operand 2 must be object but got ${typeOfJson(vars)}`);
  }
  try {
    if (template.length > TEMPLATE_LIMITS.text) {
      fail(`template: longer than ${TEMPLATE_LIMITS.text} characters`);
    }
    const nodes = new Parser(lex(template)).parse();
    return new Exec(vars as Value).run(nodes);
  } catch (e) {
    if (e instanceof TemplateError) throw new BuiltinError(NAME, e.message);
    if (e instanceof RangeError) throw new BuiltinError(NAME, "template: nesting too deep");
    if (e instanceof Break || e instanceof Continue) {
      throw new BuiltinError(NAME, "template: break/continue outside range");
    }
    throw e;
  }
}

function typeOfJson(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v === "object" ? "object" : typeof v;
}

export const TEMPLATE_BUILTINS: Record<string, HostBuiltin> = {
  "strings.render_template": renderTemplate,
};
