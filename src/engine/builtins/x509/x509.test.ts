import assert from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { X509_BUILTINS } from "./builtins.ts";
import { setVerificationClock } from "./verify.ts";
import { BuiltinError } from "../errors.ts";
import { regoBundle } from "../../testing/rego_bundle.ts";

const PKI = JSON.parse(await Deno.readTextFile(new URL("./testdata/pki_opa_v047.json", import.meta.url)));
const { certs, keys, csrs, extra } = PKI as Record<string, Record<string, string>>;

const call = (name: string, ...args: unknown[]) => X509_BUILTINS[name](...args);
/** What OPA's JSON API would print: big integers as numbers (parsed back as doubles here). */
const json = (v: unknown) => JSON.parse(JSON.stringify(v));
const fails = (name: string, args: unknown[], message: RegExp) =>
  assert.throws(
    () => call(name, ...args),
    (e: unknown) => e instanceof BuiltinError && message.test(e.message),
  );

/** Fields of x509.Certificate newer than the Go release OPA v0.47 was built with, and OPA's own URIStrings. */
const NEWER = new Set([
  "URIStrings",
  "Policies",
  "PolicyMappings",
  ...["InhibitAnyPolicy", "InhibitPolicyMapping", "RequireExplicitPolicy"].flatMap((f) => [f, f + "Zero"]),
]);
function withoutNewer(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNewer);
  if (v === null || typeof v !== "object") return v;
  return Object.fromEntries(
    Object.entries(v).filter(([k]) => !NEWER.has(k)).map(([k, x]) => [k, withoutNewer(x)]),
  );
}
/** The oracle prints big integers as doubles, and those past 1e308 as null. */
function sameAsOracle(ours: unknown, opa: unknown, path: string, diffs: string[]): void {
  if (typeof ours === "number" && (opa === null || typeof opa === "number")) {
    if (opa === null ? Number.isFinite(ours) : Math.abs(ours / opa - 1) > 1e-12 && ours !== opa) {
      diffs.push(`${path}: ${ours} vs ${opa}`);
    }
    return;
  }
  if (Array.isArray(ours) && Array.isArray(opa) && ours.length === opa.length) {
    ours.forEach((x, i) => sameAsOracle(x, opa[i], `${path}[${i}]`, diffs));
    return;
  }
  if (ours && opa && typeof ours === "object" && typeof opa === "object" && !Array.isArray(ours)) {
    const o = ours as Record<string, unknown>, p = opa as Record<string, unknown>;
    for (const k of new Set([...Object.keys(o), ...Object.keys(p)])) {
      sameAsOracle(o[k], p[k], `${path}.${k}`, diffs);
    }
    return;
  }
  if (JSON.stringify(ours) !== JSON.stringify(opa)) {
    diffs.push(`${path}: ${JSON.stringify(ours)} vs ${JSON.stringify(opa)}`);
  }
}

// The certificates are valid from their issue time for at least two years.
const leafNotBefore = Date.parse(json(call("crypto.x509.parse_certificates", certs.leaf))[0].NotBefore);
const during = () => BigInt(leafNotBefore + 3_600_000) * 1_000_000n;

Deno.test("x509: what OPA v0.47 answers, field by field (certificates, chains, keys, requests)", () => {
  setVerificationClock(during);
  try {
    const diffs: string[] = [];
    for (const [name, c] of Object.entries(PKI.cases) as [string, { builtin: string; args: string[] }][]) {
      const want = PKI.answers[name];
      // OPA v0.47 did not read "EC PRIVATE KEY" blocks; today's OPA does (blockTypeEcPrivateKey).
      if (name === "rsakey/int.key" || name === "rsakey/bad.key") {
        assert.deepEqual(want, { undefined: true });
        assert.deepEqual(call(c.builtin, ...c.args), { kty: "EC" });
        continue;
      }
      let got: unknown;
      try {
        got = { result: withoutNewer(json(call(c.builtin, ...c.args))) };
      } catch (e) {
        assert.ok(e instanceof BuiltinError, `${name}: ${e}`);
        got = { undefined: true };
      }
      sameAsOracle(got, want, name, diffs);
    }
    assert.deepEqual(diffs, []);
    assert.ok(Object.keys(PKI.cases).length >= 30);
  } finally {
    setVerificationClock();
  }
});

Deno.test("x509: big integers are exact; today's Go fields and OPA's URIStrings are there", () => {
  const [int] = call("crypto.x509.parse_certificates", certs.int) as Record<string, unknown>[];
  assert.equal(
    JSON.stringify(int.SerialNumber),
    BigInt("0x1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b").toString(),
  );
  assert.deepEqual(int.Policies, ["2.23.140.1.2.1", "1.3.6.1.4.1.44947.1.1.1"]);
  assert.deepEqual(json(int).PolicyIdentifiers, [[2, 23, 140, 1, 2, 1], [1, 3, 6, 1, 4, 1, 44947, 1, 1, 1]]);
  assert.deepEqual(json(int).PermittedIPRanges, [
    { IP: "10.0.0.0", Mask: "/wAAAA==" },
    { IP: "fd00::", Mask: "//8AAAAAAAAAAAAAAAAAAA==" },
  ]);
  for (const f of ["InhibitAnyPolicy", "InhibitPolicyMapping", "RequireExplicitPolicy"]) {
    assert.equal(int[f], 0);
    assert.equal(int[f + "Zero"], false);
  }
  assert.equal(int.PolicyMappings, null);
  const [leaf] = json(call("crypto.x509.parse_certificates", certs.leaf));
  assert.deepEqual(leaf.URIStrings, ["spiffe://example.com/ns/prod/sa/api"]);
  assert.deepEqual(leaf.IPAddresses, ["10.1.2.3", "fd00::1:2"]);
  assert.equal(json(call("crypto.x509.parse_certificates", certs.root))[0].URIStrings, null);
  // RSA modulus: exact digits, as Go's big.Int marshals.
  const [pss] = call("crypto.x509.parse_certificates", certs.pss) as { PublicKey: { N: unknown } }[];
  assert.match(JSON.stringify(pss.PublicKey.N), /^\d{600,}$/);
});

Deno.test("x509: input forms (PEM, base64 of PEM, base64 of DER) and errors", () => {
  const pem = certs.root + certs.int;
  const fromPem = json(call("crypto.x509.parse_certificates", pem));
  assert.equal(fromPem.length, 2);
  assert.deepEqual(json(call("crypto.x509.parse_certificates", btoa(pem))), fromPem);
  assert.deepEqual(
    json(call("crypto.x509.parse_certificates", extra["leaf.der.b64"]))[0].Subject.CommonName,
    "svc.example.com",
  );
  fails(
    "crypto.x509.parse_certificates",
    [keys["root.key"]],
    /PEM block type is 'PRIVATE KEY', expected CERTIFICATE/,
  );
  fails("crypto.x509.parse_certificates", ["not base64!"], /illegal base64/);
  fails("crypto.x509.parse_certificates", [btoa("garbage")], /x509: malformed certificate/);
  assert.deepEqual(call("crypto.x509.parse_certificates", "-----BEGIN nothing"), []);
});

Deno.test("x509: verification as OPA's tests expect (order, missing intermediate, too few)", () => {
  setVerificationClock(during);
  try {
    const verify = (pem: string) =>
      call("crypto.x509.parse_and_verify_certificates", pem) as [boolean, unknown[]];
    const [ok, chain] = verify([certs.root, certs.int, certs.leaf].join("\n"));
    assert.equal(ok, true);
    // The verified chain, leaf first, with OPA's URIStrings.
    assert.deepEqual(json(chain).map((c: { Subject: { CommonName: string } }) => c.Subject.CommonName), [
      "svc.example.com",
      "Test Intermediate",
      "Test Root CA",
    ]);
    assert.deepEqual(json(chain)[0].URIStrings, ["spiffe://example.com/ns/prod/sa/api"]);
    assert.equal(verify(btoa([certs.root, certs.int, certs.leaf].join("\n")))[0], true);
    assert.deepEqual(verify([certs.leaf, certs.int, certs.root].join("\n")), [false, []]);
    assert.deepEqual(verify(certs.root + certs.leaf), [false, []]);
    assert.deepEqual(verify(certs.leaf), [false, []]);
    assert.deepEqual(verify("garbage"), [false, []]);
    // Name constraints: the intermediate excludes bad.example.com.
    assert.deepEqual(verify(certs.root + certs.int + certs.bad), [false, []]);
  } finally {
    setVerificationClock();
  }
});

Deno.test("x509: parse_and_verify_certificates_with_options (OPA's option cases)", () => {
  const chain = [certs.root, certs.int, certs.leaf].join("\n");
  const leafNotBeforeNs = BigInt(leafNotBefore) * 1_000_000n;
  const ok = (o: Record<string, unknown>) =>
    (call("crypto.x509.parse_and_verify_certificates_with_options", chain, o) as [boolean])[0];
  setVerificationClock(during);
  try {
    assert.equal(ok({ DNSName: "bad.dns.com" }), false);
    assert.equal(ok({ CurrentTime: Number(leafNotBeforeNs - 60_000_000_000n) }), false);
    assert.equal(ok({ CurrentTime: Number(BigInt(Date.parse("2030-01-01")) * 1_000_000n) }), false);
    assert.equal(ok({ CurrentTime: Number(leafNotBeforeNs) }), true);
    assert.equal(ok({ DNSName: "svc.example.com" }), true);
    assert.equal(ok({ DNSName: "x.svc.example.com" }), true); // *.svc.example.com
    assert.equal(ok({ DNSName: "a.b.svc.example.com" }), false);
    assert.equal(ok({ DNSName: "10.1.2.3" }), true);
    assert.equal(ok({ DNSName: "[fd00::1:2]" }), true);
    assert.equal(
      ok({ KeyUsages: ["KeyUsageServerAuth", "KeyUsageClientAuth", "KeyUsageCodeSigning"] }),
      true,
    );
    assert.equal(ok({ KeyUsages: ["KeyUsageCodeSigning"] }), false);
    assert.equal(ok({ KeyUsages: ["KeyUsageAny"] }), true);
    assert.equal(
      ok({
        DNSName: "svc.example.com",
        CurrentTime: Number(leafNotBeforeNs),
        KeyUsages: ["KeyUsageServerAuth"],
      }),
      true,
    );
    // A client certificate: server authentication (the default) does not cover it.
    const client = (o: Record<string, unknown>) =>
      (call("crypto.x509.parse_and_verify_certificates_with_options", certs.root + certs.pss, o) as [
        boolean,
      ])[0];
    assert.equal(client({}), false);
    assert.equal(client({ KeyUsages: ["KeyUsageClientAuth"] }), true); // RSA-PSS signature
    // No URIStrings in this built-in's answer (OPA marshals the plain x509.Certificate).
    const [, verified] = json(call("crypto.x509.parse_and_verify_certificates_with_options", chain, {}));
    assert.equal("URIStrings" in verified[0], false);
  } finally {
    setVerificationClock();
  }
  const name = "crypto.x509.parse_and_verify_certificates_with_options";
  fails(name, [chain, { Foo: 1 }], /invalid key option/);
  fails(name, [chain, { DNSName: 1 }], /'DNSName' should be a string/);
  fails(name, [chain, { CurrentTime: "x" }], /'CurrentTime' should be a number/);
  fails(name, [chain, { CurrentTime: 1.5 }], /'CurrentTime' should be a valid int64 number/);
  fails(name, [chain, { KeyUsages: "x" }], /'KeyUsages' should be an Array or Set/);
  fails(
    name,
    [chain, { KeyUsages: ["KeyUsageServerAuth", "Nope", "Other"] }],
    /invalid entries for 'KeyUsages' found: \[Nope Other\]/,
  );
  // Options are read only for certificates that parse.
  assert.deepEqual(call(name, "garbage", { Foo: 1 }), [false, []]);
});

Deno.test("x509: SHA-1 signatures, unknown critical extensions and v1 roots as Go treats them", () => {
  setVerificationClock(during);
  try {
    const verify = (pem: string) => (call("crypto.x509.parse_and_verify_certificates", pem) as [boolean])[0];
    assert.equal(verify(certs.root + certs.sha1), false);
    assert.equal(verify(certs.root + certs.crit), false);
    assert.equal(verify(certs.v1 + certs.v1), true); // the leaf is the root
    assert.deepEqual(
      json(call("crypto.x509.parse_certificates", certs.crit))[0].UnhandledCriticalExtensions,
      [[
        1,
        2,
        3,
        4,
        5,
        6,
      ]],
    );
  } finally {
    setVerificationClock();
  }
});

Deno.test("crypto.parse_private_keys: every PEM key type, base64, mixed and broken input", () => {
  const parse = (s: string) => json(call("crypto.parse_private_keys", s)) as unknown[];
  assert.equal(call("crypto.parse_private_keys", ""), null);
  assert.deepEqual(parse("nothing to see here"), []);
  assert.deepEqual(parse(certs.root + certs.int), []);
  const [rsa] = parse(keys["root.key"]) as Record<string, unknown>[];
  assert.deepEqual(Object.keys(rsa).sort(), ["D", "E", "N", "Precomputed", "Primes"]);
  assert.deepEqual(Object.keys(rsa.Precomputed as object).sort(), ["CRTValues", "Dp", "Dq", "Qinv"]);
  assert.deepEqual((rsa.Precomputed as { CRTValues: unknown }).CRTValues, []);
  assert.equal((rsa.Primes as unknown[]).length, 2);
  assert.deepEqual(parse(keys["pss.rsa"]), parse(keys["pss.key"])); // PKCS #1 and PKCS #8
  assert.deepEqual(parse(btoa(keys["pss.rsa"])), parse(keys["pss.rsa"]));
  const [ec] = parse(keys["int.key"]) as Record<string, unknown>[];
  assert.deepEqual(Object.keys(ec).sort(), ["Curve", "D", "X", "Y"]);
  assert.deepEqual(ec.Curve, {});
  assert.deepEqual(parse(keys["int.pk8"]), [ec]); // SEC 1 and PKCS #8: the same key
  // X and Y are the certificate's public key.
  const [intCert] = json(call("crypto.x509.parse_certificates", certs.int));
  assert.equal(ec.X, intCert.PublicKey.X);
  const [ed] = parse(keys["leaf.key"]);
  assert.equal(typeof ed, "string");
  const edBytes = Uint8Array.from(atob(ed as string), (c) => c.charCodeAt(0));
  assert.equal(edBytes.length, 64);
  const [leafCert] = json(call("crypto.x509.parse_certificates", certs.leaf));
  assert.equal(btoa(String.fromCharCode(...edBytes.subarray(32))), leafCert.PublicKey);
  // Text around and between blocks; certificates skipped; the order kept.
  const mixed = `junk\n${keys["leaf.key"]}more junk\n${certs.root}\n${keys["int.key"]}\n${keys["pss.rsa"]}`;
  assert.deepEqual(
    parse(mixed).map((k) => (typeof k === "string" ? "ed25519" : "Curve" in (k as object) ? "ec" : "rsa")),
    [
      "ed25519",
      "ec",
      "rsa",
    ],
  );
  fails(
    "crypto.parse_private_keys",
    ["-----BEGIN PRIVATE KEY-----\n" + "x".repeat(64) + "\n-----END PRIVATE KEY-----\n"],
    /x509: failed to parse private key/,
  );
});

Deno.test("crypto.x509.parse_rsa_private_key: OPA's JWK of the first key", () => {
  const jwk = call("crypto.x509.parse_rsa_private_key", keys["pss.rsa"]) as Record<string, string>;
  assert.deepEqual(Object.keys(jwk).sort(), ["d", "dp", "dq", "e", "kty", "n", "p", "q", "qi"]);
  assert.equal(jwk.e, "AQAB");
  assert.deepEqual(call("crypto.x509.parse_rsa_private_key", btoa(keys["pss.rsa"])), jwk);
  assert.equal(call("crypto.x509.parse_rsa_private_key", certs.root), null);
  fails("crypto.x509.parse_rsa_private_key", [""], /input PEM data was empty/);
  fails("crypto.x509.parse_rsa_private_key", [keys["leaf.key"]], /invalid key type/);
});

Deno.test("crypto.x509.parse_keypair: PEM, base64 and DER inputs; keys that do not match", () => {
  const pair = (c: string, k: string) => json(call("crypto.x509.parse_keypair", c, k));
  const ec = pair(certs.int, keys["int.key"]);
  assert.deepEqual(Object.keys(ec).sort(), [
    "Certificate",
    "Leaf",
    "OCSPStaple",
    "PrivateKey",
    "SignedCertificateTimestamps",
    "SupportedSignatureAlgorithms",
  ]);
  assert.equal(ec.Leaf.Subject.CommonName, "Test Intermediate");
  assert.equal(ec.Certificate.length, 1);
  assert.deepEqual(ec.PrivateKey, json(call("crypto.parse_private_keys", keys["int.key"]))[0]);
  assert.equal(pair(certs.pss, keys["pss.key"]).Leaf.Subject.CommonName, "client-a");
  assert.deepEqual(pair(btoa(certs.pss), btoa(keys["pss.key"])), pair(certs.pss, keys["pss.key"]));
  assert.equal(pair(extra["leaf.der.b64"], keys["leaf.key"]).Leaf.Subject.CommonName, "svc.example.com");
  assert.equal(pair(certs.pss, extra["pss.pk8.der.b64"]).Leaf.Subject.CommonName, "client-a");
  fails("crypto.x509.parse_keypair", [certs.pss, keys["int.key"]], /tls: private key type does not match/);
  fails(
    "crypto.x509.parse_keypair",
    [certs.pss, keys["root.key"]],
    /tls: private key does not match public key/,
  );
  fails("crypto.x509.parse_keypair", [keys["int.key"], keys["int.key"]], /PEM inputs may have been switched/);
});

Deno.test("crypto.x509.parse_certificate_request: requested names and extensions", () => {
  const csr = json(call("crypto.x509.parse_certificate_request", csrs.leaf));
  assert.deepEqual(csr.DNSNames, ["svc.example.com", "*.svc.example.com"]);
  assert.deepEqual(csr.URIs.map((u: { Host: string }) => u.Host), ["example.com"]);
  assert.deepEqual(json(call("crypto.x509.parse_certificate_request", btoa(csrs.leaf))), csr);
  fails(
    "crypto.x509.parse_certificate_request",
    [btoa(certs.root)],
    /invalid PEM-encoded certificate signing request/,
  );
});

Deno.test("x509 built-ins in a policy: exact serial numbers and verified names reach the decision", async () => {
  const bundle = await regoBundle(`package gateway
import rego.v1
cert := crypto.x509.parse_certificates(input.pem)[0]
decision := {
  "serial": cert.SerialNumber,
  "serial_ok": cert.SerialNumber == 149397945149381065022269473838522524917444876811,
  "cn": cert.Subject.CommonName,
  "policies": cert.Policies,
}`);
  const [r] = bundle.instance.policy!.evaluate({ pem: certs.int }, "gateway/decision") as {
    result: Record<string, unknown>;
  }[];
  assert.equal(r.result.cn, "Test Intermediate");
  assert.equal(r.result.serial_ok, true);
  assert.deepEqual(r.result.policies, ["2.23.140.1.2.1", "1.3.6.1.4.1.44947.1.1.1"]);
});

Deno.test("property: mangled certificates, keys and requests are errors or answers, never crashes", () => {
  const der = (pem: string) =>
    Uint8Array.from(atob(pem.replace(/-----[^-]+-----|\s/g, "")), (c) => c.charCodeAt(0));
  const inputs = [der(certs.leaf), der(certs.int), der(keys["pss.key"]), der(csrs.leaf)];
  const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
  fc.assert(
    fc.property(
      fc.nat(inputs.length - 1),
      fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }),
      fc.nat(),
      (which, edits, cut) => {
        const bytes = inputs[which].slice();
        for (const [at, v] of edits) bytes[at % bytes.length] = v;
        const mangled = b64(bytes.subarray(0, bytes.length - (cut % 3 === 0 ? cut % 40 : 0)));
        const key = `-----BEGIN PRIVATE KEY-----\n${mangled}\n-----END PRIVATE KEY-----\n`;
        for (
          const [name, args] of [
            ["crypto.x509.parse_certificates", [mangled]],
            ["crypto.x509.parse_and_verify_certificates", [b64(inputs[1]) + mangled]],
            ["crypto.x509.parse_certificate_request", [mangled]],
            ["crypto.parse_private_keys", [key]],
            ["crypto.x509.parse_keypair", [certs.pss, key]],
          ] as [string, unknown[]][]
        ) {
          try {
            call(name, ...args);
          } catch (e) {
            if (!(e instanceof BuiltinError)) throw new Error(`${name}: ${e}`);
          }
        }
      },
    ),
    { numRuns: 300 },
  );
});
