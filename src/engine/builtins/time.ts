/**
 * Time built-ins. Instants are nanoseconds since the Unix epoch, as numbers: exact up to 2^53 ns
 * (about 104 days after 1970). Larger values cannot be exact in a JS number; arguments are read
 * by their shortest decimal form (so 1703444325734390000 stays that, not the nearest double
 * 1703444325734390016) and results are the nearest double to the exact BigInt result, which
 * prints back as the same decimal when the input did. Nanosecond digits beyond a double's 15–17
 * significant digits are lost at the SDK's JSON boundary.
 *
 * `time.now_ns` is fixed for one evaluation: the engine calls `beginEvaluation()` first.
 */
import type { HostBuiltin } from "./host_builtin.ts";
import { fail, int, str, typeError } from "./operands.ts";
import { type Civil, daysIn, fromCivil, LONG_DAYS, MAX_NS, MIN_NS, toCivil } from "./go_time.ts";
import { formatLayout } from "./go_time_format.ts";
import { LayoutParseError, parseLayout } from "./go_time_parse.ts";
import { loadZone, UTC, type Zone } from "./time_zone.ts";

let evaluationNow: bigint | undefined;

/** Start of an evaluation: the next `time.now_ns()` reads the clock, later ones repeat it. */
export function resetClock(): void {
  evaluationNow = undefined;
}

/** The BigInt an incoming number stands for (its shortest decimal form; fractions truncated). */
export function nsFromNumber(n: number): bigint {
  const t = Math.trunc(n);
  return BigInt(Math.abs(t) < 1e21 ? t.toString() : t);
}

function nsToNumber(name: string, ns: bigint): number {
  if (ns < MIN_NS || ns > MAX_NS) fail(name, "time outside of valid range");
  return Number(ns);
}

const ACCEPTED_LAYOUTS: Record<string, string> = {
  ANSIC: "Mon Jan _2 15:04:05 2006",
  UnixDate: "Mon Jan _2 15:04:05 MST 2006",
  RubyDate: "Mon Jan 02 15:04:05 -0700 2006",
  RFC822: "02 Jan 06 15:04 MST",
  RFC822Z: "02 Jan 06 15:04 -0700",
  RFC850: "Monday, 02-Jan-06 15:04:05 MST",
  RFC1123: "Mon, 02 Jan 2006 15:04:05 MST",
  RFC1123Z: "Mon, 02 Jan 2006 15:04:05 -0700",
  RFC3339: "2006-01-02T15:04:05Z07:00",
  RFC3339Nano: "2006-01-02T15:04:05.999999999Z07:00",
};

interface ZonedTime {
  ns: bigint;
  zone: Zone;
  layout: string;
}

/** OPA's tzTime: a number (ns), or [ns], [ns, tz] or [ns, tz, layout]. */
function zonedTime(name: string, v: unknown): ZonedTime {
  const expected = "either number (ns) or [number (ns), string (tz)]";
  let n: unknown = v, zone = UTC, layout = "";
  if (Array.isArray(v)) {
    if (v.length === 0) typeError(name, 1, v, expected);
    n = v[0];
    if (typeof n !== "number") typeError(name, 1, n, "number");
    if (v.length > 1) {
      const tz = str(name, v[1], 1);
      const z = loadZone(tz);
      if (!z) fail(name, `unknown time zone ${tz}`);
      zone = z;
    }
    if (v.length > 2) layout = str(name, v[2], 1);
  } else if (typeof v !== "number") typeError(name, 1, v, expected);
  return { ns: nsFromNumber(n as number), zone, layout };
}

function civil(name: string, v: unknown): Civil {
  const t = zonedTime(name, v);
  return toCivil(t.ns, t.zone);
}

function parse(name: string, layout: string, value: string): number {
  try {
    return nsToNumber(name, parseLayout(layout, value));
  } catch (e) {
    if (e instanceof LayoutParseError) fail(name, e.message);
    throw e;
  }
}

const UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  "µs": 1e3, // U+00B5
  "μs": 1e3, // U+03BC
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's time.ParseDuration, in nanoseconds. */
export function parseDuration(s: string): bigint | string {
  const orig = s;
  const invalid = `time: invalid duration ${JSON.stringify(orig)}`;
  let neg = false;
  if (s[0] === "-" || s[0] === "+") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") return invalid;
  let total = 0n;
  while (s !== "") {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const whole = m[1], frac = m[2];
    if (whole === "" && (frac === undefined || frac === "")) return invalid;
    s = s.slice(m[0].length);
    const u = /^[^\d.]+/.exec(s);
    if (!u) return `time: missing unit in duration ${JSON.stringify(orig)}`;
    const unit = UNITS[u[0]];
    if (unit === undefined) {
      return `time: unknown unit ${JSON.stringify(u[0])} in duration ${JSON.stringify(orig)}`;
    }
    s = s.slice(u[0].length);
    let v = BigInt(whole || "0") * BigInt(unit);
    if (frac) {
      const digits = frac.slice(0, 18);
      v += BigInt(Math.trunc(Number(digits) * (unit / 10 ** digits.length)));
    }
    total += v;
    if (total > 2n ** 63n) return invalid;
  }
  if (neg) total = -total;
  if (total > MAX_NS) return invalid;
  return total;
}

export const TIME_BUILTINS: Record<string, HostBuiltin> = {
  "time.now_ns": () => {
    if (evaluationNow === undefined) evaluationNow = BigInt(Date.now()) * 1_000_000n;
    return Number(evaluationNow);
  },
  "time.parse_ns": (layout, value) => {
    const l = str("time.parse_ns", layout, 1);
    return parse("time.parse_ns", ACCEPTED_LAYOUTS[l] ?? l, str("time.parse_ns", value, 2));
  },
  "time.parse_rfc3339_ns": (value) =>
    parse("time.parse_rfc3339_ns", ACCEPTED_LAYOUTS.RFC3339, str("time.parse_rfc3339_ns", value, 1)),
  "time.parse_duration_ns": (duration) => {
    const d = parseDuration(str("time.parse_duration_ns", duration, 1));
    if (typeof d === "string") fail("time.parse_duration_ns", d);
    return Number(d);
  },
  "time.format": (x) => {
    const t = zonedTime("time.format", x);
    const layout = t.layout === "" ? ACCEPTED_LAYOUTS.RFC3339Nano : ACCEPTED_LAYOUTS[t.layout] ?? t.layout;
    return formatLayout(toCivil(t.ns, t.zone), layout);
  },
  "time.date": (x) => {
    const c = civil("time.date", x);
    return [c.year, c.month, c.day];
  },
  "time.clock": (x) => {
    const c = civil("time.clock", x);
    return [c.hour, c.minute, c.second];
  },
  "time.weekday": (x) => LONG_DAYS[civil("time.weekday", x).weekday],
  "time.add_date": (x, years, months, days) => {
    const t = zonedTime("time.add_date", x);
    const y = int("time.add_date", years, 2),
      m = int("time.add_date", months, 3),
      d = int("time.add_date", days, 4);
    const c = toCivil(t.ns, t.zone);
    const ns = fromCivil(c.year + y, c.month + m, c.day + d, c.hour, c.minute, c.second, c.nanos, t.zone);
    if (ns === undefined) fail("time.add_date", "time outside of valid range");
    return nsToNumber("time.add_date", ns!);
  },
  "time.diff": (a, b) => {
    const t1 = zonedTime("time.diff", a), t2 = zonedTime("time.diff", b);
    let [early, late] = [t1.ns, t2.ns];
    if (early > late) [early, late] = [late, early];
    const c1 = toCivil(early, t1.zone), c2 = toCivil(late, t1.zone);
    let year = c2.year - c1.year, month = c2.month - c1.month, day = c2.day - c1.day;
    let hour = c2.hour - c1.hour, min = c2.minute - c1.minute, sec = c2.second - c1.second;
    if (sec < 0) {
      sec += 60;
      min--;
    }
    if (min < 0) {
      min += 60;
      hour--;
    }
    if (hour < 0) {
      hour += 24;
      day--;
    }
    if (day < 0) {
      day += daysIn(c1.month, c1.year);
      month--;
    }
    if (month < 0) {
      month += 12;
      year--;
    }
    return [year, month, day, hour, min, sec];
  },
};
