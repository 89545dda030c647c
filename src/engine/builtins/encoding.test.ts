import assert from "node:assert/strict";
import { assertFails, call } from "./test_support.ts";

Deno.test("base64 and base64url", () => {
  assert.equal(call("base64.encode", "hello"), "aGVsbG8=");
  assert.equal(call("base64.encode", "é"), "w6k=");
  assert.equal(call("base64.decode", "aGVsbG8="), "hello");
  assert.equal(call("base64.decode", "aGVs\nbG8="), "hello");
  assertFails("base64.decode", ["aGVsbG8"], /^base64\.decode: illegal base64 data at input byte/);
  assertFails("base64.decode", ["a$=="], "base64.decode: illegal base64 data at input byte 1");
  assert.equal(call("base64.is_valid", "aGVsbG8="), true);
  assert.equal(call("base64.is_valid", "aGVsbG8"), false);
  assert.equal(call("base64url.encode", "\u00fb\u00ff"), "w7vDvw==");
  assert.equal(call("base64url.encode_no_pad", "\u00fb\u00ff"), "w7vDvw");
  assert.equal(call("base64url.decode", "w7vDvw"), "\u00fb\u00ff");
  assert.equal(call("base64url.decode", "w7vDvw=="), "\u00fb\u00ff");
  assertFails("base64url.decode", ["abcde"], "base64url.decode: illegal base64url string: abcde");
});

Deno.test("hex", () => {
  assert.equal(call("hex.encode", "hi!"), "686921");
  assert.equal(call("hex.decode", "686921"), "hi!");
  assertFails("hex.decode", ["6g"], "hex.decode: encoding/hex: invalid byte: U+0067 'g'");
  assertFails("hex.decode", ["686"], "hex.decode: encoding/hex: odd length hex string");
});

Deno.test("urlquery", () => {
  assert.equal(call("urlquery.encode", "a b&c=d/é~"), "a+b%26c%3Dd%2F%C3%A9~");
  assert.equal(call("urlquery.decode", "a+b%26c%3Dd%2F%C3%A9~"), "a b&c=d/é~");
  assertFails("urlquery.decode", ["%zz"], 'urlquery.decode: invalid URL escape "%zz"');
  assert.equal(call("urlquery.encode_object", { b: "x y", a: ["1", "2"] }), "a=1&a=2&b=x+y");
  assertFails(
    "urlquery.encode_object",
    [{ a: 1 }],
    /values must be string, array\[string\], or set\[string\]/,
  );
  assert.deepEqual(call("urlquery.decode_object", "a=1&b=x+y&a=2&c"), { a: ["1", "2"], b: ["x y"], c: [""] });
  assertFails(
    "urlquery.decode_object",
    ["a=1;b=2"],
    "urlquery.decode_object: invalid semicolon separator in query",
  );
});
