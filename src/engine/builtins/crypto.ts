/**
 * Digest and HMAC built-ins (hex output over the UTF-8 bytes of the string operands), computed
 * synchronously with node:crypto because host built-ins cannot await. Not implemented:
 * crypto.x509.*, crypto.parse_private_keys (OPA returns Go's certificate structures).
 */
import { Buffer } from "node:buffer";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { HostBuiltin } from "./host_builtin.ts";
import { str } from "./operands.ts";

const digest = (name: string, algorithm: string): HostBuiltin => (x) =>
  createHash(algorithm).update(str(name, x, 1), "utf8").digest("hex");

const hmac = (name: string, algorithm: string): HostBuiltin => (x, key) =>
  createHmac(algorithm, Buffer.from(str(name, key, 2), "utf8")).update(str(name, x, 1), "utf8").digest("hex");

export const CRYPTO_BUILTINS: Record<string, HostBuiltin> = {
  "crypto.md5": digest("crypto.md5", "md5"),
  "crypto.sha1": digest("crypto.sha1", "sha1"),
  "crypto.sha256": digest("crypto.sha256", "sha256"),
  "crypto.hmac.md5": hmac("crypto.hmac.md5", "md5"),
  "crypto.hmac.sha1": hmac("crypto.hmac.sha1", "sha1"),
  "crypto.hmac.sha256": hmac("crypto.hmac.sha256", "sha256"),
  "crypto.hmac.sha512": hmac("crypto.hmac.sha512", "sha512"),
  "crypto.hmac.equal": (a, b) => {
    const x = Buffer.from(str("crypto.hmac.equal", a, 1), "utf8");
    const y = Buffer.from(str("crypto.hmac.equal", b, 2), "utf8");
    return x.length === y.length && timingSafeEqual(x, y);
  },
};
