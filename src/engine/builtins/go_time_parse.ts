/** Go's time.Parse for a layout ("2006-01-02T15:04:05Z07:00"), to epoch nanoseconds. */
import { daysIn, fromCivil, LONG_DAYS, LONG_MONTHS, nextChunk } from "./go_time.ts";

export class LayoutParseError extends Error {}

const isDigit = (s: string, i: number) => s[i] >= "0" && s[i] <= "9";

function parseError(layout: string, value: string, elem: string, valueElem: string, msg = ""): never {
  const q = JSON.stringify;
  if (msg) throw new LayoutParseError(`parsing time ${q(value)}${msg}`);
  throw new LayoutParseError(
    `parsing time ${q(value)} as ${q(layout)}: cannot parse ${q(valueElem)} as ${q(elem)}`,
  );
}

/** Go's time.Parse, in UTC when the value carries no zone. Returns epoch nanoseconds. */
export function parseLayout(layout: string, value: string): bigint {
  const original = value;
  let rest = layout;
  let year = 1, month = -1, day = -1, yday = -1, hour = 0, minute = 0, second = 0, nanos = 0;
  let offset: number | undefined;
  let pm = false, am = false;
  const fail = (elem: string, v: string): never => parseError(layout, original, elem, v);

  // Go's getnum: one or two digits; exactly two when fixed.
  const num = (v: string, fixed: boolean, elem: string): [number, string] => {
    if (!isDigit(v, 0)) fail(elem, v);
    if (!isDigit(v, 1)) {
      if (fixed) fail(elem, v);
      return [Number(v[0]), v.slice(1)];
    }
    return [Number(v.slice(0, 2)), v.slice(2)];
  };
  const lookup = (names: string[], v: string, elem: string): [number, string] => {
    for (let i = 0; i < names.length; i++) {
      if (
        v.length >= names[i].length && v.slice(0, names[i].length).toLowerCase() === names[i].toLowerCase()
      ) {
        return [i, v.slice(names[i].length)];
      }
    }
    return fail(elem, v);
  };
  const range = (what: string) => parseError(layout, original, "", "", `: ${what} out of range`);

  while (true) {
    const ch = nextChunk(rest);
    if (!value.startsWith(ch.prefix)) fail(ch.prefix, value);
    value = value.slice(ch.prefix.length);
    if (!ch.std) {
      if (value.length !== 0) parseError(layout, original, "", "", `: extra text: ${JSON.stringify(value)}`);
      break;
    }
    rest = ch.suffix;
    const v = value;
    switch (ch.std) {
      case "2006":
        if (value.length < 4 || !/^\d{4}/.test(value)) fail(ch.text, v);
        year = Number(value.slice(0, 4));
        value = value.slice(4);
        break;
      case "06":
        if (!/^\d{2}/.test(value)) fail(ch.text, v);
        year = Number(value.slice(0, 2));
        year += year >= 69 ? 1900 : 2000;
        value = value.slice(2);
        break;
      case "January":
        [month, value] = lookup(LONG_MONTHS, value, ch.text);
        month++;
        break;
      case "Jan":
        [month, value] = lookup(LONG_MONTHS.map((m) => m.slice(0, 3)), value, ch.text);
        month++;
        break;
      case "1":
      case "01":
        [month, value] = num(value, ch.std === "01", ch.text);
        if (month < 1 || month > 12) range("month");
        break;
      case "Monday":
        [, value] = lookup(LONG_DAYS, value, ch.text);
        break;
      case "Mon":
        [, value] = lookup(LONG_DAYS.map((d) => d.slice(0, 3)), value, ch.text);
        break;
      case "2":
      case "_2":
      case "02":
        if (ch.std === "_2" && value[0] === " ") value = value.slice(1);
        [day, value] = num(value, ch.std === "02", ch.text);
        break;
      case "__2":
      case "002": {
        if (ch.std === "__2") value = value.replace(/^ {1,2}/, "");
        const m = ch.std === "002" ? /^\d{3}/.exec(value) : /^\d{1,3}/.exec(value);
        if (!m) fail(ch.text, v);
        yday = Number(m![0]);
        value = value.slice(m![0].length);
        if (yday < 1 || yday > 366) range("day-of-year");
        break;
      }
      case "15":
        [hour, value] = num(value, false, ch.text);
        if (hour > 23) range("hour");
        break;
      case "3":
      case "03":
        [hour, value] = num(value, ch.std === "03", ch.text);
        if (hour > 12) range("hour");
        break;
      case "4":
      case "04":
        [minute, value] = num(value, ch.std === "04", ch.text);
        if (minute > 59) range("minute");
        break;
      case "5":
      case "05": {
        [second, value] = num(value, ch.std === "05", ch.text);
        if (second > 59) range("second");
        // A fraction in the value but not in the layout is accepted anyway.
        if ((value[0] === "." || value[0] === ",") && isDigit(value, 1)) {
          const next = nextChunk(rest);
          if (next.std === "frac0" || next.std === "frac9") break;
          let n = 1;
          while (isDigit(value, n)) n++;
          nanos = fraction(value.slice(1, n));
          value = value.slice(n);
        }
        break;
      }
      case "PM":
      case "pm": {
        const two = value.slice(0, 2);
        const [p, a] = ch.std === "PM" ? ["PM", "AM"] : ["pm", "am"];
        if (two === p) pm = true;
        else if (two === a) am = true;
        else fail(ch.text, v);
        value = value.slice(2);
        break;
      }
      case "MST": {
        if (value.startsWith("UTC")) {
          offset = 0;
          value = value.slice(3);
          break;
        }
        const m = /^(?:GMT(?:[+-]\d{1,2})?|[A-Z]{3,5}|ChST|MeST)/.exec(value);
        if (!m) fail(ch.text, v);
        offset = 0;
        if (m![0].startsWith("GMT") && m![0].length > 3) offset = Number(m![0].slice(3)) * 3600;
        value = value.slice(m![0].length);
        break;
      }
      case "frac0": {
        const n = ch.digits! + 1;
        if (value.length < n || value[0] !== ch.sep || !/^\d+$/.test(value.slice(1, n))) fail(ch.text, v);
        nanos = fraction(value.slice(1, n));
        value = value.slice(n);
        break;
      }
      case "frac9": {
        if (value.length < 2 || (value[0] !== "." && value[0] !== ",") || !isDigit(value, 1)) break;
        let n = 1;
        while (n < 10 && isDigit(value, n)) n++;
        nanos = fraction(value.slice(1, n));
        value = value.slice(n);
        break;
      }
      default: {
        const std = ch.std;
        if (std.startsWith("Z") && value[0] === "Z") {
          offset = 0;
          value = value.slice(1);
          break;
        }
        const body = std.slice(1);
        const re = body === "07"
          ? /^([+-])(\d{2})/
          : body === "0700"
          ? /^([+-])(\d{2})(\d{2})/
          : body === "07:00"
          ? /^([+-])(\d{2}):(\d{2})/
          : body === "070000"
          ? /^([+-])(\d{2})(\d{2})(\d{2})/
          : /^([+-])(\d{2}):(\d{2}):(\d{2})/;
        const m = re.exec(value);
        if (!m) fail(ch.text, v);
        const secs = Number(m![2]) * 3600 + Number(m![3] ?? 0) * 60 + Number(m![4] ?? 0);
        if (Number(m![2]) > 24 || Number(m![3] ?? 0) > 60 || Number(m![4] ?? 0) > 60) {
          range("time zone offset");
        }
        offset = m![1] === "-" ? -secs : secs;
        value = value.slice(m![0].length);
      }
    }
  }
  if (pm && hour < 12) hour += 12;
  else if (am && hour === 12) hour = 0;
  if (yday >= 0) {
    let m = 1, d = yday;
    while (m <= 12 && d > daysIn(m, year)) d -= daysIn(m++, year);
    if (m > 12) range("day-of-year");
    if ((month >= 0 && month !== m) || (day >= 0 && day !== d)) range("day-of-year");
    month = m;
    day = d;
  }
  if (month < 0) month = 1;
  if (day < 0) day = 1;
  if (day < 1 || day > daysIn(month, year)) range("day");
  const ns = fromCivil(year, month, day, hour, minute, second, nanos, offset ?? 0);
  if (ns === undefined) range("year");
  return ns!;
}

/** Nanoseconds from the digits after the decimal separator (beyond 9 digits: truncated). */
function fraction(digits: string): number {
  return Number(digits.slice(0, 9).padEnd(9, "0"));
}
