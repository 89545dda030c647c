import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { EventUploader, type UploaderOptions } from "./uploader.ts";

/** A fake service: records each body (gunzipped, parsed), answers with `status()`. */
function fakeService(status: () => number = () => 204) {
  const bodies: unknown[][] = [];
  const headers: Headers[] = [];
  const fetch = ((_url: string | URL | Request, init?: RequestInit) => {
    const code = status();
    if (code === 0) return Promise.reject(new TypeError("connection refused"));
    headers.push(new Headers(init!.headers));
    if (code < 300) bodies.push(JSON.parse(gunzipSync(init!.body as Uint8Array).toString("utf8")));
    return Promise.resolve(new Response(null, { status: code }));
  }) as typeof globalThis.fetch;
  return { fetch, bodies, headers };
}

function uploader(fetch: typeof globalThis.fetch, o: Partial<UploaderOptions> = {}) {
  return new EventUploader({
    target: { url: "http://logs.test/", resource: "/logs", timeoutMs: 1000, fetch, token: "t0ken" },
    maxDelayMs: 20,
    uploadSizeLimitBytes: 1024,
    bufferSizeLimitEvents: 100,
    minRetryDelayMs: 5,
    random: () => 1,
    ...o,
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ev = (i: number, pad = 0) => JSON.stringify({ n: i, pad: "x".repeat(pad) });

Deno.test("uploader: events wait at most maxDelayMs, then go as one gzip'd JSON array with the token", async () => {
  const svc = fakeService();
  const up = uploader(svc.fetch, { maxDelayMs: 30 });
  for (let i = 0; i < 3; i++) up.push(ev(i));
  assert.equal(svc.bodies.length, 0);
  await sleep(80);
  assert.deepEqual(svc.bodies, [[{ n: 0, pad: "" }, { n: 1, pad: "" }, { n: 2, pad: "" }]]);
  assert.equal(svc.headers[0].get("content-encoding"), "gzip");
  assert.equal(svc.headers[0].get("content-type"), "application/json");
  assert.equal(svc.headers[0].get("authorization"), "Bearer t0ken");
  assert.deepEqual(up.counts(), { dropped: 0, uploaded: 3, uploadFailures: 0, buffered: 0 });
  up.stop();
});

Deno.test("uploader: a full batch goes at once, batches bounded by uploadSizeLimitBytes", async () => {
  const svc = fakeService();
  const up = uploader(svc.fetch, { maxDelayMs: 60_000, uploadSizeLimitBytes: 1024 });
  for (let i = 0; i < 10; i++) up.push(ev(i, 300)); // ~320 bytes each: 3 per batch
  await sleep(50);
  up.stop();
  const sizes = svc.bodies.map((b) => b.length);
  assert.ok(sizes.length >= 3, `batches: ${sizes}`);
  for (const b of svc.bodies) assert.ok(JSON.stringify(b).length <= 1024 + 2);
  assert.deepEqual(svc.bodies.flat().map((e: any) => e.n), [
    ...Array(sizes.reduce((a, b) => a + b, 0)).keys(),
  ]);
});

Deno.test("uploader: while the service is down nothing is lost under the limit; retried in order", async () => {
  let up = false;
  const svc = fakeService(() => up ? 200 : 0);
  const u = uploader(svc.fetch, { maxDelayMs: 20, minRetryDelayMs: 5 });
  for (let i = 0; i < 50; i++) u.push(ev(i));
  await sleep(100);
  assert.ok(u.uploadFailures >= 2, `failures ${u.uploadFailures}`);
  assert.equal(u.counts().buffered, 50);
  up = true;
  await sleep(150);
  assert.deepEqual(svc.bodies.flat().map((e: any) => e.n), [...Array(50).keys()]);
  assert.equal(u.dropped, 0);
  u.stop();
});

Deno.test("uploader: a 5xx is a failure too; the batch is kept", async () => {
  let code = 503;
  const svc = fakeService(() => code);
  const u = uploader(svc.fetch);
  u.push(ev(1));
  await sleep(60);
  assert.ok(u.uploadFailures >= 1);
  code = 200;
  await sleep(100);
  assert.deepEqual(svc.bodies, [[{ n: 1, pad: "" }]]);
  u.stop();
});

Deno.test("uploader: past the buffer limit the oldest are dropped and counted", async () => {
  let up = false;
  const svc = fakeService(() => up ? 200 : 0);
  const u = uploader(svc.fetch, { bufferSizeLimitEvents: 10, maxDelayMs: 20, minRetryDelayMs: 5 });
  for (let i = 0; i < 25; i++) u.push(ev(i));
  assert.equal(u.dropped, 15);
  await sleep(40);
  up = true;
  await sleep(150);
  assert.deepEqual(svc.bodies.flat().map((e: any) => e.n), [15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
  assert.equal(u.dropped, 15);
  u.stop();
});

Deno.test("uploader: flush sends what waits (shutdown)", async () => {
  const svc = fakeService();
  const u = uploader(svc.fetch, { maxDelayMs: 60_000 });
  u.push(ev(7));
  await u.flush();
  u.stop();
  assert.deepEqual(svc.bodies, [[{ n: 7, pad: "" }]]);
});
