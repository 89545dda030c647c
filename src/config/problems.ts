/**
 * A schema problem as one line for the operator: `path: what is wrong`. A misspelt field names the
 * field it probably meant (`upstrem` → "did you mean upstream?"), and a missing required field says
 * "required" rather than the format the value would need.
 */
import type { z } from "zod";
import { configSchema } from "./schema.ts";

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

export function describeIssue(issue: Issue, doc: unknown): string {
  const where = issue.path.length ? issue.path.map(String).join(".") : "(root)";
  if (issue.code === "unrecognized_keys") {
    const known = fieldsAt(issue.path);
    return `${where}: ${
      issue.keys.map((key) => {
        const guess = closest(key, known);
        return `unknown field "${key}"${guess ? ` (did you mean "${guess}"?)` : ""}`;
      }).join("; ")
    }`;
  }
  if (issue.code === "invalid_type" && valueAt(doc, issue.path) === undefined) {
    return `${where}: required (${issue.message})`;
  }
  return `${where}: ${issue.message}`;
}

function valueAt(doc: unknown, path: Path): unknown {
  let v = doc;
  for (const step of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[step];
  }
  return v;
}

/** The field names the schema allows for the object at path (empty when unknown). */
function fieldsAt(path: Path): string[] {
  let schema: unknown = configSchema;
  for (const step of path) {
    const obj = objectDef(schema);
    if (obj?.element !== undefined && typeof step === "number") schema = obj.element;
    else if (obj?.shape !== undefined && typeof step === "string") schema = obj.shape[step];
    else return [];
  }
  return Object.keys(objectDef(schema)?.shape ?? {});
}

interface Def {
  type?: string;
  shape?: Record<string, unknown>;
  element?: unknown;
  innerType?: unknown;
  in?: unknown;
}

/** The definition under wrappers (optional, default, nullable, pipe…). */
function objectDef(schema: unknown): Def | undefined {
  for (let i = 0; i < 16 && schema !== undefined; i++) {
    const def = (schema as { def?: Def }).def;
    if (def === undefined) return undefined;
    if (def.type === "object" || def.type === "array") return def;
    schema = def.innerType ?? def.in;
  }
  return undefined;
}

/** The known name nearest to key within a small edit distance, if any. */
export function closest(key: string, known: string[]): string | undefined {
  let best: string | undefined, bestDistance = Infinity;
  const limit = Math.max(1, Math.floor(key.length / 3));
  for (const name of known) {
    const d = editDistance(key.toLowerCase(), name.toLowerCase());
    if (d <= limit && d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
