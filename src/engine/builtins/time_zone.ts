/**
 * Time zones for the time built-ins: "" and "UTC" are UTC, "Local" is the process's zone, any
 * other name is looked up in the IANA database through Intl (as Go's time.LoadLocation would).
 */

export interface Zone {
  name: string;
  /** Offset east of UTC, in seconds, at the instant `epochMs`. */
  offsetSeconds(epochMs: number): number;
  /** The zone's abbreviation at that instant ("CET", "UTC"; a numeric form when Intl has none). */
  abbreviation(epochMs: number): string;
}

export const UTC: Zone = { name: "UTC", offsetSeconds: () => 0, abbreviation: () => "UTC" };

const zones = new Map<string, Zone>();

function intlZone(name: string): Zone | undefined {
  let offsetFmt: Intl.DateTimeFormat, abbrFmt: Intl.DateTimeFormat;
  try {
    offsetFmt = new Intl.DateTimeFormat("en-US", { timeZone: name, timeZoneName: "longOffset" });
    abbrFmt = new Intl.DateTimeFormat("en-US", { timeZone: name, timeZoneName: "short" });
  } catch {
    return undefined;
  }
  const part = (fmt: Intl.DateTimeFormat, ms: number) =>
    fmt.formatToParts(new Date(ms)).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const offsetSeconds = (ms: number): number => {
    const m = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/.exec(part(offsetFmt, ms));
    if (!m || !m[1]) return 0;
    const secs = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
    return m[1] === "-" ? -secs : secs;
  };
  return {
    name,
    offsetSeconds,
    abbreviation: (ms) => {
      const abbr = part(abbrFmt, ms);
      if (!abbr.startsWith("GMT") || abbr === "GMT" && offsetSeconds(ms) === 0) return abbr;
      // Go prints "+01" style names where the database has no abbreviation.
      const off = offsetSeconds(ms);
      const sign = off < 0 ? "-" : "+";
      const a = Math.abs(off);
      const hh = String(Math.floor(a / 3600)).padStart(2, "0");
      const mm = Math.floor((a % 3600) / 60);
      return sign + hh + (mm ? String(mm).padStart(2, "0") : "");
    },
  };
}

/** The named zone, or undefined if unknown (Go: "unknown time zone NAME"). */
export function loadZone(name: string): Zone | undefined {
  if (name === "" || name === "UTC") return UTC;
  let zone = zones.get(name);
  if (zone) return zone;
  const ianaName = name === "Local" ? Intl.DateTimeFormat().resolvedOptions().timeZone : name;
  if (ianaName === "UTC") zone = { ...UTC, name };
  else zone = intlZone(ianaName);
  if (zone) zones.set(name, zone);
  return zone;
}
