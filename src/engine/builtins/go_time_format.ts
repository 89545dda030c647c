/** Go's Time.Format over a civil time and a layout ("2006-01-02T15:04:05Z07:00"). */
import { type Civil, LONG_DAYS, LONG_MONTHS, nextChunk, type Std } from "./go_time.ts";

const pad = (n: number, width: number): string => {
  const s = String(Math.abs(n)).padStart(width, "0");
  return n < 0 ? "-" + s : s;
};

function formatOffset(offset: number, std: Std): string {
  if (std.startsWith("Z") && offset === 0) return "Z";
  const sign = offset < 0 ? "-" : "+";
  const a = Math.abs(offset);
  const hh = pad(Math.floor(a / 3600), 2), mm = pad(Math.floor(a % 3600 / 60), 2), ss = pad(a % 60, 2);
  const colon = std.includes(":");
  const body = std.slice(1);
  if (body === "07") return sign + hh;
  if (body === "0700" || body === "07:00") return sign + hh + (colon ? ":" : "") + mm;
  return sign + hh + (colon ? ":" : "") + mm + (colon ? ":" : "") + ss;
}

/** Go's Time.Format. */
export function formatLayout(c: Civil, layout: string): string {
  let out = "";
  let rest = layout;
  while (rest !== "") {
    const ch = nextChunk(rest);
    out += ch.prefix;
    if (!ch.std) break;
    rest = ch.suffix;
    const hour12 = c.hour % 12 === 0 ? 12 : c.hour % 12;
    switch (ch.std) {
      case "2006":
        out += pad(c.year, 4);
        break;
      case "06":
        out += pad(((c.year % 100) + 100) % 100, 2);
        break;
      case "January":
        out += LONG_MONTHS[c.month - 1];
        break;
      case "Jan":
        out += LONG_MONTHS[c.month - 1].slice(0, 3);
        break;
      case "1":
        out += c.month;
        break;
      case "01":
        out += pad(c.month, 2);
        break;
      case "Monday":
        out += LONG_DAYS[c.weekday];
        break;
      case "Mon":
        out += LONG_DAYS[c.weekday].slice(0, 3);
        break;
      case "2":
        out += c.day;
        break;
      case "_2":
        out += String(c.day).padStart(2, " ");
        break;
      case "02":
        out += pad(c.day, 2);
        break;
      case "__2":
        out += String(c.yday).padStart(3, " ");
        break;
      case "002":
        out += pad(c.yday, 3);
        break;
      case "15":
        out += pad(c.hour, 2);
        break;
      case "3":
        out += hour12;
        break;
      case "03":
        out += pad(hour12, 2);
        break;
      case "4":
        out += c.minute;
        break;
      case "04":
        out += pad(c.minute, 2);
        break;
      case "5":
        out += c.second;
        break;
      case "05":
        out += pad(c.second, 2);
        break;
      case "PM":
        out += c.hour >= 12 ? "PM" : "AM";
        break;
      case "pm":
        out += c.hour >= 12 ? "pm" : "am";
        break;
      case "MST":
        out += c.abbreviation || formatOffset(c.offset, "-0700");
        break;
      case "frac0":
        out += ch.sep + String(c.nanos).padStart(9, "0").slice(0, ch.digits);
        break;
      case "frac9": {
        const digits = String(c.nanos).padStart(9, "0").slice(0, ch.digits).replace(/0+$/, "");
        if (digits !== "") out += ch.sep + digits;
        break;
      }
      default:
        out += formatOffset(c.offset, ch.std);
    }
  }
  return out;
}
