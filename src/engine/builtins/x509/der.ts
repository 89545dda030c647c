/**
 * A DER reader with the strictness of Go's cryptobyte (golang.org/x/crypto/cryptobyte), which
 * crypto/x509 parses with: definite, minimal lengths; minimal integers; OIDs of components below
 * 2^31; bit strings with zero padding bits; booleans 0x00/0xff; UTCTime and GeneralizedTime that
 * print back as they were read. Elements keep their position so callers can take raw slices.
 */

export class DerError extends Error {}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUM: 0x0a,
  UTF8String: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  NumericString: 0x12,
  PrintableString: 0x13,
  T61String: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  BMPString: 0x1e,
} as const;

/** Context-specific tag n, primitive or constructed. */
export const ctx = (n: number, constructed = false) => 0x80 | (constructed ? 0x20 : 0) | n;

export interface Element {
  tag: number;
  /** The whole element (header and content). */
  raw: Uint8Array;
  /** The content. */
  body: Der;
}

export class Der {
  constructor(readonly buf: Uint8Array, private pos = 0, private readonly end = buf.length) {}

  static of(bytes: Uint8Array): Der {
    return new Der(bytes);
  }

  empty(): boolean {
    return this.pos >= this.end;
  }

  /** The rest, as bytes. */
  rest(): Uint8Array {
    return this.buf.subarray(this.pos, this.end);
  }

  peekTag(): number | undefined {
    return this.empty() ? undefined : this.buf[this.pos];
  }

  peek(tag: number): boolean {
    return this.peekTag() === tag;
  }

  /** The next element, whatever its tag. */
  any(what = "element"): Element {
    const start = this.pos;
    if (this.end - start < 2) throw new DerError(`malformed ${what}`);
    const tag = this.buf[start];
    if ((tag & 0x1f) === 0x1f) throw new DerError(`malformed ${what}`); // high tag numbers: unused by X.509
    let len = this.buf[start + 1];
    let header = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4 || this.end - start < 2 + n) throw new DerError(`malformed ${what}`);
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + this.buf[start + 2 + i];
      // Minimal: the long form only from 128 on, and no leading zero byte.
      if (len < 128 || this.buf[start + 2] === 0) throw new DerError(`malformed ${what}`);
      header += n;
    }
    if (this.end - start - header < len) throw new DerError(`malformed ${what}`);
    this.pos = start + header + len;
    return {
      tag,
      raw: this.buf.subarray(start, this.pos),
      body: new Der(this.buf, start + header, start + header + len),
    };
  }

  /** The next element, which must have this tag. */
  element(tag: number, what = "element"): Element {
    if (this.peekTag() !== tag) throw new DerError(`malformed ${what}`);
    return this.any(what);
  }

  /** The content of the next element, which must have this tag. */
  read(tag: number, what?: string): Der {
    return this.element(tag, what).body;
  }

  /** The content of an optional element with this tag, or undefined. */
  optional(tag: number, what?: string): Der | undefined {
    return this.peek(tag) ? this.read(tag, what) : undefined;
  }

  bytes(tag: number, what?: string): Uint8Array {
    return this.read(tag, what).rest();
  }

  integer(what = "integer", tag: number = TAG.INTEGER): bigint {
    return derInteger(this.bytes(tag, what), what);
  }

  /** An INTEGER that must fit a Go int (64 bits). */
  int(what = "integer", tag: number = TAG.INTEGER): number {
    const n = this.integer(what, tag);
    if (n < -(1n << 63n) || n >= 1n << 63n) throw new DerError(`malformed ${what}`);
    return Number(n);
  }

  boolean(what = "boolean"): boolean {
    const b = this.bytes(TAG.BOOLEAN, what);
    if (b.length !== 1 || (b[0] !== 0 && b[0] !== 0xff)) throw new DerError(`malformed ${what}`);
    return b[0] === 0xff;
  }

  oid(what = "OID"): number[] {
    return oidComponents(this.bytes(TAG.OID, what), what);
  }

  /** A BIT STRING: its bytes and the number of bits used. */
  bitString(what = "bit string"): { bytes: Uint8Array; bitLength: number } {
    const b = this.bytes(TAG.BIT_STRING, what);
    if (b.length === 0) throw new DerError(`malformed ${what}`);
    const padding = b[0];
    if (padding > 7 || (b.length === 1 && padding > 0) || (b[b.length - 1] & ((1 << padding) - 1)) !== 0) {
      throw new DerError(`malformed ${what}`);
    }
    return { bytes: b.subarray(1), bitLength: (b.length - 1) * 8 - padding };
  }

  /** UTCTime or GeneralizedTime, as Go reads them. */
  time(what = "time"): GoTime {
    const tag = this.peekTag();
    if (tag === TAG.UTCTime) return parseUtcTime(latin1(this.bytes(tag, what)), what);
    if (tag === TAG.GeneralizedTime) return parseGeneralizedTime(latin1(this.bytes(tag, what)), what);
    throw new DerError("unsupported time format");
  }
}

export function latin1(b: Uint8Array): string {
  let s = "";
  for (const c of b) s += String.fromCharCode(c);
  return s;
}

/** A two's-complement INTEGER, minimally encoded. */
export function derInteger(b: Uint8Array, what = "integer"): bigint {
  if (b.length === 0) throw new DerError(`malformed ${what}`);
  if (b.length > 1 && ((b[0] === 0 && (b[1] & 0x80) === 0) || (b[0] === 0xff && (b[1] & 0x80) !== 0))) {
    throw new DerError(`malformed ${what}`);
  }
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  if (b[0] & 0x80) n -= 1n << BigInt(b.length * 8);
  return n;
}

/** An unsigned big-endian integer (a key's bytes). */
export function unsignedInteger(b: Uint8Array): bigint {
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return n;
}

/** The components of an OID whose components fit in 31 bits (Go's asn1.ObjectIdentifier). */
export function oidComponents(b: Uint8Array, what = "OID"): number[] {
  const parts = oidBigComponents(b, what);
  if (parts.some((p) => p >= 1n << 31n)) throw new DerError(`malformed ${what}`);
  return parts.map(Number);
}

/** The components of an OID, any size (Go's x509.OID). */
export function oidBigComponents(b: Uint8Array, what = "OID"): bigint[] {
  if (b.length === 0) throw new DerError(`malformed ${what}`);
  const out: bigint[] = [];
  let i = 0;
  while (i < b.length) {
    if (b[i] === 0x80) throw new DerError(`malformed ${what}`); // non-minimal
    let v = 0n;
    for (;;) {
      if (i >= b.length) throw new DerError(`malformed ${what}`);
      const c = b[i++];
      v = (v << 7n) | BigInt(c & 0x7f);
      if ((c & 0x80) === 0) break;
    }
    if (out.length === 0) {
      if (v < 80n) out.push(v / 40n, v % 40n);
      else out.push(2n, v - 80n);
    } else out.push(v);
  }
  return out;
}

export function oidString(parts: readonly (number | bigint)[]): string {
  return parts.join(".");
}

export function sameOid(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A time as Go's time.Time: the instant and the zone offset it was written in (minutes). */
export interface GoTime {
  ms: number;
  offsetMinutes: number;
}

const DIGITS = /^\d+$/;

function timeFrom(
  what: string,
  year: number,
  digits: string,
  zone: string,
): GoTime {
  const [mo, d, h, mi, s] = [0, 2, 4, 6, 8].map((i) => Number(digits.slice(i, i + 2)));
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(year, mo) || h > 23 || mi > 59 || s > 59) {
    throw new DerError(`malformed ${what}`);
  }
  let offsetMinutes = 0;
  if (zone !== "Z") {
    const m = /^([+-])(\d\d)(\d\d)$/.exec(zone);
    if (!m) throw new DerError(`malformed ${what}`);
    const oh = Number(m[2]), om = Number(m[3]);
    if (oh > 23 || om > 59) throw new DerError(`malformed ${what}`); // Go's Parse: hour < 24, minute < 60
    offsetMinutes = (m[1] === "-" ? -1 : 1) * (oh * 60 + om);
    // "+0000" prints back as "Z" with Go's Z0700 layout: not what was read.
    if (offsetMinutes === 0) throw new DerError(`malformed ${what}`);
  }
  const date = new Date(0);
  date.setUTCFullYear(year, mo - 1, d); // Date.UTC would read years below 100 as 19xx
  date.setUTCHours(h, mi, s, 0);
  const ms = date.getTime() - offsetMinutes * 60_000;
  return { ms, offsetMinutes };
}

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** cryptobyte's ReadASN1UTCTime: YYMMDDhhmm[ss]Z or ±hhmm; years 50..99 are 19xx. */
export function parseUtcTime(t: string, what = "UTCTime"): GoTime {
  const m = /^(\d{10})(\d\d)?(Z|[+-]\d{4})$/.exec(t);
  if (!m) throw new DerError(`malformed ${what}`);
  const yy = Number(m[1].slice(0, 2));
  const year = yy >= 50 ? 1900 + yy : 2000 + yy;
  return timeFrom(what, year, m[1].slice(2) + (m[2] ?? "00"), m[3]);
}

/** cryptobyte's ReadASN1GeneralizedTime: YYYYMMDDhhmmss and Z or ±hhmm, nothing else. */
export function parseGeneralizedTime(t: string, what = "GeneralizedTime"): GoTime {
  const m = /^(\d{4})(\d{10})(Z|[+-]\d{4})$/.exec(t);
  if (!m || !DIGITS.test(m[1])) throw new DerError(`malformed ${what}`);
  return timeFrom(what, Number(m[1]), m[2], m[3]);
}

/** Go's time.Time JSON (RFC 3339 with nanoseconds, trailing zeros dropped; here whole seconds). */
export function goTimeJson(t: GoTime): string {
  const local = new Date(t.ms + t.offsetMinutes * 60_000);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const date = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const clock = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  if (t.offsetMinutes === 0) return `${date}T${clock}Z`;
  const o = Math.abs(t.offsetMinutes);
  return `${date}T${clock}${t.offsetMinutes < 0 ? "-" : "+"}${pad(Math.floor(o / 60))}:${pad(o % 60)}`;
}
