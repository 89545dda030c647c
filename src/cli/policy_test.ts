/**
 * `deno task policy:test [PATH…]` — runs every `test_*` rule of the `*_test.rego` files in the
 * paths (directories or files; default `policies/`), as `opa test` does: all modules are compiled
 * together with each test rule as an entrypoint, each is evaluated with no input, and a test passes
 * when its value is `true`.
 */
import { compile, COVER_BUILTIN, coverKey, coverPoints, parseModule, renderDiagnostic } from "../rego/mod.ts";
import type { SourceFile } from "../rego/mod.ts";
import { adaptBuiltins } from "../engine/builtin_adapter.ts";
import { HOST_BUILTINS, setPrintHook } from "../engine/builtins/index.ts";
import { instantiatePolicy } from "../engine/load.ts";
import { evaluatePolicy } from "../engine/policy.ts";
import { loadPolicyFiles } from "./policy_files.ts";
import { cliMain, parseCliArgs, UsageError } from "./cli_args.ts";
import { type CoverageReport, coverageReport, thresholdMessage } from "./coverage_report.ts";

export const USAGE = `usage: deno task policy:test [options] [PATH…]   (default PATH: policies)

Runs the test_* rules of the *_test.rego files, as \`opa test\` does.

  -c, --coverage        print the coverage report (OPA's JSON shape) instead of the results
  --threshold PERCENT   with --coverage: exit 2 when the overall coverage is lower
  -r, --run REGEX       run only the tests whose name (data.pkg.test_x) matches
  --format FORMAT       pretty (default) or json (OPA's test result objects)
  -v, --verbose         show every test and what it printed (failing tests always show it)
  --bench               benchmark each passing test: iterations and ns/op, as \`opa test --bench\`
  --benchtime MS        with --bench: measure each test for about this long (default 1000)
  --v0-compatible       modules are Rego v0 unless they import rego.v1
  -h, --help            this text

Exit codes: 0 all passed, 1 a test failed or did not compile, 2 usage error or threshold not met.`;

export interface PolicyTestConfig {
  /** Directories or files. */
  paths: string[];
  regoVersion: 0 | 1;
  verbose?: boolean;
  coverage?: boolean;
  threshold?: number;
  run?: RegExp;
  format?: "pretty" | "json";
  /** Benchmark each passing test for about this many milliseconds (opa test --bench). */
  benchMs?: number;
}

export function parsePolicyTestArgs(args: string[]): PolicyTestConfig {
  const { values, positionals } = parseCliArgs(args, {
    "v0-compatible": { type: "boolean" },
    verbose: { type: "boolean", short: "v" },
    coverage: { type: "boolean", short: "c" },
    threshold: { type: "string" },
    run: { type: "string", short: "r" },
    format: { type: "string" },
    bench: { type: "boolean" },
    benchtime: { type: "string" },
  });
  const format = values.format ?? "pretty";
  if (format !== "pretty" && format !== "json") throw new UsageError("--format must be pretty or json");
  let threshold: number | undefined;
  if (values.threshold !== undefined) {
    threshold = Number(values.threshold);
    if (!Number.isFinite(threshold) || threshold < 0 || threshold > 100) {
      throw new UsageError("--threshold must be a percentage from 0 to 100");
    }
  }
  let run: RegExp | undefined;
  if (values.run !== undefined) {
    try {
      run = new RegExp(values.run);
    } catch (e) {
      throw new UsageError(`--run: ${(e as Error).message}`);
    }
  }
  const benchMs = values.benchtime === undefined ? 1000 : Number(values.benchtime);
  if (!Number.isFinite(benchMs) || benchMs <= 0) {
    throw new UsageError("--benchtime must be a positive number of ms");
  }
  return {
    benchMs: values.bench ? benchMs : undefined,
    paths: positionals.length > 0 ? positionals : ["policies"],
    regoVersion: values["v0-compatible"] ? 0 : 1,
    verbose: values.verbose ?? false,
    // OPA: a threshold implies coverage.
    coverage: (values.coverage ?? false) || threshold !== undefined,
    threshold,
    run,
    format,
  };
}

export interface TestCase {
  /** "pkg/test_name", the entrypoint. */
  entrypoint: string;
  /** "data.pkg.test_name", as OPA names it. */
  name: string;
  location: { file: string; row: number; col: number };
}

/**
 * Test rules of a test file. Found textually (a rule head at the start of a line), which is how
 * test rules are written; the compiler then confirms each exists.
 */
export function findTests(source: SourceFile): string[] {
  return findTestCases(source).map((t) => t.entrypoint);
}

export function findTestCases(source: SourceFile): TestCase[] {
  const pkg = /^\s*package\s+([\w.]+)/m.exec(source.text)?.[1];
  if (pkg === undefined) return [];
  const seen = new Set<string>();
  const out: TestCase[] = [];
  for (const m of source.text.matchAll(/^(test_\w+)\b/gm)) {
    if (seen.has(m[1])) continue;
    seen.add(m[1]);
    const row = source.text.slice(0, m.index).split("\n").length;
    out.push({
      entrypoint: `${pkg.replaceAll(".", "/")}/${m[1]}`,
      name: `data.${pkg}.${m[1]}`,
      location: { file: source.path, row, col: 1 },
    });
  }
  return out;
}

export interface TestOutcome {
  /** "pkg/test_name". */
  name: string;
  test: TestCase;
  passed: boolean;
  detail?: string;
  /** What the test's print() calls wrote. */
  printed: string[];
  durationNs: number;
  /** With --bench, for a passing test: iterations run and their total time, as Go's testing.B. */
  bench?: { N: number; T: number; nsPerOp: number };
}

export async function runPolicyTests(
  config: PolicyTestConfig,
): Promise<{ outcomes: TestOutcome[]; errors: string[]; coverage?: CoverageReport }> {
  const { sources, data } = await loadPolicyFiles(config.paths);
  // As OPA: a test_ rule is a test in any file (the *_test.rego convention only keeps it out of builds).
  let tests = sources.flatMap(findTestCases);
  if (config.run) tests = tests.filter((t) => config.run!.test(t.name));
  if (tests.length === 0) return { outcomes: [], errors: [] };
  const compiled = compile(sources, {
    entrypoints: tests.map((t) => t.entrypoint),
    regoVersion: config.regoVersion,
    strict: false,
    cover: config.coverage ?? false,
  });
  if (compiled.wasm === undefined) {
    const text = new Map(sources.map((s) => [s.path, s.text]));
    return {
      outcomes: [],
      errors: compiled.diagnostics.map((d) => renderDiagnostic(d, text.get(d.location.file))),
    };
  }
  const hits = new Map<string, Set<number>>();
  const builtins = adaptBuiltins(HOST_BUILTINS, false);
  if (config.coverage) {
    builtins[COVER_BUILTIN] = (key: unknown) => {
      const [file, row] = coverKey(String(key));
      let rows = hits.get(file);
      if (rows === undefined) hits.set(file, rows = new Set());
      rows.add(row);
      return true;
    };
  }
  const policy = await instantiatePolicy(compiled.wasm, data, builtins);
  const outcomes = tests.map((test): TestOutcome => {
    const printed: string[] = [];
    setPrintHook((line) => printed.push(line));
    const started = performance.now();
    const done = (passed: boolean, detail?: string): TestOutcome => ({
      name: test.entrypoint,
      test,
      passed,
      detail,
      printed,
      durationNs: Math.round((performance.now() - started) * 1e6),
    });
    try {
      const result = evaluatePolicy(policy, "", test.entrypoint, undefined);
      if (result.ok && result.value === true) {
        const outcome = done(true);
        if (config.benchMs !== undefined) {
          outcome.bench = benchmark(
            () => evaluatePolicy(policy, "", test.entrypoint, undefined),
            config.benchMs,
          );
        }
        return outcome;
      }
      return done(false, result.ok ? `value ${JSON.stringify(result.value)}` : result.error.message);
    } finally {
      setPrintHook(undefined);
    }
  });
  if (!config.coverage) return { outcomes, errors: [] };
  const modules = sources.flatMap((s) => {
    const { module } = parseModule(s.text, s.path, { regoVersion: s.regoVersion ?? config.regoVersion });
    return module ? [module] : [];
  });
  return { outcomes, errors: [], coverage: coverageReport(coverPoints(modules), hits) };
}

/**
 * Runs f in rounds of growing size (1, 2, 5, 10, 20, 50… as Go's testing.B) until a round takes
 * about `targetMs`; the last round's count and time are the result.
 */
export function benchmark(f: () => unknown, targetMs: number): { N: number; T: number; nsPerOp: number } {
  const steps = [1, 2, 5];
  for (let scale = 1, i = 0;; i++) {
    const n = steps[i % 3] * scale;
    if (i % 3 === 2) scale *= 10;
    const started = performance.now();
    for (let k = 0; k < n; k++) f();
    const ms = performance.now() - started;
    if (ms >= targetMs || n >= 1e9) {
      return { N: n, T: Math.round(ms * 1e6), nsPerOp: Math.round((ms * 1e6) / n) };
    }
  }
}

/** OPA's `opa test --format json` objects. */
export function jsonResults(outcomes: TestOutcome[]) {
  return outcomes.map((o) => {
    const out: Record<string, unknown> = {
      location: o.test.location,
      package: o.test.name.slice(0, o.test.name.lastIndexOf(".")),
      name: o.test.name.slice(o.test.name.lastIndexOf(".") + 1),
    };
    if (!o.passed) out.fail = true;
    if (!o.passed && o.detail && !o.detail.startsWith("value ")) out.error = { message: o.detail };
    out.duration = o.durationNs;
    if (o.bench) out.bench_result = { N: o.bench.N, T: o.bench.T, ns_per_op: o.bench.nsPerOp };
    if (o.printed.length) out.output = btoa(o.printed.map((l) => l + "\n").join(""));
    return out;
  });
}

async function run(args: string[]): Promise<number> {
  const config = parsePolicyTestArgs(args);
  const { outcomes, errors, coverage } = await runPolicyTests(config);
  for (const error of errors) console.error(error);
  const failed = outcomes.filter((o) => !o.passed).length;
  if (coverage !== undefined) {
    console.log(JSON.stringify(coverage, null, 2));
  } else if (config.format === "json") {
    console.log(JSON.stringify(jsonResults(outcomes), null, 2));
  } else {
    for (const o of outcomes) {
      if (o.bench) {
        console.log(
          `${o.test.name.padEnd(50)} ${String(o.bench.N).padStart(10)} ${
            String(o.bench.nsPerOp).padStart(12)
          } ns/op`,
        );
        continue;
      }
      if (o.passed && !config.verbose) continue;
      console.log(o.passed ? `PASS ${o.name}` : `FAIL ${o.name}: ${o.detail}`);
      if (!o.passed || config.verbose) { for (const line of o.printed) console.log(`    ${line}`); }
    }
    console.log(`${outcomes.length - failed} passed, ${failed} failed`);
  }
  if (errors.length > 0 || failed > 0) {
    if (coverage !== undefined) {
      for (const o of outcomes) if (!o.passed) console.error(`FAIL ${o.name}: ${o.detail}`);
    }
    return 1;
  }
  if (coverage !== undefined && config.threshold !== undefined && coverage.coverage < config.threshold) {
    const message = thresholdMessage(coverage, config.threshold);
    console.error(config.verbose ? message : message.split("\n")[0]);
    return 2;
  }
  return 0;
}

export function main(args: string[]): Promise<number> {
  return cliMain("policy:test", USAGE, args, run);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
