/**
 * Go's encoding/json text of a decoded JSON value (gojsonschema's marshalWithoutNumber): numbers
 * as float64 (strconv 'f' between 1e-6 and 1e21, else 'e' with a two-digit exponent), object keys
 * sorted, strings with Go's escapes (<, >, & and U+2028/9 as \u escapes). const, enum and
 * uniqueItems compare these texts; enum errors print them.
 */

import { compareStrings } from "../values.ts";

function goFloat(x: number): string {
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const abs = Math.abs(x);
  if (abs >= 1e-6 && abs < 1e21) return String(x); // JavaScript prints these in fixed notation too
  return x.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
}

function goString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || ch === "<" || ch === ">" || ch === "&" || c === 0x2028 || c === 0x2029) {
      out += "\\u" + c.toString(16).padStart(4, "0");
    } else if (c >= 0xd800 && c <= 0xdfff) out += "\\ufffd"; // a lone surrogate is not UTF-8
    else out += ch;
  }
  return out + '"';
}

/** The canonical text of a JSON value. */
export function canonical(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean") return String(v);
  if (typeof v === "number") return goFloat(v);
  if (typeof v === "string") return goString(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort(compareStrings);
  return `{${keys.map((k) => `${goString(k)}:${canonical(o[k])}`).join(",")}}`;
}

/** Go's json.Marshal of the value the error is about (numbers keep their JSON text). */
export function valueText(v: unknown): string {
  return canonical(v);
}
