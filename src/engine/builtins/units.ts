/**
 * units.parse (SI and IEC suffixes; "m" is milli, "M" mega, other suffixes case-insensitive after
 * their first letter) and units.parse_bytes (case-insensitive, optional "b"; result truncated to
 * an integer). Amounts may use decimals and scientific notation ("1e-3K"); quotes are ignored.
 * Arithmetic is exact (rationals over BigInt); results above 2^53 become the nearest double.
 */
import type { HostBuiltin } from "./host_builtin.ts";
import { fail, str } from "./operands.ts";

const MAX_EXPONENT_DIGITS = 6;
const K = 1000n;
const KI = 1024n;

/** OPA's extractNumAndUnit: the amount, then the unit. */
function splitAmount(name: string, s: string): [string, string] {
  let cut = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const digitOrDot = (c >= "0" && c <= "9") || c === ".";
    if (!digitOrDot && c !== "e" && c !== "E" && c !== "+" && c !== "-") {
      cut = i;
      break;
    }
    if (c === "e" || c === "E") {
      const next = s[i + 1];
      if (next === undefined || !((next >= "0" && next <= "9") || next === "+" || next === "-")) {
        cut = i;
        break;
      }
      if (next === "+" || next === "-") i++;
      let end = i + 1;
      while (s[end] >= "0" && s[end] <= "9") end++;
      if (end - (i + 1) > MAX_EXPONENT_DIGITS) fail(name, "exponent too large");
    }
  }
  if (cut === -1) return [s, ""];
  return [s.slice(0, cut), s.slice(cut)];
}

/** A decimal amount as a rational [numerator, denominator], or undefined if malformed. */
function rational(amount: string): [bigint, bigint] | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(amount);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return undefined;
  const frac = m[3] ?? "";
  let num = BigInt((m[2] || "0") + frac);
  let den = 10n ** BigInt(frac.length);
  const exp = Number(m[4] ?? 0);
  if (exp >= 0) num *= 10n ** BigInt(exp);
  else den *= 10n ** BigInt(-exp);
  if (m[1] === "-") num = -num;
  return [num, den];
}

function amountOf(name: string, raw: string, lower: boolean): [bigint, bigint, string] {
  let s = raw.replaceAll('"', "");
  if (lower) s = s.toLowerCase();
  if (s.includes(" ")) fail(name, "spaces not allowed in resource strings");
  const [amount, unit] = splitAmount(name, s);
  if (amount === "") fail(name, name === "units.parse" ? "no amount provided" : "no byte amount provided");
  const r = rational(amount);
  if (!r) {
    fail(
      name,
      name === "units.parse"
        ? "could not parse amount to a number"
        : "could not parse byte amount to a number",
    );
  }
  return [r![0], r![1], unit];
}

/** units.parse suffixes as num/den; "m" is milli, so mega is "M" only. */
const UNIT_MULTIPLIERS: Record<string, [bigint, bigint]> = { "": [1n, 1n], m: [1n, 1000n] };
/** units.parse_bytes suffixes (already lower-cased), with or without a trailing "b". */
const BYTE_MULTIPLIERS: Record<string, bigint> = { "": 1n };
for (const [i, p] of ["k", "m", "g", "t", "p", "e"].entries()) {
  const si = K ** BigInt(i + 1);
  const iec = KI ** BigInt(i + 1);
  const P = p.toUpperCase();
  if (p !== "m") UNIT_MULTIPLIERS[p] = [si, 1n];
  UNIT_MULTIPLIERS[P] = [si, 1n];
  UNIT_MULTIPLIERS[p + "i"] = UNIT_MULTIPLIERS[P + "i"] = [iec, 1n];
  BYTE_MULTIPLIERS[p] = BYTE_MULTIPLIERS[p + "b"] = si;
  BYTE_MULTIPLIERS[p + "i"] = BYTE_MULTIPLIERS[p + "ib"] = iec;
}

/** num/den as a number: exact integers, else rounded to 10 decimals (big.Rat's FloatString(10)). */
function rationalToNumber(num: bigint, den: bigint): number {
  if (num % den === 0n) return Number(num / den);
  const neg = num < 0n;
  const abs = neg ? -num : num;
  const scaled = abs * 10n ** 10n;
  let q = scaled / den;
  if ((scaled % den) * 2n >= den) q++;
  const digits = q.toString().padStart(11, "0");
  const text = `${neg ? "-" : ""}${digits.slice(0, -10)}.${digits.slice(-10)}`;
  return Number(text);
}

export const UNITS_BUILTINS: Record<string, HostBuiltin> = {
  "units.parse": (x) => {
    const [num, den, rawUnit] = amountOf("units.parse", str("units.parse", x, 1), false);
    const unit = rawUnit.length > 1 ? rawUnit[0] + rawUnit.slice(1).toLowerCase() : rawUnit;
    const mult = UNIT_MULTIPLIERS[unit];
    if (!mult) fail("units.parse", `unit ${unit} not recognized`);
    return rationalToNumber(num * mult[0], den * mult[1]);
  },
  "units.parse_bytes": (x) => {
    const [num, den, unit] = amountOf("units.parse_bytes", str("units.parse_bytes", x, 1), true);
    const mult = BYTE_MULTIPLIERS[unit];
    if (mult === undefined) fail("units.parse_bytes", `byte unit ${unit} not recognized`);
    return Number((num * mult) / den);
  },
};
