import assert from "node:assert/strict";
import { assertFails, call } from "./test_support.ts";

const sprintf = (f: string, ...args: unknown[]) => call("sprintf", f, args);

Deno.test("sprintf: strings, integers and Go's defaults", () => {
  assert.equal(sprintf("User %s from %s", "alice", "eng"), "User alice from eng");
  assert.equal(sprintf("%d", 42), "42");
  assert.equal(sprintf("%x %X %o %O %b", 255, 255, 64, 64, 15), "ff FF 100 0o100 1111");
  assert.equal(sprintf("%#x %#o %#b", 255, 8, 5), "0xff 010 0b101");
  assert.equal(sprintf("%5d|%-5d|%05d|%+d", 42, 42, 42, 42), "   42|42   |00042|+42");
  assert.equal(sprintf("%05d", -42), "-0042");
  assert.equal(sprintf("%.3d", 7), "007");
  assert.equal(sprintf("%c %q %U", 65, 65, 0x1f600), "A 'A' U+1F600");
  assert.equal(sprintf("100%%"), "100%");
});

Deno.test("sprintf: floats follow Go (%f has 6 decimals, %v/%g shortest)", () => {
  assert.equal(sprintf("%f", 3.14), "3.140000");
  assert.equal(sprintf("%.2f", 3.14159), "3.14");
  assert.equal(sprintf("%8.3f|%-8.2f|", 3.14159, 2.5), "   3.142|2.50    |");
  assert.equal(sprintf("%e", 1234.5678), "1.234568e+03");
  assert.equal(sprintf("%E", 0.000123), "1.230000E-04");
  assert.equal(sprintf("%v", 3.14), "3.14");
  assert.equal(sprintf("%v", 0.000001), "1e-06");
  assert.equal(sprintf("%v", 1234567.5), "1.2345675e+06");
  assert.equal(sprintf("%g", 100000.5), "100000.5");
  assert.equal(sprintf("%.3g", 3.14159), "3.14");
  assert.equal(sprintf("%.3g", 1234.5), "1.23e+03");
  assert.equal(sprintf("%v", -2.5), "-2.5");
});

Deno.test("sprintf: composite values print as Rego, mismatches as Go does", () => {
  assert.equal(sprintf("%v", { key: "value" }), '{"key": "value"}');
  assert.equal(sprintf("%v", [1, "a", null]), '[1, "a", null]');
  assert.equal(sprintf("%s", true), "true");
  assert.equal(sprintf("%t", true), "%!t(string=true)");
  assert.equal(sprintf("%d", 1.5), "%!d(float64=1.5)");
  assert.equal(sprintf("%f", 5), "%!f(int=5)");
  assert.equal(sprintf("%s", 5), "%!s(int=5)");
  assert.equal(sprintf("%s %d", "only_one"), "only_one %!d(MISSING)");
  assert.equal(sprintf("%s", "a", 1, "b"), "a%!(EXTRA int=1, string=b)");
  assert.equal(sprintf("%q", 'say "hi"\n'), '"say \\"hi\\"\\n"');
  assert.equal(sprintf("%x", "hi"), "6869");
  assert.equal(sprintf("%.2s|%5s|%-5s|", "hello", "ab", "ab"), "he|   ab|ab   |");
  assert.equal(sprintf("%[2]s %[1]s", "a", "b"), "b a");
  assert.equal(sprintf("%*d", 4, 7), "   7");
  assert.equal(sprintf("trailing %"), "trailing %!(NOVERB)");
});

Deno.test("sprintf: operand checks", () => {
  assertFails("sprintf", [1, []], "sprintf: operand 1 must be string but got number");
  assertFails("sprintf", ["%s", "x"], "sprintf: operand 2 must be array but got string");
});
