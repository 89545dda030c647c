/**
 * The built-in demo upstream for the first run: a tiny HTTP server on loopback that verifies the
 * gateway's JWT against the gateway's public keys and echoes back the token it received, its
 * verified claims and how to verify it yourself (the same few lines of `jose` an upstream needs:
 * README, "Verifying the gateway's JWT in an upstream").
 */
import { createLocalJWKSet, jwtVerify } from "jose";

export interface DemoUpstreamOptions {
  /** The gateway's current JWKS (read on every request, so key rotation is followed). */
  jwks: () => { keys: JsonWebKey[] };
  issuer: string;
  /** Header carrying the token and the prefix before it, as the gateway sends them. */
  header?: string;
  prefix?: string;
  hostname?: string;
  port?: number;
}

export interface DemoUpstream {
  url: string;
  shutdown(): Promise<void>;
}

export function startDemoUpstream(opts: DemoUpstreamOptions): DemoUpstream {
  const header = opts.header ?? "authorization";
  const prefix = opts.prefix ?? "Bearer ";
  const server = Deno.serve(
    { hostname: opts.hostname ?? "127.0.0.1", port: opts.port ?? 0, onListen() {} },
    async (req) => {
      const url = new URL(req.url);
      const raw = req.headers.get(header) ?? "";
      const token = raw.startsWith(prefix) ? raw.slice(prefix.length) : "";
      try {
        const keys = createLocalJWKSet(opts.jwks() as Parameters<typeof createLocalJWKSet>[0]);
        const { payload, protectedHeader } = await jwtVerify(token, keys, { issuer: opts.issuer });
        return Response.json({
          message: "Hello from the demo upstream: the gateway let you through.",
          method: req.method,
          path: url.pathname,
          request_id: req.headers.get("x-request-id"),
          verified_claims: payload,
          kid: protectedHeader.kid,
          alg: protectedHeader.alg,
          // The token as the gateway sent it: verify it against the gateway's published keys
          // (GET /.well-known/jwks.json on the gateway) with the issuer and audience above.
          token,
          verify: "jose.jwtVerify(token, createRemoteJWKSet(new URL('<gateway>/.well-known/jwks.json')), " +
            `{ issuer: "${opts.issuer}", audience: "<this upstream's URL>" })`,
        });
      } catch (e) {
        return Response.json({ error: "invalid gateway token", detail: (e as Error).message }, {
          status: 401,
        });
      }
    },
  );
  return { url: `http://127.0.0.1:${server.addr.port}`, shutdown: () => server.shutdown() };
}
