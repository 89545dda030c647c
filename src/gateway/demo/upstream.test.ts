import assert from "node:assert/strict";
import { ClaimsSigner } from "../jwt/signer.ts";
import { startDemoUpstream } from "./upstream.ts";

Deno.test("the demo upstream echoes verified claims and refuses a bad token", async () => {
  const signer = await ClaimsSigner.create({ issuer: "gw-test" });
  const demo = startDemoUpstream({ jwks: () => signer.jwks(), issuer: "gw-test" });
  try {
    const { token } = await signer.sign({ org: "acme" }, { subject: "alice", audience: demo.url });
    const ok = await fetch(`${demo.url}/hello`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);
    const body = await ok.json();
    assert.equal(body.verified_claims.sub, "alice");
    assert.equal(body.verified_claims.org, "acme");
    assert.equal(body.path, "/hello");
    assert.equal(body.token, token, "the token received is shown, to verify it elsewhere");
    const bad = await fetch(`${demo.url}/hello`, { headers: { authorization: "Bearer nope" } });
    assert.equal(bad.status, 401);
    await bad.body?.cancel();
  } finally {
    await demo.shutdown();
  }
});
