/**
 * Reading a case file's YAML as the suite's own (Rust, serde_yaml) reader does.
 *
 * One leniency is needed: a multi-line flow collection whose lines are not indented more than
 * the block mapping holding it, e.g.
 *
 *       set!: [
 *       "a",
 *       ]
 *
 * which YAML 1.2 (and the `yaml` package) rejects. When a document has such errors, each flow
 * collection the parser left unterminated is re-indented by two spaces up to its closing bracket,
 * and the text is parsed again. Any error that remains is reported, never silently dropped.
 */
import { CST, type Document, parseDocument, Parser } from "yaml";

const MAX_REPAIRS = 20;

export interface ParsedYaml {
  value: unknown;
  /** Errors left after the repairs, as "line L: message". */
  errors: string[];
}

export function parseCaseYaml(text: string): ParsedYaml {
  let current = text;
  let doc = parse(current);
  for (let i = 0; i < MAX_REPAIRS && doc.errors.length > 0; i++) {
    const repaired = reindentFlowCollections(current);
    if (repaired === current) break;
    current = repaired;
    doc = parse(current);
  }
  return {
    value: doc.toJS({ maxAliasCount: -1 }),
    errors: doc.errors.map((e) => `line ${lineOf(current, e.pos[0])}: ${e.message.split("\n")[0]}`),
  };
}

function parse(text: string): Document.Parsed {
  // Not strict: a few case files carry YAML the strict parser warns about (data indentation).
  return parseDocument(text, { strict: false, prettyErrors: false });
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split("\n").length;
}

/** Offsets of the flow collections (`[` or `{`) that the parser could not close. */
export function unterminatedFlowCollections(text: string): number[] {
  const offsets: number[] = [];
  for (const token of new Parser().parse(text)) {
    if (token.type !== "document") continue;
    CST.visit(token, (item) => {
      const value = item.value;
      if (value?.type === "flow-collection" && value.end.length === 0) offsets.push(value.offset);
    });
  }
  return offsets;
}

/** The text with the lines of each unterminated flow collection indented by two more spaces. */
export function reindentFlowCollections(text: string): string {
  let out = text;
  // From the last to the first, so earlier offsets stay valid.
  for (const start of unterminatedFlowCollections(text).sort((a, b) => b - a)) {
    const end = closingBracket(out, start);
    if (end < 0) continue;
    const inner = out.slice(start, end + 1).replaceAll("\n", "\n  ");
    out = out.slice(0, start) + inner + out.slice(end + 1);
  }
  return out;
}

/** The offset of the bracket that closes the one at `start`, skipping quoted text and comments. */
export function closingBracket(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' || ch === "'") {
      i = endOfQuoted(text, i);
    } else if (ch === "#" && (i === 0 || /\s/.test(text[i - 1]))) {
      const newline = text.indexOf("\n", i);
      i = newline < 0 ? text.length : newline;
    } else if (ch === "[" || ch === "{") {
      depth++;
    } else if (ch === "]" || ch === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function endOfQuoted(text: string, open: number): number {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === "\\") i++;
    else if (text[i] === quote) {
      if (quote === "'" && text[i + 1] === "'") i++; // '' is an escaped quote
      else return i;
    }
  }
  return text.length;
}
