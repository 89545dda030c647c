/**
 * The native base64 family agrees with the host (src/engine/builtins/encoding.ts) on generated
 * text and on generated base64 input, valid and broken. The offset in "illegal base64 data at input
 * byte N" is Go's natively (as OPA reports it: counted in the input as given, at the character Go's
 * decoder stops on); the host approximates it, so errors are compared without it and Go's offsets
 * are pinned in the last test. base64url.decode
 * pads unpadded input by its length in bytes as OPA does (the host counts UTF-16 units): the two
 * differ on non-ASCII input only, which is compared for the verdict.
 */
import { deepEqual } from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { host, Parity } from "./parity.ts";

const parity = new Parity();
const text = fc.string({ unit: "grapheme", maxLength: 20 });
const b64 = fc.array(fc.constantFrom(..."ABCabc019+/-_=\n\r!é".split("")), { maxLength: 16 }).map((c) =>
  c.join("")
);

/** Errors compare without Go's offset, which the host approximates (pinned below). */
const withoutOffset = (o: object) =>
  "error" in o ? { error: String(o.error).replace(/byte \d+$/, "byte N") } : o;

function same(name: string, arg: unknown): void {
  const n = parity.native(name, arg);
  const h = host(name, arg);
  if (typeof arg === "string" && /[\x80-\u{10ffff}]/u.test(arg) && "error" in n && "error" in h) return;
  deepEqual(withoutOffset(n), withoutOffset(h), `${name}(${JSON.stringify(arg)})`);
}

Deno.test("base64 natives agree with the host", () => {
  fc.assert(
    fc.property(text, b64, (t, b) => {
      for (const name of ["base64.encode", "base64url.encode", "base64url.encode_no_pad"]) same(name, t);
      same("base64.decode", parity.rt.js(parity.rt.x.bi_base64_encode(parity.rt.str(t))));
      for (const name of ["base64.decode", "base64.is_valid", "base64url.decode"]) same(name, b);
      // any bytes, decoded: not UTF-8 gives U+FFFD as a TextDecoder does
      const bytes = new Uint8Array([...b].map((c) => c.charCodeAt(0) & 0xff));
      const encoded = btoa(String.fromCharCode(...bytes));
      same("base64.decode", encoded);
      same("base64url.decode", encoded.replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", ""));
    }),
    { numRuns: 2000 },
  );
  for (const name of ["base64.encode", "base64.decode", "base64.is_valid", "base64url.decode"]) same(name, 1);
});

Deno.test("base64: Go's error offsets", () => {
  const offsets: [string, number][] = [["A=", 1], ["AB=", 3], ["A==", 1], ["ABC=x", 4], ["a\nG!k", 3], [
    "aGk",
    0,
  ], ["==", 0]];
  for (const [input, offset] of offsets) {
    deepEqual(parity.native("base64.decode", input), {
      error: `base64.decode: illegal base64 data at input byte ${offset}`,
    }, input);
  }
});
