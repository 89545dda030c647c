/**
 * Running one case: compile its modules (plus the query wrapper) → load with the stock SDK and
 * `setData(data)` → evaluate with `input` → compare with the expectation.
 */
import { compile, type CompileResult, formatDiagnostic, type SourceFile } from "../../rego/mod.ts";
import { adaptBuiltins, type HostBuiltins } from "../../engine/builtin_adapter.ts";
import { instantiatePolicy } from "../../engine/load.ts";
import { evaluatePolicy, type WasmPolicy } from "../../engine/policy.ts";
import { EngineError } from "../../engine/types.ts";
import { type Case, type CaseResult, expectation } from "./cases.ts";
import { matches } from "./compare.ts";
import { planQuery, type QueryPlan, WRAPPER_ENTRYPOINT, wrapperModule } from "./query.ts";
import { caseSources } from "./sources.ts";

type Outcome = { kind: "value"; value: unknown } | { kind: "undefined" } | {
  kind: "error";
  stage: string;
  message: string;
};

export async function runCase(file: string, c: Case, builtins: HostBuiltins): Promise<CaseResult> {
  const expect = expectation(c);
  const base = { file, note: c.note, expect };
  if (c.skip === true) return { ...base, status: "skip" };
  const outcome = await execute(file, c, builtins);
  if (expect === "error") {
    return outcome.kind === "error"
      ? { ...base, status: "pass" }
      : { ...base, status: "fail", got: shown(outcome), reason: "expected an error" };
  }
  if (outcome.kind === "error") {
    return {
      ...base,
      status: "fail",
      got: outcome.message,
      reason: `${outcome.stage}: ${errorClass(outcome.message)}`,
    };
  }
  if (expect === "undefined") {
    return outcome.kind === "undefined"
      ? { ...base, status: "pass" }
      : { ...base, status: "fail", got: outcome.value, reason: "expected no result" };
  }
  if (outcome.kind === "undefined") {
    return { ...base, status: "fail", got: "undefined", reason: "undefined result" };
  }
  return matches(outcome.value, c.want_result, c.sort_bindings === true)
    ? { ...base, status: "pass" }
    : { ...base, status: "fail", got: outcome.value, reason: "wrong result" };
}

async function execute(file: string, c: Case, builtins: HostBuiltins): Promise<Outcome> {
  const strict = c.strict !== false;
  const sources = caseSources(file, c.modules);
  let plan: QueryPlan;
  try {
    plan = planQuery(c.query, c.modules);
  } catch (e) {
    return { kind: "error", stage: "query", message: (e as Error).message };
  }
  let compiled = compilePlan(sources, plan, strict);
  // `opa build` refuses an entrypoint without rules (an empty package, base data), as the compiler
  // does; `opa eval` answers it: a reference goes through the wrapper module instead, and a
  // package without rules is `{}` in `data`.
  const unmapped = unmappedEntrypoints(compiled);
  let emptyPackages: string[] = [];
  if (unmapped.length > 0 && plan.kind === "ref") {
    plan = { kind: "wrapper", module: wrapperModule(c.query.trim()), entrypoint: WRAPPER_ENTRYPOINT };
    compiled = compilePlan(sources, plan, strict);
  } else if (unmapped.length > 0 && plan.kind === "data") {
    emptyPackages = unmapped;
    plan = { kind: "data", entrypoints: plan.entrypoints.filter((e) => !unmapped.includes(e)) };
    compiled = compilePlan(sources, plan, strict);
  }
  let policy: WasmPolicy;
  try {
    if (compiled === null) return { kind: "value", value: withEmpty(c.data ?? {}, emptyPackages) };
    if (compiled.wasm === undefined) {
      return {
        kind: "error",
        stage: "compile",
        message: compiled.diagnostics.map(formatDiagnostic).join("\n"),
      };
    }
    policy = await instantiatePolicy(
      compiled.wasm,
      (c.data ?? {}) as Record<string, unknown>,
      adaptBuiltins(builtins, strict),
    );
  } catch (e) {
    const stage = e instanceof EngineError ? "load" : "compile";
    return { kind: "error", stage, message: (e as Error).message };
  }
  const inputs = caseInputs(c.input);
  const once = (input: unknown) => {
    const outcome = evaluateOnce(policy, plan, c, input);
    return outcome.kind === "value" && plan.kind === "data"
      ? { ...outcome, value: withEmpty(outcome.value, emptyPackages) }
      : outcome;
  };
  if (inputs === undefined) return once(c.input);
  const outcomes = inputs.map(once);
  const failed = outcomes.find((o) => o.kind === "error");
  if (failed !== undefined) return failed;
  return { kind: "value", value: { "many!": outcomes.map((o) => o.kind === "value" ? o.value : undefined) } };
}

/** `input: {many!: [...]}`: the case is evaluated once per input, its results listed in order. */
export function caseInputs(input: unknown): unknown[] | undefined {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return undefined;
  const keys = Object.keys(input);
  if (keys.length !== 1 || keys[0] !== "many!") return undefined;
  const many = (input as Record<string, unknown>)["many!"];
  return Array.isArray(many) ? many : undefined;
}

/** The case compiled for this plan; null when there is nothing to compile (`data` without packages). */
function compilePlan(sources: SourceFile[], plan: QueryPlan, strict: boolean): CompileResult | null {
  const entrypoints = plan.kind === "data" ? plan.entrypoints : [plan.entrypoint];
  if (entrypoints.length === 0) return null;
  const all = plan.kind === "wrapper"
    ? [...sources, { path: "query.rego", text: plan.module, regoVersion: 0 as const }]
    : sources;
  return compile(all, { entrypoints, regoVersion: 0, futureKeywords: true, strict });
}

/** `data` with each package without rules present, as `{}` unless base data is there. */
function withEmpty(data: unknown, packages: string[]): unknown {
  const out = { ...(data as Record<string, unknown>) };
  for (const pkg of packages) out[pkg] ??= {};
  return out;
}

/** The entrypoints named in the diagnostics when each says it names no rule; else none. */
function unmappedEntrypoints(compiled: CompileResult | null): string[] {
  if (compiled === null || compiled.wasm !== undefined) return [];
  const names = compiled.diagnostics.map((d) =>
    /^entrypoint "(.*)" does not refer to a rule or policy decision$/.exec(d.message)?.[1]
  );
  return names.every((n) => n !== undefined) ? names as string[] : [];
}

function evaluateOnce(policy: WasmPolicy, plan: QueryPlan, c: Case, input: unknown): Outcome {
  if (plan.kind === "data") return evaluateData(policy, plan.entrypoints, c, input);
  const result = evaluatePolicy(policy, "", plan.entrypoint, input);
  if (!result.ok) {
    return result.error.code === "policy_undefined"
      ? { kind: "undefined" }
      : { kind: "error", stage: "eval", message: result.error.message };
  }
  if (plan.kind === "ref") return { kind: "value", value: result.value };
  const solutions = result.value as unknown[];
  if (solutions.length === 0) return { kind: "undefined" };
  return { kind: "value", value: solutions.length === 1 ? solutions[0] : { "many!": solutions } };
}

function evaluateData(policy: WasmPolicy, packages: string[], c: Case, input: unknown): Outcome {
  const value: Record<string, unknown> = { ...(c.data as Record<string, unknown> ?? {}) };
  for (const pkg of packages) {
    const result = evaluatePolicy(policy, "", pkg, input);
    if (result.ok) value[pkg] = result.value;
    else if (result.error.code !== "policy_undefined") {
      return { kind: "error", stage: "eval", message: result.error.message };
    }
  }
  return { kind: "value", value };
}

function shown(outcome: Outcome): unknown {
  return outcome.kind === "value" ? outcome.value : outcome.kind;
}

/** The kind of an error message: a missing built-in, its OPA error code, or its first words. */
export function errorClass(message: string): string {
  const missing = /not implemented: built-in function \d+: ([\w.]+)/.exec(message)?.[1];
  if (missing !== undefined) return `built-in not implemented: ${missing}`;
  const code = /\b(rego_[a-z_]+_error|eval_[a-z_]+_error|[a-z_]+_error)\b/.exec(message)?.[1];
  if (code !== undefined) return code;
  return message.replace(/^[\w/]+: /, "").split("\n")[0].replace(/\d+/g, "N").slice(0, 60);
}
