/**
 * The printer: a Module back to Rego v1 source.
 *
 * Parsing the output gives the same AST again (locations aside): infix built-in calls print as
 * operators, parenthesised wherever they are nested, wildcards `$_N` print as `_`, and values
 * the parser filled in (`true` for a rule without a value) print so that they are filled in
 * again.
 */
import type { Body, CallTerm, ElseBranch, Expr, Module, Rule, Term, WithModifier } from "../ast.ts";

const INFIX: Record<string, string> = {
  equal: "==",
  neq: "!=",
  lt: "<",
  lte: "<=",
  gt: ">",
  gte: ">=",
  or: "|",
  and: "&",
  plus: "+",
  minus: "-",
  mul: "*",
  div: "/",
  rem: "%",
};

const NAME = /^[\p{L}_][\p{L}0-9_]*$/u;

/**
 * Where a term is printed. "top": where the parser reads a full expression including
 * `k, v in xs` (expression, head value, `with` value, ref brackets). "list": call arguments,
 * where only `k, v in xs` needs parentheses. "nested": everywhere else.
 */
type Context = "top" | "list" | "nested";

export function formatModule(m: Module): string {
  const out: string[] = [`package ${formatPath(m.package[0] ?? "", m.package.slice(1))}`];
  if (m.imports.length > 0) {
    out.push("");
    for (const imp of m.imports) {
      out.push(`import ${term(imp.path, "top")}${imp.alias !== undefined ? ` as ${imp.alias}` : ""}`);
    }
  }
  for (const rule of m.rules) {
    out.push("");
    out.push(formatRule(rule));
  }
  return out.join("\n") + "\n";
}

function formatPath(first: string, rest: (string | Term)[]): string {
  let s = first;
  for (const p of rest) {
    if (typeof p === "string") s += NAME.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`;
    else if (p.type === "string" && NAME.test(p.value)) s += `.${p.value}`;
    else s += `[${term(p, "top")}]`;
  }
  return s;
}

export function formatRule(rule: Rule): string {
  const h = rule.head;
  const first = h.ref[0];
  let s = (rule.default ? "default " : "") +
    formatPath(first.type === "string" ? first.value : term(first, "nested"), h.ref.slice(1));
  if (h.args !== undefined) s += `(${h.args.map((a) => term(a, "list")).join(", ")})`;
  const hasBody = rule.body.length > 0;
  if (h.key !== undefined && h.value === undefined) {
    s += ` contains ${term(h.key, "top")}`;
  } else if (h.value !== undefined) {
    const implicit = isTrue(h.value) && !h.assign && hasBody && !rule.default;
    if (!implicit) s += ` ${h.assign ? ":=" : "="} ${term(h.value, "top")}`;
  }
  if (hasBody) s += ` if ${block(rule.body, 0)}`;
  for (const e of rule.elses) s += formatElse(e, h.assign);
  return s;
}

function formatElse(e: ElseBranch, assign: boolean): string {
  let s = " else";
  const hasBody = e.body.length > 0;
  if (e.value !== undefined && !(isTrue(e.value) && hasBody)) {
    s += ` ${assign ? ":=" : "="} ${term(e.value, "top")}`;
  }
  if (hasBody) s += ` if ${block(e.body, 0)}`;
  return s;
}

function isTrue(t: Term): boolean {
  return t.type === "boolean" && t.value;
}

/** `{`, one expression per line indented one tab deeper than `indent`, `}`. */
function block(body: Body, indent: number): string {
  const pad = "\t".repeat(indent + 1);
  return `{\n${body.map((e) => pad + expr(e, indent + 1)).join("\n")}\n${"\t".repeat(indent)}}`;
}

/** An inline body, for comprehensions: `a; b`. */
function inline(body: Body): string {
  return body.map((e) => expr(e, -1)).join("; ");
}

function nestedBlock(body: Body, indent: number): string {
  return indent < 0 ? `{ ${inline(body)} }` : block(body, indent);
}

/** One expression; `indent` < 0 prints nested bodies inline. */
export function expr(e: Expr, indent = 0): string {
  switch (e.kind) {
    case "some":
      return `some ${e.vars.map((v) => term(v, "nested")).join(", ")}`;
    case "somein": {
      const kv = e.key !== undefined ? `${term(e.key, "nested")}, ` : "";
      return `some ${kv}${term(e.value, "nested")} in ${term(e.collection, "nested")}${withs(e.with)}`;
    }
    case "every": {
      const kv = e.key !== undefined ? `${term(e.key, "nested")}, ` : "";
      return `every ${kv}${term(e.value, "nested")} in ${term(e.domain, "nested")} ${
        nestedBlock(e.body, indent)
      }${withs(e.with)}`;
    }
    case "term":
      return `${e.negated ? "not " : ""}${exprTerm(e.term)}${withs(e.with)}`;
  }
}

function exprTerm(t: Term): string {
  if (t.type === "call" && t.operator.length === 1 && t.args.length === 2) {
    const op = t.operator[0] === "assign" ? ":=" : t.operator[0] === "eq" ? "=" : undefined;
    if (op !== undefined) return `${term(t.args[0], "top")} ${op} ${term(t.args[1], "top")}`;
  }
  return term(t, "top");
}

function withs(ws: WithModifier[]): string {
  return ws.map((w) => ` with ${term(w.target, "top")} as ${term(w.value, "top")}`).join("");
}

/** The infix form of a call, without parentheses, or undefined if it has none. */
function infix(t: CallTerm): string | undefined {
  const [a, b, c] = t.args;
  if (t.operator.length === 2 && t.operator[0] === "internal") {
    if (t.operator[1] === "member_2" && t.args.length === 2) {
      return `${term(a, "nested")} in ${term(b, "nested")}`;
    }
    if (t.operator[1] === "member_3" && t.args.length === 3) {
      return `${term(a, "nested")}, ${term(b, "nested")} in ${term(c, "nested")}`;
    }
    return undefined;
  }
  const op = t.operator.length === 1 ? INFIX[t.operator[0]] : undefined;
  if (op === undefined || t.args.length !== 2) return undefined;
  return `${term(a, "nested")} ${op} ${term(b, "nested")}`;
}

export function term(t: Term, ctx: Context = "top"): string {
  switch (t.type) {
    case "null":
      return "null";
    case "boolean":
      return String(t.value);
    case "number":
      return t.text;
    case "string":
      return JSON.stringify(t.value);
    case "var":
      return t.name.startsWith("$_") ? "_" : t.name;
    case "ref": {
      const head = term(t.head, "nested");
      return formatPath(head, t.path);
    }
    case "array":
      return `[${t.items.map((i) => term(i, "nested")).join(", ")}]`;
    case "set":
      return t.items.length === 0 ? "set()" : `{${t.items.map((i) => term(i, "nested")).join(", ")}}`;
    case "object":
      return `{${t.items.map(([k, v]) => `${term(k, "nested")}: ${term(v, "nested")}`).join(", ")}}`;
    case "arraycompr":
      return `[${term(t.term, "nested")} | ${inline(t.body)}]`;
    case "setcompr":
      return `{${term(t.term, "nested")} | ${inline(t.body)}}`;
    case "objectcompr":
      return `{${term(t.key, "nested")}: ${term(t.value, "nested")} | ${inline(t.body)}}`;
    case "call": {
      const op = infix(t);
      if (op !== undefined) {
        const isKeyValue = t.operator[1] === "member_3";
        return ctx === "top" || (ctx === "list" && !isKeyValue) ? op : `(${op})`;
      }
      const name = formatPath(t.operator[0] ?? "", t.operator.slice(1));
      return `${name}(${t.args.map((a) => term(a, "list")).join(", ")})`;
    }
  }
}
