/**
 * Exact decimal numbers, as gojsonschema compares them (big.Rat over the number's text): a JSON
 * number here is the shortest decimal text of its double (what the SDK hands the host), read as
 * the fraction n / 10^k.
 */
export interface Decimal {
  n: bigint;
  /** Power of ten of the denominator (may be negative: n * 10^-k). */
  k: number;
}

export function decimal(x: number): Decimal {
  const s = String(x);
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(s);
  if (!m) throw new Error(`not a finite number: ${s}`);
  const frac = m[3] ?? "";
  const n = BigInt(m[1] + m[2] + frac);
  return { n, k: frac.length - Number(m[4] ?? 0) };
}

function scaled(a: Decimal, k: number): bigint {
  return a.k >= k ? a.n : a.n * 10n ** BigInt(k - a.k);
}

export function compare(a: Decimal, b: Decimal): number {
  const k = Math.max(a.k, b.k);
  const x = scaled(a, k), y = scaled(b, k);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Whether a / b is an integer (b non-zero). */
export function isMultiple(a: Decimal, b: Decimal): boolean {
  const k = Math.max(a.k, b.k);
  return scaled(a, k) % scaled(b, k) === 0n;
}

export function isInteger(a: Decimal): boolean {
  return a.k <= 0 || a.n % 10n ** BigInt(a.k) === 0n;
}

export const isPositive = (a: Decimal) => a.n > 0n;

/** big.Float's %v (Go's %g with the shortest representation): what the error texts print. */
export function goFloatText(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e21) return String(x);
  const s = String(x);
  // JavaScript and Go agree on the digits; Go writes exponents with two digits at least.
  return s.replace(/e([+-])(\d)$/, "e$10$2");
}
