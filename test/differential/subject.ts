/**
 * The subject of the differential tests: this project's compiler, evaluated through the stock
 * SDK and the engine's host built-ins, as `deno task conformance` runs it. Built-in errors are
 * not strict (OPA's default, and the oracle's).
 */
import { compile, formatDiagnostic } from "../../src/rego/mod.ts";
import { adaptBuiltins } from "../../src/engine/builtin_adapter.ts";
import { HOST_BUILTINS } from "../../src/engine/builtins/index.ts";
import { instantiatePolicy } from "../../src/engine/load.ts";
import { evaluatePolicy, thrownMessage } from "../../src/engine/policy.ts";
import { JsonText } from "../../src/engine/types.ts";
import type { Answer, ErrorStage } from "./case.ts";

/** Our answer; an error says at which stage it arose. */
export type OurAnswer = Answer & { stage?: ErrorStage };

export interface Subject {
  modules: string[];
  input?: unknown;
  data?: Record<string, unknown>;
}

const builtins = adaptBuiltins(HOST_BUILTINS, false);

/** `data.a.b` → the entrypoint `a/b`. */
export function entrypointOf(query: string): string {
  return query.replace(/^data\.?/, "").replaceAll(".", "/");
}

/** Answers each query (a `data…` reference) over one compilation of the modules. */
export async function evaluateOurs(s: Subject, queries: string[]): Promise<OurAnswer[]> {
  const sources = s.modules.map((text, i) => ({ path: `module${i}.rego`, text }));
  const options = { regoVersion: 0 as const, futureKeywords: true, strict: false };
  let entrypoints = queries.map(entrypointOf);
  let compiled = compile(sources, { entrypoints, ...options });
  // A query naming no rule is undefined in `opa eval`; as an entrypoint (`opa build -e`) it is an
  // error. The oracle answers queries, so such entrypoints are dropped and answer undefined.
  const missing = new Set(compiled.diagnostics.flatMap((d) => {
    const m = /^entrypoint "([^"]+)" does not refer to a rule or policy decision$/.exec(d.message);
    return m ? [m[1]] : [];
  }));
  if (missing.size > 0 && missing.size === compiled.diagnostics.length) {
    entrypoints = entrypoints.filter((e) => !missing.has(e));
    if (entrypoints.length === 0) return queries.map(() => ({ undefined: true }));
    compiled = compile(sources, { entrypoints, ...options });
  }
  if (compiled.wasm === undefined) {
    const error = compiled.diagnostics.map(formatDiagnostic).join("\n");
    return queries.map(() => ({ error, stage: "compile" }));
  }
  let policy;
  try {
    policy = await instantiatePolicy(compiled.wasm, s.data ?? {}, builtins);
  } catch (e) {
    return queries.map(() => ({ error: thrownMessage(e), stage: "eval" }));
  }
  // As JSON text, the gateway's path: the SDK's evaluate() drops an input that is false, 0, ""
  // or null (it tests `if (input)`), which the gateway never sends but generated cases do.
  const input = s.input === undefined ? undefined : new JsonText(JSON.stringify(s.input));
  return queries.map(entrypointOf).map((ep): OurAnswer => {
    if (missing.has(ep)) return { undefined: true };
    const r = evaluatePolicy(policy, "", ep, input);
    if (r.ok) return { result: r.value };
    if (r.error.code === "policy_undefined") return { undefined: true };
    return { error: r.error.message, stage: "eval" };
  });
}
