/**
 * Pins what Deno's fetch does with compressed answers, which headers.ts relies on: it decodes a
 * gzip or br body unless the request's Accept-Encoding is exactly `identity` (any case, trimmed),
 * yet keeps the upstream's Content-Encoding and Content-Length. If this test starts failing, Deno
 * changed, and the `accept-encoding: identity` the proxy sends may no longer be needed (or no
 * longer enough).
 */
import assert from "node:assert/strict";
import { brotliCompressSync, gzipSync } from "node:zlib";

const PLAIN = new TextEncoder().encode("hello ".repeat(500));
const ENCODED: Record<string, Uint8Array<ArrayBuffer>> = {
  gzip: new Uint8Array(gzipSync(PLAIN)),
  br: new Uint8Array(brotliCompressSync(PLAIN)),
};

async function withCompressingUpstream(fn: (url: string) => Promise<void>) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const encoding = new URL(req.url).pathname.slice(1);
    const body = ENCODED[encoding];
    return new Response(body, {
      headers: { "content-encoding": encoding, "content-length": String(body.length) },
    });
  });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

Deno.test("Deno's fetch decodes gzip and br unless Accept-Encoding is identity, and keeps the headers", async () => {
  await withCompressingUpstream(async (url) => {
    for (const encoding of ["gzip", "br"]) {
      for (const accept of [undefined, "gzip", "br", "*", "deflate", "gzip;q=0"]) {
        const res = await fetch(
          `${url}/${encoding}`,
          accept === undefined ? {} : { headers: { "accept-encoding": accept } },
        );
        const body = new Uint8Array(await res.arrayBuffer());
        assert.equal(body.length, PLAIN.length, `${encoding} with ${accept}: decoded`);
        assert.equal(res.headers.get("content-encoding"), encoding, "…yet the header stays");
        assert.equal(res.headers.get("content-length"), String(ENCODED[encoding].length), "…and the length");
      }
      for (const accept of ["identity", "IDENTITY", " identity "]) {
        const res = await fetch(`${url}/${encoding}`, { headers: { "accept-encoding": accept } });
        const body = new Uint8Array(await res.arrayBuffer());
        assert.deepEqual(body, ENCODED[encoding], `${encoding} with ${accept}: untouched`);
      }
    }
  });
});
