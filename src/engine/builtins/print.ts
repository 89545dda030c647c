/**
 * internal.print, the host side of Rego's `print(...)`, and internal.template_string (the compiler passes one set per argument,
 * empty when the argument was undefined). As in OPA, each combination of the sets' members is one
 * line: strings as they are, other values in Rego's text form, "<undefined>" for an empty set,
 * joined by spaces. They take sets (RegoSets), so a set inside a printed value is written as OPA
 * writes it (`{1, 2}`, `set()`).
 *
 * Lines go to the print hook. Without one (the default) they are dropped, as OPA drops them when
 * no print hook is configured: a policy's prints may carry request data, so whoever installs a
 * hook decides where they may go.
 */
import { RegoSet, takesSets } from "./rego_set.ts";
import type { HostBuiltin } from "./host_builtin.ts";
import { arr, fail } from "./operands.ts";
import { regoText } from "./values.ts";

export type PrintHook = (line: string) => void;

let hook: PrintHook | undefined;

/** Install (or, with undefined, remove) the receiver of printed lines. */
export function setPrintHook(next: PrintHook | undefined): void {
  hook = next;
}

/** Each combination of the operand sets' members, as text (OPA's builtinPrintCrossProductOperands). */
function combinations(name: string, operands: unknown): string[][] {
  const sets = arr(name, operands, 1).map((operand) => {
    const s = operand instanceof RegoSet ? operand.items : operand;
    if (!Array.isArray(s)) fail(name, "illegal argument type: each operand must be a set");
    return s.length === 0 ? ["<undefined>"] : s.map((v) => typeof v === "string" ? v : regoText(v));
  });
  let lines: string[][] = [[]];
  for (const texts of sets) lines = lines.flatMap((prefix) => texts.map((t) => [...prefix, t]));
  return lines;
}

/** The lines one `print` call writes. */
export function printLines(operands: unknown): string[] {
  return combinations("internal.print", operands).map((parts) => parts.join(" "));
}

export const PRINT_BUILTINS: Record<string, HostBuiltin> = {
  "internal.print": takesSets((operands) => {
    const lines = printLines(operands);
    if (hook !== undefined) { for (const line of lines) hook(line); }
    return true;
  }),
  // What a template string `$"a {x}"` is lowered to: one set per part, concatenated.
  "internal.template_string": takesSets((operands) => {
    const texts = combinations("internal.template_string", operands);
    if (texts.length > 1) {
      fail("internal.template_string", "template-strings must not produce multiple outputs");
    }
    return texts[0].join("");
  }),
};
