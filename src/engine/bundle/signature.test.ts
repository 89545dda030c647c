import { generateKeyPairSync } from "node:crypto";
import assert from "node:assert/strict";
import { exportPKCS8, exportSPKI, generateKeyPair } from "jose";
import { EngineError } from "../types.ts";
import { readBundle } from "./read.ts";
import type { KeyConfig, SigningAlgorithm } from "./signature.ts";
import { writeBundle } from "./write.ts";
import { packBundleArchive, unpackBundleArchive } from "./archive.ts";

const enc = new TextEncoder();
const files = () =>
  new Map([
    [".manifest", enc.encode('{"revision":"r1"}')],
    ["data.json", enc.encode('{"b":1,"a":2}')],
    ["p.rego", enc.encode("package p\n")],
  ]);

function invalid(pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof EngineError, `expected EngineError, got ${e}`);
    assert.equal(e.code, "bundle_signature_invalid");
    assert.match(e.message, pattern);
    return true;
  };
}

async function pemPair(alg: SigningAlgorithm): Promise<{ sign: KeyConfig; verify: KeyConfig }> {
  if (alg === "HS256") return { sign: { alg, key: "s3cret" }, verify: { alg, key: "s3cret" } };
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return {
    sign: { alg, key: await exportPKCS8(privateKey) },
    verify: { alg, key: await exportSPKI(publicKey) },
  };
}

for (const alg of ["HS256", "RS256", "ES256", "EdDSA"] as const) {
  Deno.test(`signature ${alg}: a signed bundle verifies`, async () => {
    const { sign, verify } = await pemPair(alg);
    const bundle = await readBundle(await writeBundle(files(), { signing: sign }), { verification: verify });
    assert.equal(bundle.manifest.revision, "r1");
    assert.equal(bundle.files.has(".signatures.json"), false);
  });
}

Deno.test("signature: the wrong key is rejected", async () => {
  const a = await pemPair("ES256");
  const b = await pemPair("ES256");
  await assert.rejects(
    readBundle(await writeBundle(files(), { signing: a.sign }), { verification: b.verify }),
    invalid(/does not verify/),
  );
  await assert.rejects(
    readBundle(await writeBundle(files(), { signing: { alg: "HS256", key: "one" } }), {
      verification: { alg: "HS256", key: "two" },
    }),
    invalid(/does not verify/),
  );
});

Deno.test("signature: an unsigned bundle is rejected when a key is configured", async () => {
  await assert.rejects(
    readBundle(await writeBundle(files()), { verification: { alg: "HS256", key: "k" } }),
    invalid(/not signed/),
  );
});

Deno.test("signature: a changed, added or removed file is rejected", async () => {
  const key: KeyConfig = { alg: "HS256", key: "k" };
  const signed = await unpackBundleArchive(await writeBundle(files(), { signing: key }));
  const tamper = async (edit: (m: Map<string, Uint8Array>) => void, pattern: RegExp) => {
    const copy = new Map(signed);
    edit(copy);
    await assert.rejects(readBundle(await packBundleArchive(copy), { verification: key }), invalid(pattern));
  };
  await tamper((m) => m.set("p.rego", enc.encode("package evil\n")), /p\.rego does not match/);
  await tamper((m) => m.set("extra.rego", enc.encode("package x\n")), /extra\.rego is in the bundle but not/);
  await tamper((m) => m.delete("p.rego"), /missing from the bundle: p\.rego/);
  await tamper((m) => m.set(".signatures.json", enc.encode("{}")), /must be/);
});

Deno.test("signature: JSON files are hashed canonically, so reformatting keeps the signature valid", async () => {
  const key: KeyConfig = { alg: "HS256", key: "k" };
  const signed = await unpackBundleArchive(await writeBundle(files(), { signing: key }));
  signed.set("data.json", enc.encode('{ "a": 2,\n  "b": 1 }'));
  const bundle = await readBundle(await packBundleArchive(signed), { verification: key });
  assert.deepEqual(bundle.data, { a: 2, b: 1 });
});

Deno.test("signature: scope must match when configured", async () => {
  const archive = await writeBundle(files(), { signing: { alg: "HS256", key: "k", scope: "write" } });
  await readBundle(archive, { verification: { alg: "HS256", key: "k", scope: "write" } });
  await assert.rejects(
    readBundle(archive, { verification: { alg: "HS256", key: "k", scope: "read" } }),
    invalid(/scope/),
  );
});

Deno.test("signature: a SEC1 or PKCS#1 private key says how to convert it to PKCS#8", async () => {
  const sec1 = generateKeyPairSync("ec", {
    namedCurve: "P-256",
    privateKeyEncoding: { type: "sec1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  await assert.rejects(
    writeBundle(files(), { signing: { alg: "ES256", key: sec1.privateKey } }),
    invalid(/EC PRIVATE KEY PEM: convert it to PKCS#8 with `openssl pkcs8 -topk8/),
  );
  const pkcs1 = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  await assert.rejects(
    writeBundle(files(), { signing: { alg: "RS256", key: pkcs1.privateKey } }),
    invalid(/RSA PRIVATE KEY PEM: convert it to PKCS#8/),
  );
});

Deno.test("signature: a malformed PEM key is reported as such", async () => {
  await assert.rejects(
    readBundle(await writeBundle(files(), { signing: { alg: "HS256", key: "k" } }), {
      verification: { alg: "RS256", key: "not a pem" },
    }),
    invalid(/not a usable PEM key/),
  );
});
