import assert from "node:assert/strict";
import { errorBody, harness } from "../testing/harness.ts";
import { limitBody } from "./body_limit.ts";
import { requestLimits } from "./middleware.ts";

const limits = { maxUrlLength: 100, maxHeaderCount: 5, maxHeaderBytes: 200, maxBodyBytes: 10 };
const { app } = harness([requestLimits(limits)]);

Deno.test("a long URL → 414", async () => {
  const res = await app.request("http://localhost/" + "a".repeat(120));
  assert.equal(res.status, 414);
  assert.equal((await errorBody(res)).reason, "uri_too_long");
});

Deno.test("too many headers or too many header bytes → 431", async () => {
  const many = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`x-h${i}`, "1"]));
  const res = await app.request("/", { headers: many });
  assert.equal(res.status, 431);
  assert.equal((await errorBody(res)).reason, "headers_too_large");
  const big = await app.request("/", { headers: { "x-big": "v".repeat(300) } });
  assert.equal(big.status, 431);
});

Deno.test("a declared body over the limit → 413", async () => {
  const res = await app.request("/", {
    method: "POST",
    body: "x".repeat(11),
    headers: { "content-length": "11" },
  });
  assert.equal(res.status, 413);
  assert.equal((await errorBody(res)).reason, "request_too_large");
});

Deno.test("requests within limits pass", async () => {
  const res = await app.request("/ok", {
    method: "POST",
    body: "x".repeat(10),
    headers: { "content-length": "10" },
  });
  assert.equal(res.status, 200);
});

Deno.test("limitBody errors the stream past the limit and reports it", async () => {
  let exceeded = false;
  const chunks = [new Uint8Array(6), new Uint8Array(6)];
  const source = new ReadableStream<Uint8Array>({
    pull(c) {
      const next = chunks.shift();
      if (next) c.enqueue(next);
      else c.close();
    },
  });
  const limited = limitBody(source, 10, () => exceeded = true);
  await assert.rejects(new Response(limited).arrayBuffer());
  assert.equal(exceeded, true);
  const ok = limitBody(new Response(new Uint8Array(10)).body!, 10);
  assert.equal((await new Response(ok).arrayBuffer()).byteLength, 10);
});
