/**
 * Rego source in, answers out: compiles modules (Rego v0 with the future keywords, as the
 * conformance cases and the OPA oracle read them; built-in errors not strict) and evaluates
 * entrypoints through the stock SDK, for tests that check what a construct decides. Host
 * built-ins are not provided: tests using them belong with the engine.
 */
import { loadPolicy } from "@open-policy-agent/opa-wasm";
import { compile } from "../mod.ts";
import { formatDiagnostic } from "../diagnostics.ts";

/** A value, `undefined` (no result), or an error message. */
export type Answer = { result: unknown } | "undefined" | { error: string };

export interface Compiled {
  /** The answer of `entrypoint` ("pkg/rule") for `input` (undefined: no input). */
  answer(entrypoint: string, input?: unknown): Answer;
}

/** Compiles `modules` for `entrypoints`; throws with the diagnostics when they do not compile. */
export async function compileRego(
  modules: string[],
  entrypoints: string[],
  data: Record<string, unknown> = {},
): Promise<Compiled> {
  const result = compile(modules.map((text, i) => ({ path: `m${i}.rego`, text })), {
    entrypoints,
    regoVersion: 0,
    futureKeywords: true,
  });
  if (!result.wasm) throw new Error(result.diagnostics.map(formatDiagnostic).join("\n"));
  const policy = await loadPolicy(result.wasm, { initial: Math.ceil(result.wasm.byteLength / 65536) + 2 });
  policy.setData(data);
  return {
    answer(entrypoint, input) {
      try {
        const rs = policy.evaluate(input, entrypoint) as { result: unknown }[];
        return rs.length === 0 ? "undefined" : { result: rs[0].result };
      } catch (e) {
        return { error: typeof e === "string" ? e : (e as Error).message };
      }
    },
  };
}

/** The diagnostics of modules that must not compile, formatted. */
export function compileErrors(modules: string[], entrypoints: string[]): string[] {
  const result = compile(modules.map((text, i) => ({ path: `m${i}.rego`, text })), {
    entrypoints,
    regoVersion: 0,
    futureKeywords: true,
  });
  return result.diagnostics.map(formatDiagnostic);
}
