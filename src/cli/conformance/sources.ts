/**
 * A case's modules as compiler sources. The suite's dialect: a module is Rego v0 with every future
 * keyword available (the compiler's `futureKeywords` option) unless it imports `rego.v1`; the
 * modules of `binding/bindings.yaml` are Rego v1.
 */
import type { SourceFile } from "../../rego/mod.ts";

/** Case files (by path suffix) whose modules are Rego v1. */
export const V1_FILES = ["binding/bindings.yaml"];

export function caseSources(file: string, modules: string[]): SourceFile[] {
  const v1 = V1_FILES.some((suffix) => file === suffix || file.endsWith(`/${suffix}`));
  return modules.map((text, i) => ({ path: `module_${i}.rego`, text, regoVersion: v1 ? 1 : 0 }));
}
