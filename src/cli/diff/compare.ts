/**
 * Comparing two decisions of the gateway's entrypoint, field by field, into the kinds of
 * disagreement policy:diff counts (the same kinds issue 13's shadow evaluation names): allow↔deny,
 * reason, permissions (as sets), rate limits, claims, headers, and `error` when one side fails to
 * decide (or both fail differently). A field absent on one side and present on the other differs.
 */
export const DISAGREEMENT_KINDS = [
  "allow",
  "reason",
  "permissions",
  "rate_limits",
  "claims",
  "headers",
  "other",
  "error",
] as const;

export type DisagreementKind = typeof DISAGREEMENT_KINDS[number];

/** One side's outcome: the decision document, or the engine's error code. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

const FIELDS = ["allow", "reason", "permissions", "rate_limits", "claims", "headers"] as const;

/** The kinds on which two outcomes disagree, in DISAGREEMENT_KINDS order; empty when they agree. */
export function disagreements(base: Outcome, candidate: Outcome): DisagreementKind[] {
  if (!base.ok || !candidate.ok) {
    return !base.ok && !candidate.ok && base.error === candidate.error ? [] : ["error"];
  }
  const a = asRecord(base.value);
  const b = asRecord(candidate.value);
  if (a === null || b === null) return canonical(base.value) === canonical(candidate.value) ? [] : ["other"];
  const kinds: DisagreementKind[] = [];
  for (const field of FIELDS) {
    if (
      field === "permissions"
        ? !samePermissions(a[field], b[field])
        : canonical(a[field]) !== canonical(b[field])
    ) {
      kinds.push(field);
    }
  }
  const rest = (r: Record<string, unknown>) =>
    canonical(
      Object.fromEntries(Object.entries(r).filter(([k]) => !(FIELDS as readonly string[]).includes(k))),
    );
  if (rest(a) !== rest(b)) kinds.push("other");
  return kinds;
}

function asRecord(v: unknown): Record<string, unknown> | null {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : null;
}

function samePermissions(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return canonical([...new Set(a.map(canonical))].sort()) ===
      canonical([...new Set(b.map(canonical))].sort());
  }
  return canonical(a) === canonical(b);
}

/** JSON with object keys sorted, so equal documents give equal text; undefined stays distinct. */
export function canonical(v: unknown): string {
  if (v === undefined) return "undefined";
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined).sort(([x], [y]) =>
      x < y ? -1 : x > y ? 1 : 0
    );
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
  }
  return JSON.stringify(v);
}
