import assert from "node:assert/strict";
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JWK,
  jwtVerify,
} from "jose";
import { ClaimsSigner } from "./signer.ts";
import { parseSigningKeys, signingKeysFromEnv } from "./signing_keys.ts";

const T0 = Date.parse("2025-06-01T00:00:00Z");

function clock() {
  let t = T0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

async function privateJwk(alg: "EdDSA" | "ES256" | "RS256", kid: string) {
  const pair = await generateKeyPair(alg, {
    extractable: true,
    crv: alg === "EdDSA" ? "Ed25519" : undefined,
  });
  return { kid, privateJwk: (await exportJWK(pair.privateKey)) as JsonWebKey };
}

for (const alg of ["EdDSA", "ES256", "RS256"] as const) {
  Deno.test(`signer (${alg}): tokens verify against the signer's own JWKS`, async () => {
    const c = clock();
    const signer = await ClaimsSigner.create({
      issuer: "https://gateway.example",
      alg,
      keys: [await privateJwk(alg, `k-${alg}`)],
      now: c.now,
    });
    const { token, jti, exp } = await signer.sign(
      {
        org: "acme",
        identity_type: "human",
        permissions: ["read"],
        key_id: "key_1",
        bundle_revision: "r1",
        sub: "evil",
      },
      { subject: "alice", audience: "https://upstream.example" },
    );
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(signer.jwks() as never), {
      issuer: "https://gateway.example",
      audience: "https://upstream.example",
      currentDate: new Date(c.now()),
    });
    assert.equal(protectedHeader.alg, alg);
    assert.equal(protectedHeader.kid, `k-${alg}`);
    assert.equal(payload.sub, "alice", "the payload cannot override sub");
    assert.equal(payload.iat, T0 / 1000);
    assert.equal(payload.exp, T0 / 1000 + 60);
    assert.equal(payload.exp, exp);
    assert.equal(payload.jti, jti);
    assert.equal(payload.org, "acme");
    assert.deepEqual(payload.permissions, ["read"]);
    assert.equal(payload.bundle_revision, "r1");
  });
}

Deno.test("signer: the JWKS holds public keys only, with kid, alg and use", async () => {
  const signer = await ClaimsSigner.create({
    issuer: "gw",
    keys: [await privateJwk("EdDSA", "a"), await privateJwk("ES256", "b"), await privateJwk("RS256", "c")],
  });
  const keys = signer.jwks().keys as JWK[];
  assert.deepEqual(keys.map((k) => [k.kid, k.alg, k.use]), [
    ["a", "EdDSA", "sig"],
    ["b", "ES256", "sig"],
    ["c", "RS256", "sig"],
  ]);
  for (const k of keys) {
    for (const member of ["d", "p", "q", "dp", "dq", "qi"]) {
      assert.equal((k as Record<string, unknown>)[member], undefined);
    }
  }
});

Deno.test("signer: with several keys the first signs and tokens of an old key still verify", async () => {
  const oldKey = await privateJwk("EdDSA", "old");
  const newKey = await privateJwk("EdDSA", "new");
  const before = await ClaimsSigner.create({ issuer: "gw", keys: [oldKey] });
  const oldToken = (await before.sign({}, { subject: "s", audience: "u" })).token;
  const after = await ClaimsSigner.create({ issuer: "gw", keys: [newKey, oldKey] });
  const newToken = (await after.sign({}, { subject: "s", audience: "u" })).token;
  assert.equal(decodeProtectedHeader(newToken).kid, "new");
  const jwks = createLocalJWKSet(after.jwks() as never);
  await jwtVerify(oldToken, jwks, { issuer: "gw", audience: "u" });
  await jwtVerify(newToken, jwks, { issuer: "gw", audience: "u" });
});

Deno.test("signer: without keys an ephemeral EdDSA key is generated", async () => {
  const signer = await ClaimsSigner.create({ issuer: "gw" });
  assert.equal(signer.ephemeral, true);
  const [jwk] = signer.jwks().keys as JWK[];
  assert.equal(jwk.kty, "OKP");
  assert.equal(jwk.crv, "Ed25519");
  assert.match(jwk.kid!, /^ephemeral-/);
  const { token } = await signer.sign({}, { subject: "s", audience: "u" });
  await jwtVerify(token, createLocalJWKSet(signer.jwks() as never), { issuer: "gw", audience: "u" });
  const other = await ClaimsSigner.create({ issuer: "gw" });
  await assert.rejects(jwtVerify(token, createLocalJWKSet(other.jwks() as never)));
});

Deno.test("signer: tokens are reused while more than 20% of the lifetime remains", async () => {
  const c = clock();
  const signer = await ClaimsSigner.create({ issuer: "gw", ttlSeconds: 100, now: c.now });
  const who = { subject: "alice", audience: "https://api" };
  const first = await signer.sign({ org: "acme", scopes: ["a", "b"] }, who);
  const same = await signer.sign({ scopes: ["a", "b"], org: "acme" }, who); // key order does not matter
  assert.equal(same.token, first.token);
  c.advance(79_000); // 21 s left > 20 s
  assert.equal((await signer.sign({ org: "acme", scopes: ["a", "b"] }, who)).token, first.token);
  c.advance(1_000); // 20 s left: no longer reused
  const fresh = await signer.sign({ org: "acme", scopes: ["a", "b"] }, who);
  assert.notEqual(fresh.token, first.token);
  assert.notEqual(fresh.jti, first.jti);
  assert.equal(fresh.exp, (T0 + 80_000) / 1000 + 100);
});

Deno.test("signer: cached() answers from the cache only, under the key sign() uses", async () => {
  const c = clock();
  const signer = await ClaimsSigner.create({ issuer: "gw", ttlSeconds: 100, now: c.now });
  const who = { subject: "alice", audience: "https://api" };
  const key = signer.tokenKey({ org: "acme", n: 1 }, who);
  assert.equal(key, signer.tokenKey({ n: 1, org: "acme" }, who));
  assert.equal(signer.cached(key), undefined); // never signs
  const signed = await signer.sign({ org: "acme", n: 1 }, who);
  assert.deepEqual(signer.cached(key), signed);
  c.advance(80_000); // 20 s left: no longer handed out
  assert.equal(signer.cached(key), undefined);
});

Deno.test("signer: the cache separates subjects, audiences and claims", async () => {
  const signer = await ClaimsSigner.create({ issuer: "gw", now: clock().now });
  const base = await signer.sign({ org: "acme" }, { subject: "a", audience: "u" });
  const tokens = new Set([
    base.token,
    (await signer.sign({ org: "acme" }, { subject: "b", audience: "u" })).token,
    (await signer.sign({ org: "acme" }, { subject: "a", audience: "v" })).token,
    (await signer.sign({ org: "beta" }, { subject: "a", audience: "u" })).token,
    (await signer.sign({ org: "acme", extra: 1 }, { subject: "a", audience: "u" })).token,
  ]);
  assert.equal(tokens.size, 5);
});

Deno.test("signer: concurrent signs of the same claims share one signature", async () => {
  const signer = await ClaimsSigner.create({ issuer: "gw", now: clock().now });
  const results = await Promise.all(
    Array.from({ length: 10 }, () => signer.sign({ x: 1 }, { subject: "a", audience: "u" })),
  );
  assert.equal(new Set(results.map((r) => r.token)).size, 1);
});

Deno.test("signer: the cache is bounded", async () => {
  const signer = await ClaimsSigner.create({ issuer: "gw", now: clock().now, cacheMaxEntries: 2 });
  const a1 = await signer.sign({}, { subject: "a", audience: "u" });
  await signer.sign({}, { subject: "b", audience: "u" });
  await signer.sign({}, { subject: "c", audience: "u" });
  const a2 = await signer.sign({}, { subject: "a", audience: "u" });
  assert.notEqual(a2.token, a1.token, "the oldest entry was evicted");
  const c2 = await signer.sign({}, { subject: "c", audience: "u" });
  assert.ok(c2.token);
});

Deno.test("signer: configuration errors are reported at creation", async () => {
  await assert.rejects(ClaimsSigner.create({ issuer: "" }), TypeError);
  await assert.rejects(ClaimsSigner.create({ issuer: "gw", ttlSeconds: 0 }), TypeError);
  const ec = await privateJwk("ES256", "ec");
  const mislabelled = { kid: "ec", privateJwk: { ...ec.privateJwk, alg: "EdDSA" } };
  await assert.rejects(ClaimsSigner.create({ issuer: "gw", keys: [mislabelled] }), /does not fit/);
  const hs = { kid: "hs", privateJwk: { kty: "oct", k: "c2VjcmV0" } as JsonWebKey };
  await assert.rejects(ClaimsSigner.create({ issuer: "gw", keys: [hs] }), /unsupported/);
  const { d: _d, ...publicOnly } = (await privateJwk("EdDSA", "pub")).privateJwk;
  await assert.rejects(
    ClaimsSigner.create({ issuer: "gw", keys: [{ kid: "pub", privateJwk: publicOnly }] }),
    /not a private key/,
  );
  const k = await privateJwk("EdDSA", "dup");
  await assert.rejects(ClaimsSigner.create({ issuer: "gw", keys: [k, k] }), /unique/);
});

Deno.test("signing keys load from GATEWAY_JWT_KEYS as a JWKS, with thumbprint kids when missing", async () => {
  const a = await privateJwk("ES256", "a");
  const { kid: _kid, ...b } = { ...(await privateJwk("ES256", "b")).privateJwk, kid: undefined };
  const json = JSON.stringify({ keys: [{ ...a.privateJwk, kid: "a", alg: "ES256" }, b] });
  const keys = await signingKeysFromEnv((name) => (name === "GATEWAY_JWT_KEYS" ? json : undefined))!;
  assert.equal(keys.length, 2);
  assert.equal(keys[0].kid, "a");
  assert.match(keys[1].kid, /^[A-Za-z0-9_-]{43}$/);
  const signer = await ClaimsSigner.create({ issuer: "gw", alg: "ES256", keys });
  assert.equal(signer.kid, "a");
  assert.equal(signingKeysFromEnv(() => undefined), undefined);
  await assert.rejects(parseSigningKeys("nope"), TypeError);
  await assert.rejects(parseSigningKeys('{"keys":[]}'), TypeError);
});
