/**
 * `deno task conformance [DIR…]` — runs the Rego conformance cases (default `../shared/conformance`,
 * read in place) through the compiler and the stock SDK. See conformance/ for the pieces.
 *
 *   --json                    one JSON line per case: {file, note, expect, status, got?}
 *   --update-known-failures   rewrite test/conformance/known_failures.yaml (existing reasons kept)
 *
 * Prints `PASS|FAIL file (passed/total)` per file and last `N passed, M failed, K skipped`.
 */
import { HOST_BUILTINS } from "../engine/builtins/index.ts";
import { readKnownFailures, updatedKnownFailures, writeKnownFailures } from "./conformance/known_failures.ts";
import { counts, DEFAULT_SUITE, runSuite } from "./conformance/suite.ts";
import { cliMain, parseCliArgs } from "./cli_args.ts";

export interface ConformanceConfig {
  dirs: string[];
  json: boolean;
  updateKnownFailures: boolean;
}

export function parseConformanceArgs(args: string[]): ConformanceConfig {
  const parsed = parseCliArgs(args, {
    json: { type: "boolean" },
    "update-known-failures": { type: "boolean" },
  });
  return {
    dirs: parsed.positionals.length > 0 ? parsed.positionals : [DEFAULT_SUITE],
    json: parsed.values.json ?? false,
    updateKnownFailures: parsed.values["update-known-failures"] ?? false,
  };
}

export const USAGE = `usage: deno task conformance [--json] [--update-known-failures] [DIR…]

Runs OPA's conformance cases (default: ../shared/conformance) through this project's compiler.

  --json                    one JSON line per case
  --update-known-failures   rewrite test/conformance/known_failures.yaml
  -h, --help                this text`;

export function main(args: string[]): Promise<number> {
  return cliMain("conformance", USAGE, args, run);
}

async function run(args: string[]): Promise<number> {
  const config = parseConformanceArgs(args);
  const reports = await runSuite(config.dirs, HOST_BUILTINS);
  for (const { file, results } of reports) {
    if (config.json) {
      for (const r of results) {
        const line: Record<string, unknown> = {
          file: r.file,
          note: r.note,
          expect: r.expect,
          status: r.status,
        };
        if (r.status === "fail") line.got = r.got;
        console.log(JSON.stringify(line));
      }
    } else {
      const c = counts(results);
      console.log(`${c.failed === 0 ? "PASS" : "FAIL"} ${file} (${c.passed}/${results.length - c.skipped})`);
    }
  }
  const all = reports.flatMap((r) => r.results);
  if (config.updateKnownFailures) {
    const list = updatedKnownFailures(await readKnownFailures(), all);
    await writeKnownFailures(list);
    console.error(`conformance: wrote ${list.length} known failures`);
  }
  const total = counts(all);
  console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  return total.failed === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
