/**
 * The first run, as the README tells a new user: `deno task -q start`, then the `curl` line it prints,
 * then the JWT the demo upstream shows, verified against the gateway's `/.well-known/jwks.json`
 * (the few lines of `jose` the README gives for an upstream). The key store is a temporary file.
 */
import assert from "node:assert/strict";
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from "jose";
import { freePort, spawn } from "./harness.ts";

const BANNER_TIMEOUT_MS = 120_000;

async function waitFor<T>(what: string, probe: () => T | undefined, log: () => string): Promise<T> {
  const deadline = Date.now() + BANNER_TIMEOUT_MS;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no ${what} in time; stderr:\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

Deno.test("first run: deno task start, the printed curl line, and the JWT the demo upstream shows verifies", async () => {
  const dir = await Deno.makeTempDir();
  const gateway = spawn(["task", "-q", "start"], {
    GATEWAY_KEYS_DB: `${dir}/keys.db`,
    GATEWAY_PORT: String(freePort()),
  });
  try {
    const curlLine = await waitFor(
      "curl line",
      () =>
        /^\s*(curl -s -H 'Authorization: Bearer gw_test_[^']+' http:\/\/[^\s]+\/hello)\s*$/m.exec(
          gateway.stderr(),
        )?.[1],
      gateway.stderr,
    );
    assert.match(
      gateway.stderr(),
      /^Policy: (policies|build\/bundle\.tar\.gz) \((watched: a saved change goes live once it compiles|loaded once)\)$/m,
    );
    // The line as printed, run by a shell, as the user would paste it.
    const out = await new Deno.Command("sh", { args: ["-c", curlLine], stdout: "piped", stderr: "piped" })
      .output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const body = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.equal(body.path, "/hello");
    assert.equal(typeof body.token, "string", "the demo upstream shows the token it received");

    const gatewayUrl = /http:\/\/[^\s/]+/.exec(curlLine)![0];
    const jwks = await (await fetch(`${gatewayUrl}/.well-known/jwks.json`)).json() as JSONWebKeySet;
    const { payload, protectedHeader } = await jwtVerify(body.token, createLocalJWKSet(jwks), {
      issuer: "policy-gateway",
    });
    assert.equal(payload.org, "demo");
    assert.equal(payload.sub, "demo-user");
    assert.deepEqual(payload, body.verified_claims);
    assert.equal(protectedHeader.kid, body.kid);
    // A token changed by one character does not verify.
    const at = body.token.length - 2; // a signature character carrying 6 whole bits
    const forged = body.token.slice(0, at) + (body.token[at] === "A" ? "B" : "A") + body.token.slice(at + 1);
    await assert.rejects(jwtVerify(forged, createLocalJWKSet(jwks), { issuer: "policy-gateway" }));
  } finally {
    // `deno task` runs the gateway as its child: stop that one too, or it keeps the pipes open.
    await new Deno.Command("pkill", { args: ["-KILL", "-P", String(gateway.child.pid)] }).output();
    await gateway.kill();
    await Deno.remove(dir, { recursive: true });
  }
});
