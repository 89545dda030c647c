/**
 * The known-failures list (test/conformance/known_failures.yaml): cases expected to fail, each with
 * a reason. The suite test fails on any other failure and reports listed cases that now pass.
 */
import YAML from "yaml";
import type { CaseResult } from "./cases.ts";

export interface KnownFailure {
  file: string;
  note: string;
  reason: string;
}

export const KNOWN_FAILURES_PATH = new URL("../../../test/conformance/known_failures.yaml", import.meta.url);

const HEADER = `# Conformance cases that are known to fail, each with a reason (see src/cli/conformance.ts).
# Regenerate with \`deno task conformance --update-known-failures\`, then review the reasons.
`;

export const caseKey = (r: { file: string; note: string }) => `${r.file}\u0000${r.note}`;

export async function readKnownFailures(path: URL | string = KNOWN_FAILURES_PATH): Promise<KnownFailure[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  const list = YAML.parse(text) ?? [];
  if (!Array.isArray(list)) throw new Error(`${path}: expected a list of {file, note, reason}`);
  return list as KnownFailure[];
}

/** The new list: every failing case, keeping the reasons already written for those still failing. */
export function updatedKnownFailures(previous: KnownFailure[], results: CaseResult[]): KnownFailure[] {
  const reasons = new Map(previous.map((k) => [caseKey(k), k.reason]));
  return results.filter((r) => r.status === "fail").map((r) => ({
    file: r.file,
    note: r.note,
    reason: reasons.get(caseKey(r)) ?? `new: ${r.reason ?? "failed"}`,
  }));
}

export async function writeKnownFailures(
  list: KnownFailure[],
  path: URL | string = KNOWN_FAILURES_PATH,
): Promise<void> {
  await Deno.writeTextFile(
    path,
    HEADER + (list.length === 0 ? "[]\n" : YAML.stringify(list, { lineWidth: 0 })),
  );
}

export interface Triage {
  /** Failing and not listed: these fail the suite. */
  unexpected: CaseResult[];
  /** Listed but passing now: the list can shrink. */
  fixed: KnownFailure[];
}

export function triage(results: CaseResult[], known: KnownFailure[]): Triage {
  const listed = new Set(known.map(caseKey));
  const passing = new Set(results.filter((r) => r.status === "pass").map(caseKey));
  return {
    unexpected: results.filter((r) => r.status === "fail" && !listed.has(caseKey(r))),
    fixed: known.filter((k) => passing.has(caseKey(k))),
  };
}
