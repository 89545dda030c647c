/**
 * The conformance case files (see ../shared/conformance/README.md): YAML documents `{cases: [...]}`,
 * read in place, never copied into the repository.
 */
import { join, relative } from "node:path";
import { parseCaseYaml } from "./yaml_repair.ts";

export interface Case {
  note: string;
  modules: string[];
  data?: unknown;
  input?: unknown;
  query: string;
  want_result?: unknown;
  no_result?: boolean;
  error?: unknown;
  want_error?: unknown;
  strict?: boolean;
  sort_bindings?: boolean;
  skip?: boolean;
}

export interface CaseFile {
  /** Path relative to the suite folder it was found in, for reports and the known-failures list. */
  file: string;
  cases: Case[];
  /** YAML errors: the file could not be read as written (its cases may be incomplete). */
  errors?: string[];
}

export type Expectation = "result" | "error" | "undefined";

export interface CaseResult {
  file: string;
  note: string;
  expect: Expectation;
  status: "pass" | "fail" | "skip";
  /** What happened, when it was not what the case wanted. */
  got?: unknown;
  /** A short class of the failure, e.g. "compile: rego_parse_error" or "eval: policy_eval_failed". */
  reason?: string;
}

export function expectation(c: Case): Expectation {
  if (c.error !== undefined || c.want_error !== undefined) return "error";
  if (c.no_result === true) return "undefined";
  return "result";
}

/** Every `*.yaml` under `dir`, sorted, parsed. */
export async function loadCaseFiles(dir: string): Promise<CaseFile[]> {
  const paths: string[] = [];
  const walk = async (current: string) => {
    for await (const entry of Deno.readDir(current)) {
      const full = join(current, entry.name);
      if (entry.isDirectory) await walk(full);
      else if (entry.isFile && /\.ya?ml$/.test(entry.name)) paths.push(full);
    }
  };
  await walk(dir);
  paths.sort();
  const files: CaseFile[] = [];
  for (const path of paths) {
    const { value, errors } = parseCaseYaml(await Deno.readTextFile(path));
    const doc = value as { cases?: Case[] } | null;
    const file: CaseFile = { file: relative(dir, path), cases: (doc?.cases ?? []).map(normaliseCase) };
    if (errors.length > 0) file.errors = errors;
    files.push(file);
  }
  return files;
}

function normaliseCase(raw: Case): Case {
  return {
    ...raw,
    note: String(raw.note ?? ""),
    modules: raw.modules ?? [],
    query: String(raw.query ?? "").trim(),
  };
}
