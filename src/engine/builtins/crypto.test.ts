import assert from "node:assert/strict";
import { assertFails, call } from "./test_support.ts";

Deno.test("digests are hex over UTF-8", () => {
  assert.equal(call("crypto.md5", "hello"), "5d41402abc4b2a76b9719d911017c592");
  assert.equal(call("crypto.sha1", "hello"), "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
  assert.equal(
    call("crypto.sha256", "hello"),
    "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
  );
  assertFails("crypto.sha256", [1], "crypto.sha256: operand 1 must be string but got number");
});

Deno.test("HMACs and constant-time comparison", () => {
  // RFC 4231 test case 2.
  assert.equal(
    call("crypto.hmac.sha256", "what do ya want for nothing?", "Jefe"),
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  );
  assert.equal(
    call("crypto.hmac.md5", "what do ya want for nothing?", "Jefe"),
    "750c783e6ab0b503eaa86e310a5db738",
  );
  assert.equal(call("crypto.hmac.equal", "abc", "abc"), true);
  assert.equal(call("crypto.hmac.equal", "abc", "abd"), false);
  assert.equal(call("crypto.hmac.equal", "abc", "ab"), false);
});
