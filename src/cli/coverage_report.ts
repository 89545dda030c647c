/**
 * `policy:test --coverage`'s report, in the shape of `opa test --coverage` (OPA's cover.Report as
 * JSON): per file the covered and not covered row ranges, their line counts and percentage (each
 * left out when empty or zero, as Go's `omitempty` does), then the totals and the overall percentage.
 * The rows counted are OPA's (rego/analyze/cover_points.ts); a row is covered when the instrumented
 * module reached it (rego/emit/cover.ts).
 */

export interface RowRange {
  start: { row: number };
  end: { row: number };
}

export interface FileCoverage {
  covered?: RowRange[];
  not_covered?: RowRange[];
  covered_lines?: number;
  not_covered_lines?: number;
  coverage?: number;
}

export interface CoverageReport {
  files: Record<string, FileCoverage>;
  covered_lines: number;
  not_covered_lines: number;
  coverage: number;
}

/** Consecutive rows as ranges (sorted, duplicates dropped). */
export function rowRanges(rows: Iterable<number>): RowRange[] {
  const sorted = [...new Set(rows)].sort((a, b) => a - b);
  const out: RowRange[] = [];
  for (const row of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && row === last.end.row + 1) last.end = { row };
    else out.push({ start: { row }, end: { row } });
  }
  return out;
}

function lines(ranges: RowRange[]): number {
  return ranges.reduce((n, r) => n + r.end.row - r.start.row + 1, 0);
}

/** `points`: the rows each file counts; `hits`: the rows reached, per file. */
export function coverageReport(
  points: ReadonlyMap<string, ReadonlySet<number>>,
  hits: ReadonlyMap<string, ReadonlySet<number>>,
): CoverageReport {
  const files: Record<string, FileCoverage> = {};
  let covered = 0, notCovered = 0;
  for (const file of [...points.keys()].sort()) {
    const rows = points.get(file)!;
    const reached = hits.get(file) ?? new Set<number>();
    const yes = rowRanges([...rows].filter((r) => reached.has(r)));
    const no = rowRanges([...rows].filter((r) => !reached.has(r)));
    const c = lines(yes), n = lines(no);
    const report: FileCoverage = {};
    if (yes.length) report.covered = yes;
    if (no.length) report.not_covered = no;
    if (c) report.covered_lines = c;
    if (n) report.not_covered_lines = n;
    if (c + n > 0 && c > 0) report.coverage = (100 * c) / (c + n);
    files[file] = report;
    covered += c;
    notCovered += n;
  }
  const total = covered + notCovered;
  return {
    files,
    covered_lines: covered,
    not_covered_lines: notCovered,
    coverage: total === 0 ? 0 : (100 * covered) / total,
  };
}

/** OPA's message when the overall coverage is under `--threshold`, with the rows not covered. */
export function thresholdMessage(report: CoverageReport, threshold: number): string {
  const lines = [
    `Code coverage threshold not met: got ${report.coverage.toFixed(2)} instead of ${threshold.toFixed(2)}`,
  ];
  const missing: string[] = [];
  for (const file of Object.keys(report.files).sort()) {
    for (const r of report.files[file].not_covered ?? []) {
      missing.push(
        r.start.row === r.end.row ? `\t${file}:${r.start.row}` : `\t${file}:${r.start.row}-${r.end.row}`,
      );
    }
  }
  if (missing.length) lines.push("Lines not covered:", ...missing);
  return lines.join("\n");
}
