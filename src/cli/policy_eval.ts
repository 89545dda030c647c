/**
 * `deno task policy:eval [options] QUERY` — evaluates a Rego query as `opa eval` does, with this
 * project's compiler: the query becomes a module (eval/query.ts), compiled with the given policies
 * and evaluated with the given data and input. The JSON output has `opa eval`'s shape.
 */
import { parse as parseYaml } from "yaml";
import { compile } from "../rego/mod.ts";
import { adaptBuiltins } from "../engine/builtin_adapter.ts";
import { HOST_BUILTINS } from "../engine/builtins/index.ts";
import { instantiatePolicy } from "../engine/load.ts";
import { evaluatePolicy } from "../engine/policy.ts";
import { cliMain, parseCliArgs, UsageError } from "./cli_args.ts";
import { planEvalQuery, QUERY_ENTRYPOINT } from "./eval/query.ts";
import { loadPolicyFiles } from "./policy_files.ts";

export const USAGE = `usage: deno task policy:eval [options] QUERY

Evaluates a Rego query as \`opa eval\` does.

  -d, --data PATH        policy and data: a directory, bundle (.tar.gz), .rego, .json or .yaml file (repeatable)
  -b, --bundle PATH      a bundle directory or archive (repeatable)
  -i, --input FILE       the input document (JSON or YAML)
  -I, --stdin-input      read the input document from stdin
  -f, --format FORMAT    json (default), values, bindings or pretty
  --fail                 exit 1 when the result is undefined (empty)
  --fail-defined         exit 1 when the result is defined (not empty)
  --strict-builtin-errors  built-in errors abort the evaluation
  --v0-compatible        modules are Rego v0 unless they import rego.v1
  -h, --help             this text

Exit codes: 0 ok, 1 an error (or --fail / --fail-defined), 2 usage error.`;

export type EvalFormat = "json" | "values" | "bindings" | "pretty";

export interface EvalConfig {
  query: string;
  paths: string[];
  input?: { file: string } | { stdin: true };
  format: EvalFormat;
  fail: boolean;
  failDefined: boolean;
  strict: boolean;
  regoVersion: 0 | 1;
}

export function parseEvalArgs(args: string[]): EvalConfig {
  const { values, positionals } = parseCliArgs(args, {
    data: { type: "string", short: "d", multiple: true },
    bundle: { type: "string", short: "b", multiple: true },
    input: { type: "string", short: "i" },
    "stdin-input": { type: "boolean", short: "I" },
    format: { type: "string", short: "f" },
    fail: { type: "boolean" },
    "fail-defined": { type: "boolean" },
    "strict-builtin-errors": { type: "boolean" },
    "v0-compatible": { type: "boolean" },
  });
  if (positionals.length !== 1) throw new UsageError("give exactly one query");
  const format = values.format ?? "json";
  if (!["json", "values", "bindings", "pretty"].includes(format)) {
    throw new UsageError("--format must be json, values, bindings or pretty");
  }
  if (values.fail && values["fail-defined"]) {
    throw new UsageError("--fail and --fail-defined exclude each other");
  }
  if (values.input !== undefined && values["stdin-input"]) {
    throw new UsageError("-i and -I exclude each other");
  }
  return {
    query: positionals[0],
    paths: [...values.data ?? [], ...values.bundle ?? []],
    input: values.input !== undefined
      ? { file: values.input }
      : values["stdin-input"]
      ? { stdin: true }
      : undefined,
    format: format as EvalFormat,
    fail: values.fail ?? false,
    failDefined: values["fail-defined"] ?? false,
    strict: values["strict-builtin-errors"] ?? false,
    regoVersion: values["v0-compatible"] ? 0 : 1,
  };
}

export interface EvalExpression {
  value: unknown;
  text: string;
  location: { row: number; col: number };
}

export interface EvalResultSet {
  expressions: EvalExpression[];
  bindings?: Record<string, unknown>;
}

/** `opa eval`'s output document: `{"result": [...]}`, `{}` when undefined, `{"errors": [...]}`. */
export interface EvalOutput {
  result?: EvalResultSet[];
  errors?: { code: string; message: string; location?: { file: string; row: number; col: number } }[];
}

export async function evaluateQuery(config: EvalConfig, stdin?: () => Promise<string>): Promise<EvalOutput> {
  const planned = planEvalQuery(config.query, config.regoVersion);
  if (!planned.ok) return { errors: planned.diagnostics.map(errorOf) };
  const { plan } = planned;
  const { sources, data } = await loadPolicyFiles(config.paths);
  const input = await readInput(config, stdin);
  const compiled = compile([...sources, { path: "query", text: plan.module }], {
    entrypoints: [QUERY_ENTRYPOINT],
    regoVersion: config.regoVersion,
    strict: config.strict,
  });
  if (compiled.wasm === undefined) return { errors: compiled.diagnostics.map(errorOf) };
  const policy = await instantiatePolicy(compiled.wasm, data, adaptBuiltins(HOST_BUILTINS, config.strict));
  const result = evaluatePolicy(policy, "", QUERY_ENTRYPOINT, input);
  if (!result.ok) return { errors: [{ code: "eval_error", message: result.error.message }] };
  const solutions = result.value as [unknown[], Record<string, unknown>][];
  if (solutions.length === 0) return {};
  return {
    result: solutions.map(([values, bindings]) => {
      const set: EvalResultSet = {
        expressions: plan.expressions.map((e, i) => ({
          value: sortedKeys(values[i]),
          text: e.text,
          location: e.location,
        })),
      };
      if (Object.keys(bindings).length > 0) set.bindings = sortedKeys(bindings) as Record<string, unknown>;
      return set;
    }),
  };
}

/** Object keys in order, as OPA's JSON (Go's encoding of maps) prints them. */
function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (typeof v !== "object" || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortedKeys((v as Record<string, unknown>)[k]);
  return out;
}

function errorOf(d: { code: string; message: string; location: { file: string; row: number; col: number } }) {
  return { code: d.code, message: d.message, location: d.location };
}

async function readInput(config: EvalConfig, stdin?: () => Promise<string>): Promise<unknown> {
  if (config.input === undefined) return undefined;
  const [text, name] = "file" in config.input
    ? [await Deno.readTextFile(config.input.file), config.input.file]
    : [await (stdin ?? readStdin)(), "stdin"];
  try {
    return /\.ya?ml$/.test(name) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    if (name === "stdin") return parseYaml(text); // YAML is a superset of JSON
    throw new Error(`${name}: ${(e as Error).message}`);
  }
}

async function readStdin(): Promise<string> {
  return await new Response(Deno.stdin.readable).text();
}

/** The output in the chosen format, as `opa eval` prints it. */
export function render(out: EvalOutput, format: EvalFormat): string {
  if (out.errors) {
    if (format === "json") return JSON.stringify(out, null, 2);
    return out.errors.map((e) =>
      e.location ? `${e.code}: ${e.location.file}:${e.location.row}: ${e.message}` : `${e.code}: ${e.message}`
    ).join("\n");
  }
  const results = out.result ?? [];
  switch (format) {
    case "json":
      return JSON.stringify(out, null, 2);
    case "values":
      return JSON.stringify(results.map((r) => r.expressions.map((e) => e.value)), null, 2);
    case "bindings":
      return JSON.stringify(results.map((r) => r.bindings ?? {}), null, 2);
    case "pretty":
      return pretty(results);
  }
}

function pretty(results: EvalResultSet[]): string {
  if (results.length === 0) return "undefined";
  const single = results.length === 1 && results[0].bindings === undefined;
  if (single && results[0].expressions.length === 1) {
    return JSON.stringify(results[0].expressions[0].value, null, 2);
  }
  // A table: one column per binding, then per expression whose value is not just `true`.
  const names = Object.keys(results[0].bindings ?? {});
  const exprs = results[0].expressions.map((e, i) => ({ e, i })).filter(({ i }) =>
    results.some((r) => r.expressions[i].value !== true) || names.length === 0
  );
  const header = [...names, ...exprs.map(({ e }) => e.text)];
  const rows = results.map((r) => [
    ...names.map((n) => JSON.stringify(r.bindings?.[n])),
    ...exprs.map(({ i }) => JSON.stringify(r.expressions[i].value)),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = "+" + widths.map((w) => "-".repeat(w + 2)).join("+") + "+";
  const fmt = (cells: string[]) => "| " + cells.map((s, c) => s.padEnd(widths[c])).join(" | ") + " |";
  return [line, fmt(header), line, ...rows.map(fmt), line].join("\n");
}

async function run(args: string[]): Promise<number> {
  const config = parseEvalArgs(args);
  const out = await evaluateQuery(config);
  const text = render(out, config.format);
  if (out.errors) {
    if (config.format === "json") console.log(text);
    else console.error(text);
    return 1;
  }
  console.log(text);
  const defined = (out.result?.length ?? 0) > 0;
  if (config.fail && !defined) return 1;
  if (config.failDefined && defined) return 1;
  return 0;
}

export function main(args: string[]): Promise<number> {
  return cliMain("policy:eval", USAGE, args, run);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
