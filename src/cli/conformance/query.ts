/**
 * How a case's query becomes something a Wasm module can answer.
 *
 * - `data.a.b` → entrypoint "a/b"; its value is the answer.
 * - `data` → one entrypoint per top-level package; the answer is the base data with each
 *   package's value laid over it.
 * - Any other query → a generated module, package `__conformance__`, with one rule
 *       results := [__r | <statements…>; __r := <shape>]
 *   The array comprehension keeps the query's solutions in evaluation order. The shape follows
 *   the suite's dialect: the object of the query's variables when it binds any (`x := …`,
 *   `a = …`, `data.p = x`, `[a, 1] = xs`); else the value of a single expression; else the array
 *   of the expressions' values,
 *   each of which must not be false; `true` when there is nothing to show. The answer is
 *   undefined for no solution, the single solution's shape, or `{"many!": [...]}` for several.
 */
export const WRAPPER_PACKAGE = "__conformance__";
export const WRAPPER_ENTRYPOINT = `${WRAPPER_PACKAGE}/results`;

export type QueryPlan =
  | { kind: "ref"; entrypoint: string }
  | { kind: "data"; entrypoints: string[] }
  | { kind: "wrapper"; module: string; entrypoint: string };

const REF = /^data(\.[A-Za-z_][A-Za-z0-9_]*)+$/;

export function planQuery(query: string, modules: string[]): QueryPlan {
  const q = query.trim();
  if (REF.test(q)) return { kind: "ref", entrypoint: q.slice("data.".length).replaceAll(".", "/") };
  if (q === "data") return { kind: "data", entrypoints: topLevelPackages(modules) };
  return { kind: "wrapper", module: wrapperModule(q), entrypoint: WRAPPER_ENTRYPOINT };
}

export function topLevelPackages(modules: string[]): string[] {
  const names = modules.map((m) => /^\s*package\s+([A-Za-z_][A-Za-z0-9_]*)/m.exec(m)?.[1]).filter((n) =>
    n !== undefined
  );
  return [...new Set(names as string[])].sort();
}

export function wrapperModule(query: string): string {
  const statements = splitStatements(query);
  const vars: string[] = [];
  const body: string[] = [];
  const values: string[] = [];
  for (const statement of statements) {
    const bound = boundVariable(statement);
    if (bound !== undefined) {
      if (bound !== "_" && !vars.includes(bound)) vars.push(bound);
      body.push(statement);
    } else if (/^(some|not|every)\b/.test(statement)) {
      body.push(statement);
    } else if (hasTopLevelUnification(statement)) {
      for (const v of unificationVariables(statement)) if (!vars.includes(v)) vars.push(v);
      body.push(statement);
    } else {
      const name = `__e${values.length}`;
      values.push(name);
      body.push(`${name} := (${statement})`);
    }
  }
  let shape: string;
  if (vars.length > 0 || values.length > 1) {
    for (const v of values) body.push(`${v} != false`);
  }
  if (vars.length > 0) shape = `{${vars.map((v) => `${JSON.stringify(v)}: ${v}`).join(", ")}}`;
  else if (values.length === 1) shape = values[0];
  else if (values.length > 1) shape = `[${values.join(", ")}]`;
  else shape = "true";
  return `package ${WRAPPER_PACKAGE}\n\nresults := [__r | ${body.join("; ")}; __r := ${shape}]\n`;
}

/** The variable a statement binds at its top level (`x := …`, `x = …`), if any. */
function boundVariable(statement: string): string | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*(:=|=(?!=))/.exec(statement);
  return m?.[1];
}

/**
 * The index of the quote closing the string that opens at text[start] (text.length if it is
 * unclosed); a backslash escapes the next character in "…" but not in `…`.
 */
function stringEnd(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\" && quote === '"') i++;
    else if (text[i] === quote) return i;
  }
  return text.length;
}

/** `[a, 1] = xs`: a unification whose left side is not a plain variable; it is a condition. */
function hasTopLevelUnification(statement: string): boolean {
  let depth = 0;
  for (let i = 0; i < statement.length; i++) {
    const ch = statement[i];
    if (ch === '"' || ch === "`") i = stringEnd(statement, i);
    else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) depth--;
    else if (
      ch === "=" && depth === 0 && !":!<>=".includes(statement[i - 1] ?? "") && statement[i + 1] !== "="
    ) {
      return true;
    }
  }
  return false;
}

const NOT_VARIABLES = new Set([
  "data",
  "input",
  "true",
  "false",
  "null",
  "some",
  "in",
  "not",
  "with",
  "as",
  "every",
  "if",
  "contains",
  "else",
]);

/**
 * The variables a unification binds, in order of appearance: names outside strings that are not
 * a reference's later part (`.p`), a call (`f(`), a keyword, a root document, `_` or generated.
 * `data.test.p = x` → [x]; `[a, 1] = xs` → [a, xs].
 */
export function unificationVariables(statement: string): string[] {
  const out: string[] = [];
  const name = /[A-Za-z_][A-Za-z0-9_]*/y;
  for (let i = 0; i < statement.length; i++) {
    const ch = statement[i];
    if (ch === '"' || ch === "`") {
      i = stringEnd(statement, i);
      continue;
    }
    if (!/[A-Za-z_]/.test(ch) || /[A-Za-z0-9_]/.test(statement[i - 1] ?? "")) continue;
    name.lastIndex = i;
    const word = name.exec(statement)![0];
    const before = statement.slice(0, i).trimEnd().at(-1);
    const after = statement.slice(i + word.length).trimStart()[0];
    i += word.length - 1;
    const variable = before !== "." && after !== "(" && word !== "_" && !word.startsWith("__") &&
      !NOT_VARIABLES.has(word);
    if (variable && !out.includes(word)) out.push(word);
  }
  return out;
}

/** Splits at top-level `;` and newlines, keeping brackets and strings whole. */
export function splitStatements(query: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  let quote: string | null = null;
  for (let i = 0; i < query.length; i++) {
    const ch = query[i];
    if (quote !== null) {
      current += ch;
      if (ch === "\\" && quote === '"') current += query[++i] ?? "";
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "`") quote = ch;
    else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) depth--;
    if ((ch === ";" || ch === "\n") && depth <= 0) {
      if (current.trim() !== "") out.push(current.trim());
      current = "";
      continue;
    }
    current += ch;
  }
  if (current.trim() !== "") out.push(current.trim());
  return out;
}
