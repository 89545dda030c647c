/**
 * `deno task policy:test [DIR]` — runs every `test_*` rule of the `*_test.rego` files in DIR
 * (default `policies/`), as `opa test` does: all modules are compiled together with each test rule
 * as an entrypoint, each is evaluated with no input, and a test passes when its value is `true`.
 *
 *   --v0-compatible   modules are Rego v0 unless they import rego.v1
 *   -v, --verbose     show what every test printed (failing tests always show it)
 *
 * Prints PASS/FAIL per test and `N passed, M failed`; exits 1 on any failure or compile error.
 */
import { compile, renderDiagnostic, type SourceFile } from "../rego/mod.ts";
import { mergeDataFiles } from "../engine/bundle/data.ts";
import { readBundleDirectory } from "../engine/bundle/directory.ts";
import { regoSources } from "../engine/bundle/read.ts";
import { adaptBuiltins } from "../engine/builtin_adapter.ts";
import { HOST_BUILTINS, setPrintHook } from "../engine/builtins/index.ts";
import { isTestFile } from "../engine/compile_bundle.ts";
import { instantiatePolicy } from "../engine/load.ts";
import { evaluatePolicy } from "../engine/policy.ts";
import { parseCliArgs, UsageError } from "./cli_args.ts";

export interface PolicyTestConfig {
  dir: string;
  regoVersion: 0 | 1;
  verbose?: boolean;
}

export function parsePolicyTestArgs(args: string[]): PolicyTestConfig {
  const parsed = parseCliArgs(args, {
    "v0-compatible": { type: "boolean" },
    verbose: { type: "boolean", short: "v" },
  });
  if (parsed.positionals.length > 1) throw new UsageError("give at most one directory");
  return {
    dir: parsed.positionals[0] ?? "policies",
    regoVersion: parsed.values["v0-compatible"] ? 0 : 1,
    verbose: parsed.values.verbose ?? false,
  };
}

/**
 * Test rules of a test file, as "pkg/test_name". Found textually (a rule head at the start of a
 * line), which is how test rules are written; the compiler then confirms each exists.
 */
export function findTests(source: SourceFile): string[] {
  const pkg = /^\s*package\s+([\w.]+)/m.exec(source.text)?.[1];
  if (pkg === undefined) return [];
  const names = [...source.text.matchAll(/^(test_\w+)\b/gm)].map((m) => m[1]);
  return [...new Set(names)].map((name) => `${pkg.replaceAll(".", "/")}/${name}`);
}

export interface TestOutcome {
  name: string;
  passed: boolean;
  detail?: string;
  /** What the test's print() calls wrote. */
  printed: string[];
}

export async function runPolicyTests(
  config: PolicyTestConfig,
): Promise<{ outcomes: TestOutcome[]; errors: string[] }> {
  const files = await readBundleDirectory(config.dir);
  const sources = regoSources(files);
  const tests = sources.filter((s) => isTestFile(s.path)).flatMap(findTests);
  if (tests.length === 0) return { outcomes: [], errors: [] };
  const compiled = compile(sources, { entrypoints: tests, regoVersion: config.regoVersion, strict: false });
  if (compiled.wasm === undefined) {
    const text = new Map(sources.map((s) => [s.path, s.text]));
    return {
      outcomes: [],
      errors: compiled.diagnostics.map((d) => renderDiagnostic(d, text.get(d.location.file))),
    };
  }
  const policy = await instantiatePolicy(
    compiled.wasm,
    mergeDataFiles(files),
    adaptBuiltins(HOST_BUILTINS, false),
  );
  const outcomes = tests.map((name): TestOutcome => {
    const printed: string[] = [];
    setPrintHook((line) => printed.push(line));
    try {
      const result = evaluatePolicy(policy, "", name, undefined);
      if (result.ok && result.value === true) return { name, passed: true, printed };
      const detail = result.ok ? `value ${JSON.stringify(result.value)}` : result.error.message;
      return { name, passed: false, detail, printed };
    } finally {
      setPrintHook(undefined);
    }
  });
  return { outcomes, errors: [] };
}

export async function main(args: string[]): Promise<number> {
  let config: PolicyTestConfig;
  try {
    config = parsePolicyTestArgs(args);
  } catch (e) {
    console.error(`policy:test: ${(e as Error).message}`);
    return 2;
  }
  try {
    const { outcomes, errors } = await runPolicyTests(config);
    for (const error of errors) console.error(error);
    for (const o of outcomes) {
      console.log(o.passed ? `PASS ${o.name}` : `FAIL ${o.name}: ${o.detail}`);
      if (!o.passed || config.verbose) { for (const line of o.printed) console.log(`    ${line}`); }
    }
    const failed = outcomes.filter((o) => !o.passed).length;
    console.log(`${outcomes.length - failed} passed, ${failed} failed`);
    return errors.length > 0 || failed > 0 ? 1 : 0;
  } catch (e) {
    console.error(`policy:test: ${(e as Error).message}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
