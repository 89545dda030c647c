import assert from "node:assert/strict";
import { UndiciClient } from "./undici_client.ts";
import { BUFFERED_BODY_BYTES, type UpstreamClient, type UpstreamRequest } from "./upstream_client.ts";

function request(origin: string, path: string, over: Partial<UpstreamRequest> = {}): UpstreamRequest {
  return { origin, path, method: "GET", headers: [], body: null, onBodyEnd: () => {}, ...over };
}

/** A body whose every byte is a function of its offset, to check it arrives whole and in order. */
function pattern(size: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(size).map((_, i) => (i * 31 + (i >> 12)) & 255);
}

Deno.test("undici client: a bulk body streams with backpressure, whole and in order, read slowly", async () => {
  const size = 6 * 1024 * 1024;
  const data = pattern(size);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => new Response(data));
  const client = new UndiciClient({ connections: 2, connectMs: 2000, overallMs: 10_000 });
  try {
    const ends: string[] = [];
    const ex = client.send(
      request(`http://127.0.0.1:${server.addr.port}`, "/big", { onBodyEnd: (o) => ends.push(o) }),
    );
    const res = await ex.response;
    assert.ok(res.body instanceof ReadableStream, "over BUFFERED_BODY_BYTES: streamed");
    const got = new Uint8Array(size);
    let at = 0, reads = 0;
    for await (const chunk of res.body) {
      assert.ok(chunk.byteLength > 0, "no empty chunk is passed on");
      got.set(chunk, at);
      at += chunk.byteLength;
      // A slow reader: the upstream is paused meanwhile, and resumed (Deno then reports 0 bytes).
      if (++reads % 16 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    assert.equal(at, size);
    assert.deepEqual(got, data);
    assert.deepEqual(ends, ["done"]);
  } finally {
    await client.close();
    await server.shutdown();
  }
});

Deno.test("undici client: a small body comes buffered; HEAD and 204 come without one", async () => {
  const small = pattern(BUFFERED_BODY_BYTES);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    if (req.url.endsWith("/none")) return new Response(null, { status: 204 });
    return new Response(small, { headers: { "set-cookie": "a=1", "x-two": "b" } });
  });
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const client = new UndiciClient({ connections: 2, connectMs: 2000, overallMs: 10_000 });
  try {
    const res = await client.send(request(origin, "/small")).response;
    assert.ok(res.body instanceof Promise);
    assert.deepEqual(await res.body, small);
    assert.equal((res.headers as Record<string, string>)["x-two"], "b");
    const head = await client.send(request(origin, "/small", { method: "HEAD" })).response;
    assert.equal(head.body, null);
    const none = await client.send(request(origin, "/none")).response;
    assert.equal(none.status, 204);
    assert.equal(none.body, null);
  } finally {
    await client.close();
    await server.shutdown();
  }
});

Deno.test("undici client: at most `connections` upstream connections however many requests", async () => {
  const peers = new Set<number>();
  let inFlight = 0, most = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (_req, info) => {
    peers.add(info.remoteAddr.port);
    most = Math.max(most, ++inFlight);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    return new Response("ok");
  });
  const client = new UndiciClient({ connections: 3, connectMs: 2000, overallMs: 10_000 });
  try {
    const origin = `http://127.0.0.1:${server.addr.port}`;
    const all = await Promise.all(
      Array.from(
        { length: 40 },
        () => client.send(request(origin, "/")).response.then((r) => r.body as Promise<Uint8Array>),
      ),
    );
    assert.equal(all.length, 40);
    assert.ok(peers.size <= 3, `${peers.size} connections`);
    assert.ok(most <= 3, `${most} at once`);
  } finally {
    await client.close();
    await server.shutdown();
  }
});

Deno.test("undici client: an abort while queued for a connection rejects at once; the pool keeps serving", async () => {
  const release = Promise.withResolvers<void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    if (req.url.endsWith("/hold")) await release.promise;
    return new Response("ok");
  });
  const client = new UndiciClient({ connections: 1, connectMs: 2000, overallMs: 10_000 });
  try {
    const origin = `http://127.0.0.1:${server.addr.port}`;
    const held = client.send(request(origin, "/hold"));
    const queued = client.send(request(origin, "/queued"));
    await new Promise((r) => setTimeout(r, 50));
    queued.abort(new Error("deadline"));
    await assert.rejects(queued.response, /deadline/);
    release.resolve();
    assert.equal((await held.response).status, 200);
    assert.equal((await client.send(request(origin, "/after")).response).status, 200);
  } finally {
    release.resolve();
    await client.close();
    await server.shutdown();
  }
});

Deno.test("undici client: a request with a body goes to the client for bodies (fetch)", async () => {
  const sent: string[] = [];
  const withBody: UpstreamClient = {
    name: "fetch",
    send(req) {
      sent.push(req.path);
      return {
        response: Promise.resolve({ status: 200, statusText: "", headers: {}, body: null }),
        abort() {},
      };
    },
    close: () => Promise.resolve(),
  };
  const client = new UndiciClient({ connections: 1, connectMs: 2000, overallMs: 10_000 }, withBody);
  const body = new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  await client.send(request("http://127.0.0.1:9", "/post", { method: "POST", body })).response;
  assert.deepEqual(sent, ["/post"]);
  await client.close();
});

Deno.test("undici client: request heads go out as latin1, ASCII or not (the socket's fast path)", async () => {
  const seen: (string | null)[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    seen.push(req.headers.get("x-latin"));
    return new Response("ok");
  });
  const client = new UndiciClient({ connections: 1, connectMs: 2000, overallMs: 10_000 });
  try {
    const origin = `http://127.0.0.1:${server.addr.port}`;
    for (const value of ["plain", "caf\u00e9 \u00ff", "plain again"]) {
      const res = await client.send(request(origin, "/", { headers: [["x-latin", value]] })).response;
      await res.body;
    }
    assert.deepEqual(seen, ["plain", "caf\u00e9 \u00ff", "plain again"]);
  } finally {
    await client.close();
    await server.shutdown();
  }
});
