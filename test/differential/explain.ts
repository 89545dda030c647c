/**
 * Known reasons for a disagreement, so that a run separates them from the unexplained ones.
 * Each reason holds up on its own: it names what differs and why it is not this compiler's
 * semantics that is wrong. Anything not matched here is unexplained and must be fixed or added
 * here with its reason.
 */
import { errorStage, isError } from "./case.ts";
import type { QueryResult, Scenario } from "./run.ts";

export interface Explanation {
  id: string;
  reason: string;
}

const EXPLANATIONS: (Explanation & { matches: (r: QueryResult, s?: Scenario) => boolean })[] = [
  {
    id: "opa-static-types",
    reason: "OPA's type checker infers the types of rules, comprehensions and variables and refuses " +
      "a unification, a ref or a built-in argument that can never succeed (rego_type_error: match " +
      "error, undefined ref, invalid argument(s)); this compiler's type check is conservative by " +
      "design (src/rego/check/type_check.ts) and evaluates such an expression to undefined instead.",
    matches: (r) => {
      if (!isError(r.opa) || isError(r.ours) || errorStage(r.opa.error) !== "compile") return false;
      const errors = [...r.opa.error.matchAll(/rego_\w+_error: [^\n]*(\n\t[^\n]*)*/g)].map((m) => m[0]);
      return errors.length > 0 &&
        errors.every((e) =>
          /^rego_type_error: (match error|undefined ref|[\w.]+: invalid argument\(s\))/.test(e) ||
          sameArity(e)
        );
    },
  },
  {
    id: "opa-v047-array-index",
    reason: "OPA v0.47's rule index skipped a body holding `[a, b] = input.xs` when input.xs held " +
      "an array with a non-scalar element, although the unification succeeds; fixed in OPA v0.53 " +
      "(open-policy-agent/opa#5916: a variable in an indexed array matches any value), and today's " +
      "OPA wins: this compiler evaluates the body.",
    matches: (r, s) =>
      s !== undefined && !isError(r.ours) && !isError(r.opa) &&
      arrayPatternRefs(s.modules.join("\n")).some((path) => {
        const v = valueAt(path, s);
        return Array.isArray(v) && v.some((x) => x !== null && typeof x === "object");
      }),
  },
  {
    id: "opa-v047-object-builtin-results",
    reason: "OPA v0.47 declared the results of object.union, object.remove and object.filter as any " +
      "(the oracle accepts `object.union(input.a, input.b) == 3`); today's OPA declares object[any: any] " +
      "(capabilities v1.20.2, the registry's source: src/rego/builtins/opa_capabilities.ts), so its type " +
      "checker refuses such a result where an object cannot fit, as this compiler does (see " +
      "cases/types-equal-object-remove.json).",
    matches: (r, s) => {
      if (s === undefined || !isError(r.ours) || isError(r.opa) || errorStage(r.ours.error) !== "compile") {
        return false;
      }
      if (!/\bobject\.(union|remove|filter)\(/.test(s.modules.join("\n"))) return false;
      const errors = [...r.ours.error.matchAll(/rego_\w+_error: [^\n]*(\n\t[^\n]*)*/g)].map((m) => m[0]);
      return errors.length > 0 &&
        errors.every((e) => e.startsWith("rego_type_error: ") && e.includes("object[any: any]"));
    },
  },
];

/** Ground refs a module unifies with an array of variables and scalars (`[a, b] = input.xs`). */
function arrayPatternRefs(text: string): string[] {
  const ref = String.raw`((?:input|data)(?:\.\w+)+)`;
  const array = String.raw`\[[^\[\]{}()|]*\]`;
  const out: string[] = [];
  for (const m of text.matchAll(new RegExp(`${array} ==? ${ref}(?![\\w.\\[])`, "g"))) out.push(m[1]);
  for (const m of text.matchAll(new RegExp(`${ref} ==? ${array}`, "g"))) out.push(m[1]);
  return out;
}

function valueAt(path: string, s: Scenario): unknown {
  const [root, ...keys] = path.split(".");
  let v: unknown = root === "input" ? s.input : s.data;
  for (const k of keys) {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/**
 * OPA's "f: arity mismatch" for `with f as g` also covers a g of the same arity whose argument
 * types cannot fit f's (`with concat as array.concat`): a static type check, not an arity one.
 */
function sameArity(error: string): boolean {
  const m = /^rego_type_error: [\w.]+: arity mismatch\n\thave: \((.*)\)\n\twant: \((.*)\)/.exec(error);
  if (!m) return false;
  const count = (list: string) => list.trim() === "" ? 0 : topLevelCommas(list) + 1;
  return count(m[1].replace(/, \?\?\?$|^\?\?\?$/, "")) === count(m[2]);
}

function topLevelCommas(list: string): number {
  let depth = 0, n = 0;
  for (const ch of list) {
    if ("([{<".includes(ch)) depth++;
    else if (")]}>".includes(ch)) depth--;
    else if (ch === "," && depth === 0) n++;
  }
  return n;
}

/** The known reason for a disagreement; `s` (the policy, input and data) lets a reason look at the case. */
export function explain(r: QueryResult, s?: Scenario): Explanation | undefined {
  if (r.verdict.agree !== false) return undefined;
  const e = EXPLANATIONS.find((x) => x.matches(r, s));
  return e && { id: e.id, reason: e.reason };
}
