/**
 * Byte encodings of strings (a string's bytes are its UTF-8): base64, base64url, hex and URL
 * query encoding, with Go's strictness (padding required by base64.decode, unpadded input
 * accepted by base64url.decode, as OPA does). Decoded bytes that are not UTF-8 become U+FFFD.
 */
import { Buffer } from "node:buffer";
import type { HostBuiltin } from "./host_builtin.ts";
import { compareStrings } from "./values.ts";
import { fail, obj, str, typeName } from "./operands.ts";

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Go's StdEncoding/URLEncoding DecodeString (CR and LF ignored); an error text on failure. */
function decodeBase64(s: string, url: boolean): Uint8Array | string {
  const clean = s.replace(/[\r\n]/g, "");
  const alphabet = url ? /^[A-Za-z0-9_-]*$/ : /^[A-Za-z0-9+/]*$/;
  const body = clean.replace(/={1,2}$/, "");
  const padding = clean.length - body.length;
  if (!alphabet.test(body)) {
    const bad = [...clean].findIndex((c) => !(url ? /[A-Za-z0-9_-]/ : /[A-Za-z0-9+/]/).test(c));
    return `illegal base64 data at input byte ${bad}`;
  }
  if (
    clean.length % 4 !== 0 || (padding > 0 && body.length % 4 === 1) ||
    (padding === 0 && body.length % 4 !== 0)
  ) {
    return `illegal base64 data at input byte ${Math.max(0, clean.length - (clean.length % 4 || 4))}`;
  }
  if (body.length % 4 === 1) return `illegal base64 data at input byte ${body.length - 1}`;
  return new Uint8Array(Buffer.from(body, url ? "base64url" : "base64"));
}

/** Go's url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = "";
  for (const b of utf8.encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/** Go's url.QueryUnescape; an error text on failure. */
function queryUnescape(s: string): string | { error: string } {
  const bytes: number[] = [];
  const cps = [...s];
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i];
    if (c === "%") {
      const hex = cps.slice(i + 1, i + 3).join("");
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return { error: `invalid URL escape ${JSON.stringify("%" + hex)}` };
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c === "+") bytes.push(0x20);
    else bytes.push(...utf8.encode(c));
  }
  return utf8Decoder.decode(new Uint8Array(bytes));
}

function objectQueryValues(name: string, v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  return fail(name, `values must be string, array[string], or set[string] but got ${typeName(v)}`);
}

export const ENCODING_BUILTINS: Record<string, HostBuiltin> = {
  "base64.encode": (x) => Buffer.from(utf8.encode(str("base64.encode", x, 1))).toString("base64"),
  "base64.decode": (x) => {
    const r = decodeBase64(str("base64.decode", x, 1), false);
    if (typeof r === "string") fail("base64.decode", r);
    return utf8Decoder.decode(r as Uint8Array);
  },
  "base64.is_valid": (x) => typeof decodeBase64(str("base64.is_valid", x, 1), false) !== "string",
  "base64url.encode": (x) => {
    const b64 = Buffer.from(utf8.encode(str("base64url.encode", x, 1))).toString("base64");
    return b64.replaceAll("+", "-").replaceAll("/", "_");
  },
  "base64url.encode_no_pad": (x) =>
    Buffer.from(utf8.encode(str("base64url.encode_no_pad", x, 1))).toString("base64url"),
  "base64url.decode": (x) => {
    let s = str("base64url.decode", x, 1);
    if (!s.endsWith("=")) {
      const rest = s.length % 4;
      if (rest === 1) fail("base64url.decode", `illegal base64url string: ${s}`);
      s += "=".repeat((4 - rest) % 4);
    }
    const r = decodeBase64(s, true);
    if (typeof r === "string") fail("base64url.decode", r);
    return utf8Decoder.decode(r as Uint8Array);
  },
  "hex.encode": (x) => Buffer.from(utf8.encode(str("hex.encode", x, 1))).toString("hex"),
  "hex.decode": (x) => {
    const s = str("hex.decode", x, 1);
    const bad = [...s].find((c) => !/[0-9A-Fa-f]/.test(c));
    if (bad !== undefined) {
      const cp = bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
      fail("hex.decode", `encoding/hex: invalid byte: U+${cp} ${JSON.stringify(bad).replace(/^"|"$/g, "'")}`);
    }
    if (s.length % 2 !== 0) fail("hex.decode", "encoding/hex: odd length hex string");
    return utf8Decoder.decode(new Uint8Array(Buffer.from(s, "hex")));
  },
  "urlquery.encode": (x) => queryEscape(str("urlquery.encode", x, 1)),
  "urlquery.decode": (x) => {
    const r = queryUnescape(str("urlquery.decode", x, 1));
    if (typeof r !== "string") fail("urlquery.decode", r.error);
    return r;
  },
  "urlquery.encode_object": (o) => {
    const name = "urlquery.encode_object";
    const object = obj(name, o, 1);
    const parts: string[] = [];
    for (const key of Object.keys(object).sort(compareStrings)) {
      for (const v of objectQueryValues(name, object[key])) {
        parts.push(`${queryEscape(key)}=${queryEscape(v)}`);
      }
    }
    return parts.join("&");
  },
  "urlquery.decode_object": (x) => {
    const name = "urlquery.decode_object";
    const out: Record<string, string[]> = {};
    for (const part of str(name, x, 1).split("&")) {
      if (part === "") continue;
      if (part.includes(";")) fail(name, "invalid semicolon separator in query");
      const eq = part.indexOf("=");
      const rawKey = eq < 0 ? part : part.slice(0, eq), rawValue = eq < 0 ? "" : part.slice(eq + 1);
      const key = queryUnescape(rawKey), value = queryUnescape(rawValue);
      if (typeof key !== "string") fail(name, key.error);
      if (typeof value !== "string") fail(name, value.error);
      (out[key as string] ??= []).push(value as string);
    }
    return out;
  },
};
