import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHmac } from "node:crypto";
import { constantTimeEqual, KeyHasher } from "./hash.ts";
import { KeyError } from "./errors.ts";

const SECRET = "0123456789abcdef0123456789abcdef";

/** HMAC-SHA-256 of `raw` under SECRET, in lower-case hex, as WebCrypto computes it. */
async function webCryptoHmac(raw: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(SECRET),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(raw)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("KeyHasher computes HMAC-SHA-256 as WebCrypto does", async () => {
  const raw = "gw_live_abcdefghijklmnopqrstuvwx_000000";
  const hex = await webCryptoHmac(raw);
  assert.equal(new KeyHasher(SECRET).hash(raw), hex);
  assert.equal(new KeyHasher(new TextEncoder().encode(SECRET)).hash(raw), hex);
});

Deno.test("KeyHasher matches createHmac for long secrets and unicode input", () => {
  for (const secret of [SECRET, "k".repeat(64), "long".repeat(40), new Uint8Array(100).fill(7)]) {
    for (const raw of ["gw_live_x", "", "ü€𝄞", "a".repeat(500)]) {
      const expected = createHmac("sha256", Buffer.from(secret)).update(raw, "utf8").digest("hex");
      const hasher = new KeyHasher(secret);
      assert.equal(hasher.hash(raw), expected);
      assert.equal(hasher.hash(raw), expected, "stable across calls");
    }
  }
});

Deno.test("the hash depends on the secret and never contains the key", () => {
  const raw = "gw_live_abcdefghijklmnopqrstuvwx_000000";
  const a = new KeyHasher(SECRET).hash(raw);
  const b = new KeyHasher(SECRET.replace("0", "1")).hash(raw);
  assert.notEqual(a, b);
  assert.match(a, /^[0-9a-f]{64}$/);
});

Deno.test("secrets shorter than 32 bytes are refused", () => {
  assert.throws(
    () => new KeyHasher("short"),
    (e: unknown) => e instanceof KeyError && e.code === "key_secret_invalid",
  );
});

Deno.test("constantTimeEqual compares contents and lengths", () => {
  assert.equal(constantTimeEqual("abc", "abc"), true);
  assert.equal(constantTimeEqual("abc", "abd"), false);
  assert.equal(constantTimeEqual("abc", "abcd"), false);
  assert.equal(constantTimeEqual("", ""), true);
  assert.equal(constantTimeEqual("é", "e"), false);
  assert.equal(constantTimeEqual("tökén", "tökén"), true);
});

Deno.test("KeyHasher: one hasher, many keys in a row: each as WebCrypto computes it", async () => {
  const hasher = new KeyHasher(SECRET);
  for (const raw of ["gw_test_a", "", "gw_live_" + "x".repeat(56), "ü€😀", "€".repeat(85), "gw_test_a"]) {
    assert.equal(hasher.hash(raw), await webCryptoHmac(raw), raw);
  }
});
