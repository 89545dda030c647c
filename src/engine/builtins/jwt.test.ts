import assert from "node:assert/strict";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from "jose";
import { assertFails, call } from "./test_support.ts";

const secret = "super-secret";
const hsKey = new TextEncoder().encode(secret);

async function keyPair(alg: string) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { publicKey, privateKey, pem: await exportSPKI(publicKey), jwk: await exportJWK(publicKey) };
}

Deno.test("io.jwt.decode returns header, payload and hex signature", async () => {
  const token = await new SignJWT({ sub: "alice", n: 1 }).setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(hsKey);
  const [header, payload, sig] = call("io.jwt.decode", token) as [unknown, unknown, string];
  assert.deepEqual(header, { alg: "HS256", typ: "JWT" });
  assert.deepEqual(payload, { sub: "alice", n: 1 });
  assert.match(sig, /^[0-9a-f]{64}$/);
  assertFails("io.jwt.decode", ["a.b"], "io.jwt.decode: encoded JWT must have 3 sections, found 2");
  assertFails("io.jwt.decode", ["e30.bm90IGpzb24.c2ln"], "io.jwt.decode: JWT payload is not valid JSON");
});

Deno.test("io.jwt.verify_* against tokens signed by jose", async () => {
  const hs = await new SignJWT({ a: 1 }).setProtectedHeader({ alg: "HS256" }).sign(hsKey);
  assert.equal(call("io.jwt.verify_hs256", hs, secret), true);
  assert.equal(call("io.jwt.verify_hs256", hs, "wrong"), false);
  assert.equal(call("io.jwt.verify_hs384", hs, secret), false);

  for (const alg of ["RS256", "PS384", "ES256", "ES384", "EdDSA"]) {
    const k = await keyPair(alg);
    const other = await keyPair(alg);
    const token = await new SignJWT({ a: 1 }).setProtectedHeader({ alg }).sign(k.privateKey);
    const verify = `io.jwt.verify_${alg.toLowerCase()}`;
    assert.equal(call(verify, token, k.pem), true, `${alg} PEM`);
    assert.equal(call(verify, token, JSON.stringify(k.jwk)), true, `${alg} JWK`);
    assert.equal(call(verify, token, JSON.stringify({ keys: [other.jwk, k.jwk] })), true, `${alg} JWKS`);
    assert.equal(call(verify, token, other.pem), false, `${alg} other key`);
    const tampered = token.slice(0, token.lastIndexOf(".") + 1) + "AAAA";
    assert.equal(call(verify, tampered, k.pem), false, `${alg} tampered`);
  }
  assertFails("io.jwt.verify_rs256", [hs, "not a key"], /^io\.jwt\.verify_rs256: failed to find a PEM block/);
});

Deno.test("io.jwt.decode_verify checks signature, alg, iss, aud, exp and nbf", async () => {
  const k = await keyPair("RS256");
  const now = 1_700_000_000;
  const token = await new SignJWT({ sub: "alice", iss: "issuer", aud: ["api", "web"] })
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .setNotBefore(now - 10)
    .setExpirationTime(now + 60)
    .sign(k.privateKey);
  const at = (seconds: number) => seconds * 1e9;
  const [ok] = call("io.jwt.decode_verify", token, { cert: k.pem, time: at(now) }) as unknown[];
  assert.equal(ok, false); // aud claim present but no aud constraint
  const good = { cert: k.pem, time: at(now), aud: "api", iss: "issuer", alg: "RS256" };
  const [, header, payload] = call("io.jwt.decode_verify", token, good) as unknown[];
  assert.deepEqual(call("io.jwt.decode_verify", token, good), [true, header, payload]);
  assert.deepEqual(header, { alg: "RS256", kid: "k1" });
  assert.equal((payload as { sub: string }).sub, "alice");
  const unverified = [false, {}, {}];
  assert.deepEqual(call("io.jwt.decode_verify", token, { ...good, time: at(now + 60) }), unverified); // expired
  assert.deepEqual(call("io.jwt.decode_verify", token, { ...good, time: at(now - 11) }), unverified); // not yet valid
  assert.deepEqual(call("io.jwt.decode_verify", token, { ...good, iss: "other" }), unverified);
  assert.deepEqual(call("io.jwt.decode_verify", token, { ...good, aud: "other" }), unverified);
  assert.deepEqual(call("io.jwt.decode_verify", token, { ...good, alg: "RS512" }), unverified);
  assert.deepEqual(
    call("io.jwt.decode_verify", token, { ...good, cert: (await keyPair("RS256")).pem }),
    unverified,
  );
  const jwks = JSON.stringify({ keys: [{ ...k.jwk, kid: "k1" }] });
  assert.equal((call("io.jwt.decode_verify", token, { ...good, cert: jwks }) as unknown[])[0], true);

  const hs = await new SignJWT({ x: 1 }).setProtectedHeader({ alg: "HS256" }).sign(hsKey);
  assert.equal((call("io.jwt.decode_verify", hs, { secret }) as unknown[])[0], true);
  assert.equal((call("io.jwt.decode_verify", hs, { secret: "nope" }) as unknown[])[0], false);
  assertFails(
    "io.jwt.decode_verify",
    [hs, { secret, cert: k.pem }],
    "io.jwt.decode_verify: duplicate key constraints",
  );
  assertFails("io.jwt.decode_verify", [hs, {}], "io.jwt.decode_verify: no key constraint");
  assertFails(
    "io.jwt.decode_verify",
    [hs, { secret, foo: 1 }],
    "io.jwt.decode_verify: unknown token validation constraint: foo",
  );
});

Deno.test("io.jwt.encode_sign produces tokens that verify", async () => {
  const hsJwk = { kty: "oct", k: btoa(secret).replace(/=+$/, "").replaceAll("+", "-").replaceAll("/", "_") };
  const hs = call("io.jwt.encode_sign", { alg: "HS256", typ: "JWT" }, { sub: "x" }, hsJwk) as string;
  assert.equal(call("io.jwt.verify_hs256", hs, secret), true);
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const es = call(
    "io.jwt.encode_sign",
    { alg: "ES256" },
    { sub: "x" },
    await exportJWK(privateKey),
  ) as string;
  assert.equal(call("io.jwt.verify_es256", es, await exportSPKI(publicKey)), true);
  const raw = call("io.jwt.encode_sign_raw", '{"alg":"HS256"}', '{"a":1}', JSON.stringify(hsJwk)) as string;
  assert.deepEqual((call("io.jwt.decode", raw) as unknown[])[1], { a: 1 });
  assertFails(
    "io.jwt.encode_sign",
    [{ alg: "none" }, {}, hsJwk],
    "io.jwt.encode_sign: unknown signature algorithm: none",
  );
});
