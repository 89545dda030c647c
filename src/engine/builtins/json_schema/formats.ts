/**
 * gojsonschema's format checkers (format_checkers.go): unknown formats pass, non-strings pass.
 * Dates and times follow Go's time.Parse with the layouts gojsonschema tries; URIs Go's url.Parse;
 * regex Go's RE2; e-mail a reading of Go's net/mail.ParseAddress (addr-spec, optional display name).
 */
import { parseIp } from "../net.ts";
import { compileRe2 } from "../regex.ts";
import { parseUrl } from "../go_url.ts";

const leap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const daysIn = (
  y: number,
  m: number,
) => (m === 2 ? (leap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);

function validDate(y: string, m: string, d: string): boolean {
  const month = Number(m), day = Number(d);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(Number(y), month);
}

/** Go's "15:04:05" (hour of one or two digits, optional fraction) and optional "Z07:00". */
function time(s: string, zone: "none" | "required"): boolean {
  const re = zone === "none"
    ? /^(\d{1,2}):(\d{2}):(\d{2})(?:[.,]\d+)?$/
    : /^(\d{1,2}):(\d{2}):(\d{2})(?:[.,]\d+)?(Z|[+-](\d{2}):(\d{2}))$/;
  const m = re.exec(s);
  if (!m) return false;
  if (Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3]) > 59) return false;
  return zone === "none" || m[4] === "Z" || (Number(m[5]) <= 23 && Number(m[6]) <= 59);
}

function date(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return m !== null && validDate(m[1], m[2], m[3]);
}

function dateTime(s: string): boolean {
  if (time(s, "none") || time(s, "required") || date(s)) return true;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(.*)$/.exec(s);
  return m !== null && validDate(m[1], m[2], m[3]) && /^\d{2}:/.test(m[4]) && time(m[4], "required");
}

function uri(s: string, needScheme: boolean): boolean {
  try {
    const u = parseUrl(s);
    return (!needScheme || u.Scheme !== "") && !s.includes("\\");
  } catch {
    return false;
  }
}

const ATOM = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~]+";
const DOT_ATOM = `${ATOM}(?:\\.${ATOM})*`;
const QUOTED = '"(?:[^"\\\\\\r\\n]|\\\\.)*"';
const ADDR_SPEC = `(?:${DOT_ATOM}|${QUOTED})@(?:${DOT_ATOM}|\\[[^\\[\\]\\\\]*\\])`;
const EMAIL = new RegExp(`^(?:${ADDR_SPEC}|(?:[^<>]*?)\\s*<${ADDR_SPEC}>)$`);

const HOSTNAME =
  /^([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9])(\.([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9]))*$/;
const UUID = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/i;
const JSON_POINTER = /^(?:\/(?:[^~/]|~0|~1)*)*$/u;
const REL_JSON_POINTER = /^(?:0|[1-9][0-9]*)(?:#|(?:\/(?:[^~/]|~0|~1)*)*)$/u;
/** rxURITemplate `^([^{]*({[^}]*})?)*$` without backtracking: each `{` closed by a later `}`. */
function uriTemplatePath(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== "{") continue;
    const j = s.indexOf("}", i + 1);
    if (j < 0) return false;
    i = j;
  }
  return true;
}

const CHECKERS: Record<string, (s: string) => boolean> = {
  date,
  time: (s) => time(s, "required") || time(s, "none"),
  "date-time": dateTime,
  hostname: (s) => HOSTNAME.test(s) && s.length < 256,
  email: (s) => EMAIL.test(s.trim()),
  "idn-email": (s) => EMAIL.test(s.trim()),
  ipv4: (s) => parseIp(s) !== undefined && s.includes("."),
  ipv6: (s) => parseIp(s) !== undefined && s.includes(":"),
  uri: (s) => uri(s, true),
  "uri-reference": (s) => uri(s, false),
  iri: (s) => uri(s, true),
  "iri-reference": (s) => uri(s, false),
  "uri-template": (s) => {
    try {
      return !s.includes("\\") && uriTemplatePath(parseUrl(s).Path);
    } catch {
      return false;
    }
  },
  uuid: (s) => UUID.test(s),
  regex: (s) => s === "" || typeof compileRe2(s) !== "string",
  "json-pointer": (s) => JSON_POINTER.test(s),
  "relative-json-pointer": (s) => REL_JSON_POINTER.test(s),
};

/** FormatCheckers.IsFormat. */
export function isFormat(format: string, value: unknown): boolean {
  const check = CHECKERS[format];
  if (check === undefined || typeof value !== "string") return true;
  return check(value);
}
