import assert from "node:assert/strict";
import { assertFails, call } from "./test_support.ts";

Deno.test("units.parse: SI (m is milli, M mega) and IEC suffixes", () => {
  const si = ["E", "e", "P", "p", "T", "t", "G", "g", "M", "K", "k", "m"].map((u) =>
    call("units.parse", `1${u}`)
  );
  assert.deepEqual(si, [1e18, 1e18, 1e15, 1e15, 1e12, 1e12, 1e9, 1e9, 1e6, 1e3, 1e3, 0.001]);
  for (const u of ["ki", "Ki", "kI", "KI"]) assert.equal(call("units.parse", `1${u}`), 1024);
  for (const u of ["mi", "Mi", "mI", "MI"]) assert.equal(call("units.parse", `1${u}`), 1048576);
  assert.equal(call("units.parse", "1Ei"), 1152921504606846976);
  assert.equal(call("units.parse", "1"), 1);
  assert.equal(call("units.parse", '"1"'), 1);
  assert.equal(call("units.parse", "1.5K"), 1500);
  assert.equal(call("units.parse", "1e-3K"), 1);
  assert.equal(call("units.parse", "2.5e6M"), 2.5e12);
  assert.equal(call("units.parse", "1500m"), 1.5);
  assert.equal(call("units.parse", "1m"), 0.001);
  assert.equal(call("units.parse", "1"), 1);
});

Deno.test("units.parse: errors", () => {
  assertFails("units.parse", ["1 m"], "units.parse: spaces not allowed in resource strings");
  assertFails("units.parse", ["1mb"], "units.parse: unit mb not recognized");
  assertFails("units.parse", ["1Q"], "units.parse: unit Q not recognized");
  assertFails("units.parse", ["K"], "units.parse: no amount provided");
  assertFails("units.parse", ["1..2"], "units.parse: could not parse amount to a number");
  assertFails("units.parse", ["1e1234567"], "units.parse: exponent too large");
  assertFails("units.parse", [["1"]], "units.parse: operand 1 must be string but got array");
});

Deno.test("units.parse_bytes: case-insensitive SI and IEC, truncated to integers", () => {
  for (const u of ["kib", "KiB", "ki", "KI", "kIb"]) assert.equal(call("units.parse_bytes", `1${u}`), 1024);
  assert.equal(call("units.parse_bytes", "1gib"), 1073741824);
  assert.equal(call("units.parse_bytes", "1Ki"), 1024);
  assert.equal(call("units.parse_bytes", "1KB"), 1000);
  assert.equal(call("units.parse_bytes", "1eb"), 1e18);
  assert.equal(call("units.parse_bytes", "1e"), 1e18);
  assert.equal(call("units.parse_bytes", "1.5kib"), 1536);
  assert.equal(call("units.parse_bytes", "1.1"), 1);
  assert.equal(call("units.parse_bytes", "100"), 100);
  assert.equal(call("units.parse_bytes", "1e3"), 1000);
  assertFails("units.parse_bytes", ["1 kb"], "units.parse_bytes: spaces not allowed in resource strings");
  assertFails("units.parse_bytes", ["1zb"], "units.parse_bytes: byte unit zb not recognized");
  assertFails("units.parse_bytes", ["kb"], "units.parse_bytes: no byte amount provided");
});
