import assert from "node:assert/strict";
import { readBodyForPolicy } from "./body.ts";

const opts = { maxBytes: 16, timeoutMs: 1000 };

function streamOf(...parts: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const p of parts) c.enqueue(enc.encode(p));
      c.close();
    },
  });
}

async function text(s: ReadableStream<Uint8Array> | null): Promise<string> {
  return s === null ? "" : await new Response(s).text();
}

Deno.test("parsed_body: a JSON body is parsed and handed on whole", async () => {
  const r = await readBodyForPolicy(streamOf('{"a":', "[1]}"), "application/json; charset=utf-8", opts);
  assert.ok(r.ok);
  assert.deepEqual(r.parsed, { a: [1] });
  assert.equal(r.truncated, false);
  assert.equal(await text(r.stream), '{"a":[1]}');
});

Deno.test("parsed_body: over maxBytes is truncated (null), and the upstream still gets every byte", async () => {
  const long = '{"k":"' + "x".repeat(40) + '"}';
  const r = await readBodyForPolicy(
    streamOf(long.slice(0, 10), long.slice(10, 30), long.slice(30)),
    "application/json",
    opts,
  );
  assert.ok(r.ok);
  assert.equal(r.parsed, null);
  assert.equal(r.truncated, true);
  assert.equal(await text(r.stream), long);
});

Deno.test("parsed_body: not JSON by its type is left alone; invalid JSON and a slow body are refused", async () => {
  const plain = await readBodyForPolicy(streamOf("a=1"), "application/x-www-form-urlencoded", opts);
  assert.ok(plain.ok && plain.parsed === null && plain.stream === null, "the request's own body goes on");
  const bad = await readBodyForPolicy(streamOf("{nope"), "application/json", opts);
  assert.deepEqual(bad, { ok: false, why: "invalid" });
  const slow = new ReadableStream<Uint8Array>({ start() {} }); // never sends
  const started = Date.now();
  const late = await readBodyForPolicy(slow, "application/json", { maxBytes: 16, timeoutMs: 100 });
  assert.deepEqual(late, { ok: false, why: "timeout" });
  assert.ok(Date.now() - started < 2000);
  const empty = await readBodyForPolicy(streamOf(), "application/json", opts);
  assert.ok(empty.ok && empty.parsed === null && !empty.truncated);
});
