import assert from "node:assert/strict";
import { decisionSchema } from "../decision/schema.ts";
import { RouteTable } from "../routes/table.ts";
import { FakeSigner, FakeUpstream, keyRecord } from "../testing/fakes.ts";
import { errorBody, harness } from "../testing/harness.ts";
import { proxy } from "./forward.ts";
import { gunzipSync, gzipSync } from "node:zlib";
import { HeaderRules } from "./headers.ts";
import { UndiciClient } from "./undici_client.ts";
import type { UpstreamClient } from "./upstream_client.ts";

const rules = new HeaderRules({ jwtHeader: "authorization", jwtPrefix: "Bearer ", via: "1.1 gw" });
const decision = decisionSchema.parse({
  allow: true,
  reason: "ok",
  permissions: ["orders:read"],
  claims: { tier: "gold" },
  headers: { "x-tenant": "acme" },
});

function gateway(
  upstream: string,
  opts: {
    fetch?: typeof fetch;
    client?: UpstreamClient;
    connectMs?: number;
    overallMs?: number;
    maxBodyBytes?: number;
  } = {},
) {
  const route = new RouteTable([{ id: "r", prefix: "/api", upstream, stripPrefix: true }]).routes[0];
  const signer = new FakeSigner();
  const h = harness(
    [],
    { key: keyRecord(), route, decision, revision: "rev-9" },
    proxy({
      signer,
      headers: rules,
      connectMs: opts.connectMs ?? 2000,
      overallMs: opts.overallMs ?? 5000,
      maxBodyBytes: opts.maxBodyBytes ?? 1 << 20,
      fetch: opts.fetch,
      client: opts.client,
    }),
  );
  return { ...h, signer };
}

/**
 * A test against a real upstream, once per upstream client. Each makes its own client: the
 * undici client's pool is closed after the test (sanitizers see no open connection).
 */
function clientTest(name: string, fn: (client: () => UpstreamClient | undefined) => Promise<void>) {
  Deno.test(`${name} (fetch)`, () => fn(() => undefined));
  Deno.test(`${name} (undici)`, async () => {
    const made: UpstreamClient[] = [];
    try {
      await fn(() => {
        const c = new UndiciClient({ connections: 8, connectMs: 2000, overallMs: 5000 });
        made.push(c);
        return c;
      });
    } finally {
      await Promise.all(made.map((c) => c.close()));
    }
  });
}

Deno.test("forwards to the upstream with the JWT and the policy headers; signs the stable payload", async () => {
  const up = new FakeUpstream(() =>
    new Response("hello", { status: 201, headers: { "x-up": "1", connection: "close" } })
  );
  const { app, signer, states } = gateway("http://up.internal/base", { fetch: up.fetch });
  const res = await app.request("/api/orders?x=1", {
    headers: { "x-api-key": "raw-key", accept: "text/plain" },
  });
  assert.equal(res.status, 201);
  assert.equal(await res.text(), "hello");
  assert.equal(res.headers.get("x-up"), "1");
  assert.equal(res.headers.get("connection"), null);
  const req = up.requests[0];
  assert.equal(req.url, "http://up.internal/base/orders?x=1");
  assert.equal(req.headers.get("authorization"), "Bearer jwt-for-alice");
  assert.equal(req.headers.get("x-api-key"), null);
  assert.equal(req.headers.get("x-tenant"), "acme");
  assert.equal(req.headers.get("x-request-id"), states[0].requestId);
  assert.deepEqual(signer.signed[0], {
    payload: {
      org: "acme",
      identity_type: "human",
      key_id: "key_test1",
      permissions: ["orders:read"],
      claims: { tier: "gold" },
      bundle_revision: "rev-9",
    },
    subject: "alice",
    audience: "http://up.internal",
  });
  assert.equal(states[0].jti, "jti-1");
  assert.equal(states[0].upstreamStatus, 201);
});

Deno.test("a shared decision reuses its token request; a cached token needs no sign()", async () => {
  const up = new FakeUpstream(() => new Response("ok"));
  const route = new RouteTable([{ id: "r", prefix: "/api", upstream: "http://up.internal" }]).routes[0];
  const calls = { sign: 0, tokenKey: 0 };
  const tokens = new Map<string, { token: string; jti: string; exp: number }>();
  const signer = {
    tokenKey(payload: Record<string, unknown>, o: { subject: string; audience: string }) {
      calls.tokenKey++;
      return `${o.subject} ${o.audience} ${JSON.stringify(payload)}`;
    },
    cached: (key: string) => tokens.get(key),
    sign(_p: Record<string, unknown>, _o: unknown, key?: string) {
      calls.sign++;
      const t = { token: `t${calls.sign}`, jti: `j${calls.sign}`, exp: 0 };
      tokens.set(key!, t);
      return Promise.resolve(t);
    },
  };
  const alice = keyRecord();
  const shared = Object.freeze({ ...decision }); // as the decision cache hands them out
  const preset = { key: alice, route, decision: shared, revision: "rev-9" };
  const h = harness(
    [],
    preset,
    proxy({
      signer,
      headers: rules,
      connectMs: 2000,
      overallMs: 5000,
      maxBodyBytes: 1 << 20,
      fetch: up.fetch,
    }),
  );
  for (let i = 0; i < 3; i++) assert.equal((await h.app.request("/api/x")).status, 200);
  assert.deepEqual(calls, { sign: 1, tokenKey: 1 });
  assert.deepEqual(up.requests.map((r) => r.headers.get("authorization")), [
    "Bearer t1",
    "Bearer t1",
    "Bearer t1",
  ]);
  // Another key record with the same decision object is another token request.
  Object.assign(preset, { key: keyRecord({ id: "key_bob", subject: "bob" }) });
  assert.equal((await h.app.request("/api/x")).status, 200);
  assert.deepEqual(calls, { sign: 2, tokenKey: 2 });
  assert.equal(up.requests[3].headers.get("authorization"), "Bearer t2");
  // A fresh (unshared) decision is not remembered: its token request is made again, and its
  // token still comes from the signer's cache.
  Object.assign(preset, { decision: { ...decision } });
  for (let i = 0; i < 2; i++) assert.equal((await h.app.request("/api/x")).status, 200);
  assert.deepEqual(calls, { sign: 2, tokenKey: 4 }); // bob's token was cached already
});

Deno.test("redirects are passed through, not followed", async () => {
  const up = new FakeUpstream(() => new Response(null, { status: 302, headers: { location: "/elsewhere" } }));
  const { app } = gateway("http://up.internal", { fetch: up.fetch });
  const res = await app.request("/api/x");
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "/elsewhere");
});

clientTest("upstream refusing connections → 502 upstream_unreachable", async (client) => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const { app } = gateway(`http://127.0.0.1:${port}`, { client: client() });
  const res = await app.request("/api/x");
  assert.equal(res.status, 502);
  assert.equal((await errorBody(res)).reason, "upstream_unreachable");
});

clientTest("an upstream that never answers → 504 upstream_timeout", async (client) => {
  const release = Promise.withResolvers<void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async () => {
    await release.promise;
    return new Response("late");
  });
  try {
    const { app } = gateway(`http://127.0.0.1:${server.addr.port}`, { client: client(), connectMs: 50 });
    const res = await app.request("/api/x");
    assert.equal(res.status, 504);
    assert.equal((await errorBody(res)).reason, "upstream_timeout");
  } finally {
    release.resolve();
    await server.shutdown();
  }
});

clientTest("bodies stream both ways through a real upstream", async (client) => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    // Echo the request body back as it arrives.
    return new Response(req.body, { headers: { "content-type": "application/octet-stream" } });
  });
  try {
    const { app } = gateway(`http://127.0.0.1:${server.addr.port}`, {
      client: client(),
      maxBodyBytes: 16 << 20,
    });
    const size = 3 * 1024 * 1024;
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= size) return c.close();
        const chunk = new Uint8Array(64 * 1024).fill(sent / 65536 % 251);
        sent += chunk.byteLength;
        c.enqueue(chunk);
      },
    });
    const res = await app.request("/api/echo", { method: "POST", body, duplex: "half" } as RequestInit);
    assert.equal(res.status, 200);
    let received = 0;
    for await (const chunk of res.body!) received += chunk.byteLength;
    assert.equal(received, size);
  } finally {
    await server.shutdown();
  }
});

clientTest(
  "a streamed body without a length over the limit → 413, upstream gets no full body",
  async (client) => {
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
      await req.arrayBuffer();
      return new Response("took it");
    });
    try {
      const { app } = gateway(`http://127.0.0.1:${server.addr.port}`, {
        client: client(),
        maxBodyBytes: 1000,
      });
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new Uint8Array(800));
          c.enqueue(new Uint8Array(800));
          c.close();
        },
      });
      const res = await app.request("/api/up", { method: "POST", body, duplex: "half" } as RequestInit);
      assert.equal(res.status, 413);
      assert.equal((await errorBody(res)).reason, "request_too_large");
    } finally {
      await server.shutdown();
    }
  },
);

Deno.test("a signing failure → 500 internal_error, nothing forwarded", async () => {
  const up = new FakeUpstream();
  const { app, signer } = gateway("http://up.internal", { fetch: up.fetch });
  signer.sign = () => Promise.reject(new Error("no key"));
  const res = await app.request("/api/x");
  assert.equal(res.status, 500);
  assert.equal(up.requests.length, 0);
});

clientTest(
  "streaming is chunk by chunk: each echoed chunk returns before the next one is sent",
  async (client) => {
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (req) => new Response(req.body),
    );
    try {
      const { app } = gateway(`http://127.0.0.1:${server.addr.port}`, { client: client() });
      const outgoing = new TransformStream<Uint8Array, Uint8Array>();
      const writer = outgoing.writable.getWriter();
      const resP = app.request(
        "/api/echo",
        { method: "POST", body: outgoing.readable, duplex: "half" } as RequestInit,
      );
      await writer.write(new Uint8Array([1, 2, 3]));
      const res = await resP;
      assert.equal(res.status, 200);
      const reader = res.body!.getReader();
      // If either direction buffered the whole body, this read would never complete: the request
      // body is still open.
      for (let round = 0; round < 3; round++) {
        let got = 0;
        while (got < 3) {
          const { value, done } = await reader.read();
          assert.equal(done, false);
          got += value!.byteLength;
        }
        if (round < 2) await writer.write(new Uint8Array([4, 5, 6]));
      }
      await writer.close();
      const end = await reader.read();
      assert.equal(end.done, true);
    } finally {
      await server.shutdown();
    }
  },
);

/** A raw HTTP/1.1 upstream on loopback: `respond` gets the request head and writes bytes. */
function rawUpstream(respond: (head: string, conn: Deno.Conn) => Promise<void>) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      (async () => {
        const buf = new Uint8Array(16384);
        let head = "";
        while (!head.includes("\r\n\r\n")) {
          const n = await conn.read(buf).catch(() => null);
          if (n === null) return;
          head += new TextDecoder().decode(buf.subarray(0, n));
        }
        await respond(head, conn).catch(() => {});
      })();
    }
  })().catch(() => {});
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    close() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed */ }
      }
    },
  };
}

const write = (conn: Deno.Conn, text: string) => conn.write(new TextEncoder().encode(text));

clientTest(
  "an upstream status outside 200–599 (or 101) → 502 upstream_invalid, never a 500",
  async (client) => {
    for (const status of [600, 999, 101]) {
      const up = rawUpstream(async (_head, conn) => {
        await write(conn, `HTTP/1.1 ${status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nhi`);
        conn.close();
      });
      try {
        const { app, states } = gateway(up.url, { client: client() });
        const res = await app.request("/api/x");
        assert.equal(res.status, 502, String(status));
        assert.equal((await errorBody(res)).reason, "upstream_invalid");
        assert.equal(states[0].upstreamStatus, status);
      } finally {
        up.close();
      }
    }
  },
);

clientTest("a small body that stalls → 504 upstream_timeout at the overall deadline", async (client) => {
  const up = rawUpstream(async (_head, conn) => {
    await write(conn, "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial");
  });
  try {
    const { app } = gateway(up.url, { client: client(), overallMs: 300 });
    const started = performance.now();
    const res = await app.request("/api/x");
    assert.equal(res.status, 504);
    assert.equal((await errorBody(res)).reason, "upstream_timeout");
    assert.ok(performance.now() - started < 2000);
  } finally {
    up.close();
  }
});

clientTest(
  "a streamed body that stalls is cut at the overall deadline; the state says upstream_timeout",
  async (client) => {
    const up = rawUpstream(async (_head, conn) => {
      await write(conn, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n7\r\npartial\r\n");
    });
    try {
      const { app, states } = gateway(up.url, { client: client(), overallMs: 300 });
      const res = await app.request("/api/x");
      assert.equal(res.status, 200);
      const reader = res.body!.getReader();
      assert.equal(new TextDecoder().decode((await reader.read()).value), "partial");
      const started = performance.now();
      await assert.rejects(reader.read());
      assert.ok(performance.now() - started < 2000, "cut within the deadline's sweep");
      await states[0].bodyDone;
      assert.equal(states[0].reason, "upstream_timeout");
      assert.equal(states[0].outcome, "error");
      assert.match(states[0].detail ?? "", /response body cut/);
    } finally {
      up.close();
    }
  },
);

clientTest("upstream errors in the log carry no query string", async (client) => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const { app, states } = gateway(`http://127.0.0.1:${port}`, { client: client() });
  const res = await app.request("/api/x?sig=s3cret-signature");
  assert.equal(res.status, 502);
  // fetch quotes the URL (its query redacted); undici names the address it could not reach.
  assert.match(states[0].detail ?? "", new RegExp(`127\\.0\\.0\\.1:${port}(/x\\?\\*\\*\\*|$)`));
  assert.ok(!states[0].detail!.includes("s3cret"), states[0].detail!);
});

clientTest(
  "compressed answers pass untouched: the bytes always agree with Content-Encoding/-Length",
  async (client) => {
    const small = new TextEncoder().encode("hello ".repeat(500));
    const large = new Uint8Array(200 * 1024).map((_, i) => 65 + (i * 7919 % 16)); // compressible
    const seenAccept: (string | null)[] = [];
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
      const accept = req.headers.get("accept-encoding");
      seenAccept.push(accept);
      const url = new URL(req.url);
      const plain = url.pathname.endsWith("large") ? large : small;
      const always = url.pathname.includes("always");
      if (always || (accept ?? "").includes("gzip")) {
        const gz = new Uint8Array(gzipSync(plain));
        return new Response(gz, {
          headers: { "content-encoding": "gzip", "content-length": String(gz.length) },
        });
      }
      return new Response(plain);
    });
    try {
      const { app } = gateway(`http://127.0.0.1:${server.addr.port}`, { client: client() });
      for (
        const path of ["/api/honours/small", "/api/honours/large", "/api/always/small", "/api/always/large"]
      ) {
        for (const accept of [undefined, "gzip, br"]) {
          const res = await app.request(path, accept ? { headers: { "accept-encoding": accept } } : {});
          assert.equal(res.status, 200);
          const bytes = new Uint8Array(await res.arrayBuffer());
          const encoding = res.headers.get("content-encoding");
          const length = res.headers.get("content-length");
          if (length !== null) assert.equal(Number(length), bytes.length, `${path} ${accept}: length`);
          const plain = encoding === "gzip" ? new Uint8Array(gunzipSync(bytes)) : bytes;
          assert.deepEqual(plain, path.endsWith("large") ? large : small, `${path} ${accept}: body`);
          assert.equal(encoding === "gzip", path.includes("always"), `${path} ${accept}: encoding`);
        }
      }
      assert.ok(seenAccept.every((a) => a === "identity"), JSON.stringify(seenAccept));
    } finally {
      await server.shutdown();
    }
  },
);

clientTest(
  "a streamed body nobody reads is still ended (and recorded) at the overall deadline",
  async (client) => {
    const up = rawUpstream(async (_head, conn) => {
      await write(conn, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n7\r\npartial\r\n");
    });
    try {
      const { app, states } = gateway(up.url, { client: client(), overallMs: 200 });
      const res = await app.request("/api/x");
      assert.equal(res.status, 200);
      await states[0].bodyDone; // settles although the body is never read
      assert.equal(states[0].reason, "upstream_timeout");
      await assert.rejects(res.body!.getReader().read());
    } finally {
      up.close();
    }
  },
);
