/** Running whole folders of case files, shared by the CLI and test/conformance.test.ts. */
import { fileURLToPath } from "node:url";
import type { HostBuiltins } from "../../engine/builtin_adapter.ts";
import { type CaseResult, loadCaseFiles } from "./cases.ts";
import { runCase } from "./run_case.ts";

/** `../shared/conformance` relative to the repository root. */
export const DEFAULT_SUITE = fileURLToPath(new URL("../../../../shared/conformance", import.meta.url));

export interface FileReport {
  file: string;
  results: CaseResult[];
}

export async function runSuite(dirs: string[], builtins: HostBuiltins): Promise<FileReport[]> {
  const reports: FileReport[] = [];
  for (const dir of dirs) {
    try {
      if (!(await Deno.stat(dir)).isDirectory) throw new Error("not a directory");
    } catch (e) {
      throw new Error(
        `conformance folder ${dir} is missing (${(e as Error).message}); it must sit beside the repo`,
      );
    }
    for (const { file, cases, errors } of await loadCaseFiles(dir)) {
      const results: CaseResult[] = [];
      if (errors !== undefined) results.push(yamlFailure(file, errors));
      for (const c of cases) results.push(await runCase(file, c, builtins));
      reports.push({ file, results });
    }
  }
  return reports;
}

/** A file whose YAML could not be read counts as one failed case, noted YAML_ERROR_NOTE. */
export const YAML_ERROR_NOTE = "(YAML)";

function yamlFailure(file: string, errors: string[]): CaseResult {
  return { file, note: YAML_ERROR_NOTE, expect: "result", status: "fail", got: errors, reason: "yaml error" };
}

export function counts(results: CaseResult[]): { passed: number; failed: number; skipped: number } {
  return {
    passed: results.filter((r) => r.status === "pass").length,
    failed: results.filter((r) => r.status === "fail").length,
    skipped: results.filter((r) => r.status === "skip").length,
  };
}
