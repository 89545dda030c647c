/**
 * Comparing our answer with OPA's. Both answers are JSON as each side's API gives it: sets are
 * arrays (in Rego's order on both sides), non-string object keys are their JSON text (which the
 * two sides may space differently: keys are compared by their parsed value).
 *
 * Two errors agree whatever their messages: both sides refused the case. Each verdict has a class
 * so that a run can be summarised: `agree`, or what differed.
 */
import { type Answer, errorStage, isError } from "./case.ts";
import type { OurAnswer } from "./subject.ts";

export type Verdict =
  | { agree: true; class: "value" | "undefined" | "error" }
  | { agree: false; class: DisagreementClass }
  /** The oracle failed (a timeout, a crash of its OPA build): the case says nothing. */
  | { agree: undefined; class: "oracle" };

export type DisagreementClass =
  | "value mismatch"
  | "ours undefined, OPA a value"
  | "ours a value, OPA undefined"
  | "ours compile error, OPA no error"
  | "ours eval error, OPA no error"
  | "OPA compile error, ours no error"
  | "OPA eval error, ours no error";

export function compare(ours: OurAnswer, opa: Answer): Verdict {
  if (isError(opa) && errorStage(opa.error) === "oracle") return { agree: undefined, class: "oracle" };
  if (isError(ours) && isError(opa)) return { agree: true, class: "error" };
  if (isError(ours)) {
    return {
      agree: false,
      class: ours.stage === "compile" ? "ours compile error, OPA no error" : "ours eval error, OPA no error",
    };
  }
  if (isError(opa)) {
    return {
      agree: false,
      class: errorStage(opa.error) === "compile"
        ? "OPA compile error, ours no error"
        : "OPA eval error, ours no error",
    };
  }
  if ("undefined" in ours && "undefined" in opa) return { agree: true, class: "undefined" };
  if ("undefined" in ours) return { agree: false, class: "ours undefined, OPA a value" };
  if ("undefined" in opa) return { agree: false, class: "ours a value, OPA undefined" };
  return sameJson((ours as { result: unknown }).result, (opa as { result: unknown }).result)
    ? { agree: true, class: "value" }
    : { agree: false, class: "value mismatch" };
}

/** Deep equality of two JSON values; object keys compared by what they stand for. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
      a.every((x, i) => sameJson(x, b[i]));
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    const x = normalisedEntries(a), y = normalisedEntries(b);
    if (x.size !== y.size) return false;
    for (const [k, v] of x) if (!y.has(k) || !sameJson(v, y.get(k))) return false;
    return true;
  }
  return a === b;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A key that is the JSON text of a non-string value (`[1, 2]`, `{"a":1}`, `1`) in one spelling. */
function normalisedEntries(o: Record<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(o)) out.set(canonicalKey(k), v);
  return out;
}

function canonicalKey(k: string): string {
  if (!/^[[{\d\-tfn]/.test(k)) return JSON.stringify(k);
  try {
    return canonical(JSON.parse(k));
  } catch {
    return JSON.stringify(k);
  }
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}
