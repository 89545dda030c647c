/**
 * Modules and queries: the package, imports, the statement loop with error recovery, and the
 * Rego version (GRAMMAR.md, "Modules").
 */
import type { Body, Import, Module, RefTerm, Term } from "../ast.ts";
import { type Diagnostic, MAX_ERRORS, sortDiagnostics } from "../diagnostics.ts";
import { FUTURE_KEYWORDS, KeywordSet } from "./keywords.ts";
import { parseAnnotations } from "./annotations.ts";
import { type Comment, tokenize } from "./lexer.ts";
import { parseLiteral } from "./parse_body.ts";
import { parseRules } from "./parse_rule.ts";
import { parseTerm } from "./parse_term.ts";
import { ParseAbort, ParserState } from "./parser_state.ts";

export interface ParseOptions {
  /** Default Rego version when the module does not say: 1 (default) or 0. */
  regoVersion?: 0 | 1;
  /** v0 only: make the future keywords (in, every, if, contains) available without an import. */
  allFutureKeywords?: boolean;
}

/** The parse result with the number of parser steps taken (the fuzz test bounds it). */
export interface ModuleParse {
  module?: Module;
  diagnostics: Diagnostic[];
  steps: number;
}

export interface QueryParse {
  body?: Body;
  diagnostics: Diagnostic[];
  steps: number;
}

function newState(text: string, file: string, opts: ParseOptions): { st: ParserState; comments: Comment[] } {
  const { tokens, diagnostics, comments } = tokenize(text, file);
  const version = opts.regoVersion ?? 1;
  const keywords = new KeywordSet(version, opts.allFutureKeywords ?? false);
  return { st: new ParserState(tokens, file, diagnostics.slice(0, MAX_ERRORS), keywords, version), comments };
}

const ROOT_IMPORTS = ["data", "input", "future", "rego"];

export function parseModuleText(text: string, file: string, opts: ParseOptions = {}): ModuleParse {
  const { st, comments } = newState(text, file, opts);
  const module: Module = {
    file,
    regoVersion: st.regoVersion,
    package: [],
    packageLoc: st.loc(),
    imports: [],
    rules: [],
  };
  let sawPackage = false;
  if (st.tok.kind === "eof") {
    st.report("empty module: expected `package`", st.loc());
  }
  while (st.tok.kind !== "eof" && !st.exhausted && st.diagnostics.length < MAX_ERRORS) {
    const start = st.pos;
    try {
      if (st.atKeyword("package")) {
        const kw = st.tok;
        const path = parsePackage(st);
        if (sawPackage) st.report("unexpected `package`: a module has one package statement", st.loc(kw));
        else {
          module.package = path;
          module.packageLoc = st.loc(kw);
        }
        sawPackage = true;
      } else {
        if (!sawPackage) {
          st.report(`expected \`package\` but found ${st.describe()}`, st.loc());
          sawPackage = true; // say it once
        }
        if (st.atKeyword("import")) module.imports.push(parseImport(st, module));
        else module.rules.push(...parseRules(st));
      }
    } catch (e) {
      if (!(e instanceof ParseAbort)) throw e;
      st.depth = 0;
      resync(st, start);
    }
  }
  if (st.diagnostics.length === 0 && comments.some((c) => c.text.trim() === "METADATA")) {
    const parsed = parseAnnotations(comments, module);
    module.annotations = parsed.annotations;
    st.diagnostics.push(...parsed.diagnostics);
  }
  const diagnostics = sortDiagnostics(st.diagnostics).slice(0, MAX_ERRORS);
  return diagnostics.length > 0 ? { diagnostics, steps: st.steps } : { module, diagnostics, steps: st.steps };
}

/** After an error: skip to the next name or keyword in column 1 at a line start after `start`. */
function resync(st: ParserState, start: number): void {
  let i = start + 1;
  const toks = st.tokens;
  while (i < toks.length - 1 && !(toks[i].nl && toks[i].col === 1 && toks[i].kind === "ident")) i++;
  st.pos = Math.min(i, st.tokens.length - 1);
}

/** `package` name { `.name` | `["string"]` } */
function parsePackage(st: ParserState): string[] {
  st.next();
  const path = parseDottedPath(st, "package");
  if (path.head.type !== "var") st.fail("expected a package name", path.loc);
  const names = [path.head.name];
  for (const t of path.path) {
    if (t.type !== "string") st.fail("a package path may contain only names and strings", t.loc);
    names.push(t.value);
  }
  return names;
}

/** A ref made of names and strings, as `package` and `import` take. */
function parseDottedPath(st: ParserState, what: string): RefTerm {
  const t = st.tok;
  if (t.kind !== "ident" || (st.isKeyword(t) && !st.isKeywordRef())) {
    st.fail(`expected a path after \`${what}\` but found ${st.describe()}`);
  }
  const term: Term = parseTerm(st);
  if (term.type === "var") return { type: "ref", head: term, path: [], loc: term.loc };
  if (term.type !== "ref" || term.head.type !== "var") st.fail(`expected a path after \`${what}\``, term.loc);
  return term;
}

/** `import` path [`as` name]; `future.keywords…` and `rego.v1` change the keywords. */
function parseImport(st: ParserState, module: Module): Import {
  const kw = st.next();
  const path = parseDottedPath(st, "import");
  const root = path.head.type === "var" ? path.head.name : "";
  if (!ROOT_IMPORTS.includes(root)) {
    st.fail(
      `unexpected import path, must begin with one of: data, input, future, rego; got: ${root}`,
      path.loc,
    );
  }
  for (const t of path.path) {
    if (t.type !== "string") st.fail("an import path may contain only names and strings", t.loc);
  }
  const imp: Import = { path, loc: st.loc(kw) };
  if (st.atKeyword("as")) {
    st.next();
    if (!st.atName()) st.fail(`expected a name after \`as\` but found ${st.describe()}`);
    imp.alias = st.next().text;
  }
  const names = path.path.map((t) => (t.type === "string" ? t.value : ""));
  if (root === "future") {
    if (names[0] !== "keywords" || names.length > 2) {
      st.fail("invalid import, must be `future.keywords` or `future.keywords.<keyword>`", path.loc);
    }
    if (imp.alias !== undefined) st.fail("`future` imports cannot be aliased", path.loc);
    if (names.length === 2 && !FUTURE_KEYWORDS.includes(names[1])) {
      st.fail(`unexpected keyword, must be one of: ${FUTURE_KEYWORDS.join(", ")}`, path.loc);
    }
    st.keywords.enableFuture(names[1]);
  } else if (root === "rego") {
    if (names.length !== 1 || names[0] !== "v1") st.fail("invalid import, must be `rego.v1`", path.loc);
    if (imp.alias !== undefined) st.fail("`rego` imports cannot be aliased", path.loc);
    st.keywords.enableFuture();
    st.regoVersion = 1;
    module.regoVersion = 1;
  }
  return imp;
}

export function parseQueryText(text: string, file: string, opts: ParseOptions = {}): QueryParse {
  const { st } = newState(text, file, opts);
  const body: Body = [];
  if (st.tok.kind === "eof") st.report("found empty query: expected an expression", st.loc());
  while (st.tok.kind !== "eof" && !st.exhausted && st.diagnostics.length < MAX_ERRORS) {
    const start = st.pos;
    try {
      body.push(parseLiteral(st));
      if (st.accept(";") || st.atEof() || st.tok.nl) continue;
      st.fail(`expected \`;\`, a line break or end of file after an expression but found ${st.describe()}`);
    } catch (e) {
      if (!(e instanceof ParseAbort)) throw e;
      st.depth = 0;
      // Skip to the next expression: at a line break or after a `;`.
      const toks = st.tokens;
      let i = Math.max(start + 1, st.pos);
      while (
        i < toks.length - 1 && !toks[i].nl && !(toks[i - 1].kind === "punct" && toks[i - 1].text === ";")
      ) i++;
      st.pos = i;
    }
  }
  const diagnostics = sortDiagnostics(st.diagnostics).slice(0, MAX_ERRORS);
  return diagnostics.length > 0 ? { diagnostics, steps: st.steps } : { body, diagnostics, steps: st.steps };
}
