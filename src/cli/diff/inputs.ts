/**
 * The inputs policy:diff replays: a JSON Lines file where each line is either an input document or
 * a decision-log event that carries one (OPA's format writes `input` beside `decision_id`, `path`,
 * `result`, …; masked fields stay masked, so a rule reading one may decide differently than it
 * did live). Blank lines are skipped; so are events logged without their input, which are counted.
 */
export interface ReplayInput {
  /** 1-based line number in the file. */
  line: number;
  input: unknown;
}

/** The fields that mark a line as a decision-log event rather than an input. */
const EVENT_FIELDS = ["decision_id", "path", "result", "timestamp", "labels"];

export class InputsError extends Error {}

export function parseInputs(text: string): { inputs: ReplayInput[]; withoutInput: number } {
  const inputs: ReplayInput[] = [];
  let withoutInput = 0;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === "") continue;
    let doc: unknown;
    try {
      doc = JSON.parse(raw);
    } catch (e) {
      throw new InputsError(`line ${i + 1}: not JSON (${(e as Error).message})`);
    }
    const isEvent = typeof doc === "object" && doc !== null && !Array.isArray(doc) &&
      EVENT_FIELDS.some((f) => f in doc);
    if (!isEvent) {
      inputs.push({ line: i + 1, input: doc });
    } else if ("input" in (doc as Record<string, unknown>)) {
      inputs.push({ line: i + 1, input: (doc as Record<string, unknown>).input });
    } else {
      withoutInput++;
    }
  }
  return { inputs, withoutInput };
}
