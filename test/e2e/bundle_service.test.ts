/**
 * End to end, OPA's bundle service protocol (issue 11 part 3): the gateway long-polls a bundle
 * server as OPA does (`Accept: application/vnd.openpolicyagent.bundles`, `Prefer: wait=N`,
 * `If-None-Match`; the server holds an unchanged bundle's request and answers 304 when its wait
 * ends), so a new bundle is in force within a second of its publication although the poll period
 * is 30 s; and every request is signed with AWS SigV4 from the environment's credentials (S3), the
 * signature checked by the server, the secret never in the gateway's output.
 */
import assert from "node:assert/strict";
import { compile, formatDiagnostic } from "../../src/rego/mod.ts";
import { emptyManifest } from "../../src/engine/bundle/manifest.ts";
import { assembleFiles, writeBundle } from "../../src/engine/bundle/write.ts";
import { AWS_BUILTINS } from "../../src/engine/builtins/aws_sign.ts";
import { withGateway } from "./harness.ts";

const ALLOW = `package gateway\n\ndecision := {"allow": true, "reason": "v1"}\n`;
const DENY = `package gateway\n\ndecision := {"allow": false, "reason": "v2"}\n`;
const MEDIA = "application/vnd.openpolicyagent.bundles";
const AWS = {
  AWS_ACCESS_KEY_ID: "AKIDE2EEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "e2e-secret-wJalrXUtnFEMI-K7MDENG",
  AWS_SESSION_TOKEN: "e2e-session-token",
};

async function bundleOf(rego: string, revision: string): Promise<Uint8Array> {
  const sources = [{ path: "gateway.rego", text: rego }];
  const compiled = compile(sources, { entrypoints: ["gateway/decision"] });
  if (compiled.wasm === undefined) throw new Error(compiled.diagnostics.map(formatDiagnostic).join("\n"));
  const manifest = {
    ...emptyManifest(),
    revision,
    wasm: [{ entrypoint: "gateway/decision", module: "/policy.wasm" }],
    rego_version: 1 as const,
  };
  return await writeBundle(assembleFiles({ manifest, data: {}, wasm: compiled.wasm, sources }));
}

/** The signature the request should carry, recomputed from the headers it says it signed. */
function expectedAuthorization(req: Request): string | null {
  const auth = req.headers.get("authorization") ?? "";
  const signed = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(";") ?? [];
  const date = req.headers.get("x-amz-date");
  if (date === null) return null;
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(date)!;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  const headers: Record<string, string> = {};
  for (const name of signed) {
    if (name === "host" || name.startsWith("x-amz-")) continue;
    headers[name] = req.headers.get(name) ?? "";
  }
  const out = AWS_BUILTINS["providers.aws.sign_req"]({ method: req.method, url: req.url, headers }, {
    aws_access_key: AWS.AWS_ACCESS_KEY_ID,
    aws_secret_access_key: AWS.AWS_SECRET_ACCESS_KEY,
    aws_region: "us-east-1",
    aws_service: "s3",
    aws_session_token: AWS.AWS_SESSION_TOKEN,
  }, ms * 1_000_000) as { headers: Record<string, string> };
  return out.headers.Authorization;
}

Deno.test({
  name: "e2e: long polling brings a new bundle in at once; every request is SigV4-signed",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    let current = { etag: '"v1"', body: await bundleOf(ALLOW, "v1") };
    let published: () => void = () => {};
    let changed = new Promise<void>((r) => published = r);
    let closing: () => void = () => {};
    const closed = new Promise<string>((r) => closing = () => r("closed"));
    const seen: { prefer: string | null; accept: string | null; signed: boolean; status: number }[] = [];
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
      const signed = req.headers.get("authorization") === expectedAuthorization(req) &&
        req.headers.get("x-amz-security-token") === AWS.AWS_SESSION_TOKEN;
      const log = { prefer: req.headers.get("prefer"), accept: req.headers.get("accept"), signed, status: 0 };
      seen.push(log);
      if (!signed) return new Response("signature", { status: log.status = 403 });
      const wait = Number(/wait=(\d+)/.exec(log.prefer ?? "")?.[1] ?? 0);
      if (req.headers.get("if-none-match") === current.etag) {
        // Hold the request until the bundle changes or the wait ends.
        const ended = await Promise.race([
          changed.then(() => "changed"),
          closed,
          new Promise((r) => setTimeout(() => r("timeout"), wait * 1000)),
        ]);
        if (ended !== "changed") return new Response(null, { status: log.status = 304 });
      }
      log.status = 200;
      return new Response(current.body as Uint8Array<ArrayBuffer>, {
        headers: { "Content-Type": MEDIA, ETag: current.etag },
      });
    });
    try {
      const url = `http://127.0.0.1:${server.addr.port}/bundles/gateway.tar.gz`;
      await withGateway("gw-e2e-bundle-service-", (upstream) => ({
        policy: { bundle: url, pollSeconds: 30, longPollSeconds: 20, awsSigning: { region: "us-east-1" } },
        routes: [{ id: "orders", prefix: "/orders", upstream: upstream.url }],
      }), async ({ gw, keys }) => {
        const call = () =>
          fetch(`${gw.url}/orders/1`, { headers: { authorization: `Bearer ${keys.reader}` } });
        const first = await call();
        assert.equal(first.status, 200, await first.text());
        // The gateway is now holding a long poll; publish v2.
        await new Promise((r) => setTimeout(r, 500));
        current = { etag: '"v2"', body: await bundleOf(DENY, "v2") };
        const publishedAt = Date.now();
        published();
        changed = new Promise<void>((r) => published = r);
        let status = 200;
        while (status !== 403 && Date.now() - publishedAt < 10_000) {
          await new Promise((r) => setTimeout(r, 50));
          const r = await call();
          status = r.status;
          await r.body?.cancel();
        }
        const took = Date.now() - publishedAt;
        assert.equal(status, 403, "v2 in force");
        assert.ok(took < 5_000, `in force ${took} ms after publication (poll period 30 s)`);
        assert.ok(seen.length >= 2);
        for (const s of seen) {
          assert.ok(s.signed, "every request carries a valid SigV4 signature");
          assert.equal(s.prefer, "wait=20");
          assert.ok(s.accept?.startsWith(MEDIA));
        }
        const output = gw.proc.stdoutLines().join("\n") + gw.proc.stderr();
        assert.ok(!output.includes(AWS.AWS_SECRET_ACCESS_KEY) && !output.includes(AWS.AWS_SESSION_TOKEN));
      }, { env: { ...AWS, AWS_REGION: "eu-west-3" } });
    } finally {
      closing();
      await server.shutdown();
    }
  },
});
