import assert from "node:assert/strict";
import { compile } from "../../rego/mod.ts";
import { loadBundle } from "../load.ts";
import { beginEvaluation, BuiltinError, HOST_BUILTINS } from "./index.ts";
import { createHttpSend, type HttpSendOptions } from "./http_send.ts";
import type { RawResponse, WorkerRequest } from "./sync_fetch.ts";

const LIMITS = { allowedHosts: ["127.0.0.1"], timeoutMs: 1000, maxResponseBytes: 1024, cacheEntries: 10 };

function fake(answer: Partial<RawResponse> = {}) {
  const requests: WorkerRequest[] = [];
  const options: HttpSendOptions = {
    ...LIMITS,
    allowedHosts: ["api.example.com", "other.example.com:8443"],
    transport: (req) => {
      requests.push(req);
      return {
        status: 200,
        statusText: "OK",
        headers: [["content-type", "application/json"]],
        setCookies: [],
        body: new TextEncoder().encode('{"n": 1}'),
        ...answer,
      };
    },
  };
  return { send: createHttpSend(options), requests };
}

function fails(f: () => unknown, message: string | RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof BuiltinError);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

Deno.test("http.send: OPA's response document; a JSON body is decoded", () => {
  const { send, requests } = fake();
  beginEvaluation();
  assert.deepEqual(send({ method: "post", url: "https://api.example.com/x", body: { a: 1 } }), {
    status: "200 OK",
    status_code: 200,
    body: { n: 1 },
    raw_body: '{"n": 1}',
    headers: { "content-type": ["application/json"] },
  });
  assert.equal(requests[0].method, "POST");
  assert.equal(requests[0].body, '{"a":1}');
  assert.deepEqual(requests[0].headers, [["Content-Type", "application/json"]]);
});

Deno.test("http.send: allow-list, request checks, refused TLS options", () => {
  const { send, requests } = fake();
  fails(
    () => send({ method: "get", url: "https://evil.example.com/" }),
    "http.send: unallowed host: evil.example.com",
  );
  fails(() => send({ method: "get", url: "https://other.example.com/" }), /unallowed host/);
  send({ method: "get", url: "https://other.example.com:8443/" });
  fails(() => send({ method: "get" }), 'http.send: missing required request parameters(s): {"url"}');
  fails(
    () => send({ method: "get", url: "https://api.example.com/", x: 1 }),
    /invalid request parameters\(s\): \{"x"\}/,
  );
  fails(
    () => send({ method: "get", url: "https://api.example.com/", tls_client_key_file: "/etc/key" }),
    /not supported by this gateway/,
  );
  fails(() => send({ method: "get", url: "file:///etc/passwd" }), /unsupported scheme file:/);
  assert.equal(requests.length, 1);
});

Deno.test("http.send: a request's timeout may only lower the configured one", () => {
  const { send, requests } = fake();
  beginEvaluation();
  send({ method: "get", url: "https://api.example.com/a", timeout: "100ms" });
  send({ method: "get", url: "https://api.example.com/b", timeout: "1h" });
  assert.deepEqual(requests.map((r) => r.timeoutMs), [100, 1000]);
});

Deno.test("http.send: one answer per request within an evaluation; across them only when cacheable", () => {
  const { send, requests } = fake({ headers: [["cache-control", "max-age=60"]] });
  const req = { method: "get", url: "https://api.example.com/c" };
  beginEvaluation();
  send(req);
  send(req);
  assert.equal(requests.length, 1);
  beginEvaluation();
  send(req);
  assert.equal(requests.length, 2, "no cache: true, so not reused across evaluations");
  beginEvaluation();
  send({ ...req, cache: true });
  beginEvaluation();
  send({ ...req, cache: true });
  assert.equal(requests.length, 3, "max-age=60 with cache: true is reused");
  beginEvaluation();
  send({ ...req, force_cache: true, force_cache_duration_seconds: 5 });
  beginEvaluation();
  send({ ...req, force_cache: true, force_cache_duration_seconds: 5 });
  assert.equal(requests.length, 4);
  fails(() => send({ ...req, force_cache: true }), /force_cache_duration_seconds/);
});

Deno.test("http.send: raise_error false turns a failure into a document", () => {
  const { send } = fake();
  beginEvaluation();
  assert.deepEqual(send({ method: "get", url: "https://nope.example.com/", raise_error: false }), {
    status_code: 0,
    error: { code: "eval_http_send_network_error", message: "unallowed host: nope.example.com" },
  });
});

// The real transport: a worker performs the request while this thread waits.
async function serverPort(): Promise<{ port: number; stop(): void }> {
  const worker = new Worker(new URL("../testing/http_server_worker.ts", import.meta.url), { type: "module" });
  const port = await new Promise<number>((resolve) => worker.onmessage = (e) => resolve(e.data));
  return { port, stop: () => worker.terminate() };
}

Deno.test("http.send: real requests through the worker, bounded in time and size", async () => {
  const server = await serverPort();
  try {
    const send = createHttpSend({ ...LIMITS, timeoutMs: 300 });
    const base = `http://127.0.0.1:${server.port}`;
    beginEvaluation();
    const ok = send({ method: "get", url: `${base}/json` }) as Record<string, unknown>;
    assert.equal(ok.status_code, 200);
    assert.deepEqual(ok.body, { hello: "world" });
    const echo = send({
      method: "put",
      url: `${base}/echo`,
      raw_body: "hi",
      headers: { authorization: "t" },
    });
    assert.deepEqual((echo as { body: unknown }).body, {
      method: "PUT",
      contentType: "text/plain;charset=UTF-8",
      auth: "t",
      body: "hi",
    });
    const missing = send({ method: "get", url: `${base}/missing` }) as Record<string, unknown>;
    assert.deepEqual([missing.status_code, missing.body, missing.raw_body], [404, null, "nope"]);
    const started = performance.now();
    fails(() => send({ method: "get", url: `${base}/slow` }), "http.send: request timed out after 300 ms");
    assert.ok(performance.now() - started < 2000);
    fails(() => send({ method: "get", url: `${base}/big` }), /larger than 1024 bytes/);
    fails(() => send({ method: "get", url: "http://localhost:1/" }), /unallowed host: localhost/);
  } finally {
    server.stop();
  }
});

Deno.test("http.send: refused at compile time unless enabled; enabled, the policy calls it", async () => {
  const text = `package p\nx := http.send({"method": "get", "url": input.url}).body`;
  const refused = compile([{ path: "p.rego", text }], { entrypoints: ["p/x"] });
  assert.match(refused.diagnostics[0].message, /^built-in http\.send is not available: .*policy\.httpSend/);
  const server = await serverPort();
  try {
    const files = new Map([["p.rego", new TextEncoder().encode(text)]]);
    const loaded = await loadBundle({ kind: "files", files }, {
      entrypoints: ["p/x"],
      builtins: HOST_BUILTINS,
      httpSend: LIMITS,
      smokeTest: false,
    });
    beginEvaluation();
    assert.deepEqual(
      loaded.instance.policy!.evaluate({ url: `http://127.0.0.1:${server.port}/json` }, "p/x"),
      [
        { result: { hello: "world" } },
      ],
    );
  } finally {
    server.stop();
  }
});
