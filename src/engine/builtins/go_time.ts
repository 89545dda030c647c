/**
 * Civil time and Go layout chunks ("2006-01-02T15:04:05Z07:00"), over instants held
 * as BigInt nanoseconds since the Unix epoch. Mirrors Go's time.Format / time.Parse rules:
 * fixed (".000") and trimmed (".999") fractions, fractional seconds accepted after seconds even
 * when the layout has none, two-digit years pivot at 69, named zones other than UTC/GMT parse as
 * offset zero.
 */
import { type Zone } from "./time_zone.ts";

export const NS_PER_SECOND = 1_000_000_000n;
export const MIN_NS = -(2n ** 63n);
export const MAX_NS = 2n ** 63n - 1n;

export const LONG_MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
export const LONG_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

export interface Civil {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  weekday: number; // 0 = Sunday
  yday: number; // 1-366
  offset: number; // seconds east of UTC
  abbreviation: string;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

export function toCivil(ns: bigint, zone: Zone): Civil {
  const secs = floorDiv(ns, NS_PER_SECOND);
  const nanos = Number(ns - secs * NS_PER_SECOND);
  const ms = Number(secs) * 1000;
  const offset = zone.offsetSeconds(ms);
  const d = new Date(ms + offset * 1000);
  const start = new Date(0);
  start.setUTCFullYear(d.getUTCFullYear(), 0, 1);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    nanos,
    weekday: d.getUTCDay(),
    yday: Math.floor((d.getTime() - start.getTime()) / 86_400_000) + 1,
    offset,
    abbreviation: zone.abbreviation(ms),
  };
}

/**
 * Go's time.Date: fields out of range are normalised (month 13 is next January). The offset is
 * the zone's at that local time. Undefined when the result is beyond JS Date's range.
 */
export function fromCivil(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  nanos: number,
  zone: Zone | number,
): bigint | undefined {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  const localMs = d.getTime();
  if (!Number.isFinite(localMs)) return undefined;
  let offset: number;
  if (typeof zone === "number") offset = zone;
  else {
    offset = zone.offsetSeconds(localMs);
    offset = zone.offsetSeconds(localMs - offset * 1000);
  }
  return BigInt(localMs / 1000 - offset) * NS_PER_SECOND + BigInt(nanos);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysIn(month: number, year: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : MONTH_DAYS[month - 1];
}

// ---- layout chunks ----

export type Std =
  | "January"
  | "Jan"
  | "1"
  | "01"
  | "Monday"
  | "Mon"
  | "2"
  | "_2"
  | "02"
  | "__2"
  | "002"
  | "15"
  | "3"
  | "03"
  | "4"
  | "04"
  | "5"
  | "05"
  | "2006"
  | "06"
  | "PM"
  | "pm"
  | "MST"
  | "Z0700"
  | "Z070000"
  | "Z07"
  | "Z07:00"
  | "Z07:00:00"
  | "-0700"
  | "-070000"
  | "-07"
  | "-07:00"
  | "-07:00:00"
  | "frac0"
  | "frac9";

export interface Chunk {
  prefix: string;
  std?: Std;
  /** For fractions: number of digits and the separator. */
  digits?: number;
  sep?: string;
  text: string;
  suffix: string;
}

const TZ_STDS: Std[] = [
  "Z070000",
  "Z07:00:00",
  "Z0700",
  "Z07:00",
  "Z07",
  "-070000",
  "-07:00:00",
  "-0700",
  "-07:00",
  "-07",
];

/** Go's nextStdChunk. */
export function nextChunk(layout: string): Chunk {
  for (let i = 0; i < layout.length; i++) {
    const rest = layout.slice(i);
    const hit = (std: Std, text: string = std): Chunk => ({
      prefix: layout.slice(0, i),
      std,
      text,
      suffix: layout.slice(i + text.length),
    });
    switch (layout[i]) {
      case "J":
        if (rest.startsWith("January")) return hit("January");
        if (rest.startsWith("Jan")) return hit("Jan");
        break;
      case "M":
        if (rest.startsWith("Monday")) return hit("Monday");
        if (rest.startsWith("Mon")) return hit("Mon");
        if (rest.startsWith("MST")) return hit("MST");
        break;
      case "0":
        if (rest.startsWith("002")) return hit("002");
        if (rest.length >= 2 && rest[1] >= "1" && rest[1] <= "6") return hit(rest.slice(0, 2) as Std);
        break;
      case "1":
        return rest.startsWith("15") ? hit("15") : hit("1");
      case "2":
        return rest.startsWith("2006") ? hit("2006") : hit("2");
      case "_":
        if (rest.startsWith("_2")) {
          if (rest.startsWith("_2006")) {
            return { prefix: layout.slice(0, i + 1), std: "2006", text: "2006", suffix: layout.slice(i + 5) };
          }
          return hit("_2");
        }
        if (rest.startsWith("__2")) return hit("__2");
        break;
      case "3":
      case "4":
      case "5":
        return hit(layout[i] as Std);
      case "P":
        if (rest.startsWith("PM")) return hit("PM");
        break;
      case "p":
        if (rest.startsWith("pm")) return hit("pm");
        break;
      case "-":
      case "Z":
        for (const std of TZ_STDS) if (std[0] === layout[i] && rest.startsWith(std)) return hit(std);
        break;
      case ".":
      case ",":
        if (rest[1] === "0" || rest[1] === "9") {
          const d = rest[1];
          let j = 1;
          while (rest[j] === d) j++;
          if (!(rest[j] >= "0" && rest[j] <= "9")) {
            return {
              prefix: layout.slice(0, i),
              std: d === "0" ? "frac0" : "frac9",
              digits: j - 1,
              sep: layout[i],
              text: rest.slice(0, j),
              suffix: rest.slice(j),
            };
          }
        }
        break;
    }
  }
  return { prefix: layout, text: "", suffix: "" };
}
