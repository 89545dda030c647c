import assert from "node:assert/strict";
import { LineWriter } from "./line_writer.ts";

class Capture {
  chunks: string[] = [];
  write(bytes: Uint8Array): Promise<number> {
    this.chunks.push(new TextDecoder().decode(bytes));
    return Promise.resolve(bytes.length);
  }
}

Deno.test("lines are buffered and written in order on flush", async () => {
  const out = new Capture();
  const w = new LineWriter(out, { flushMs: 10_000 });
  w.write('{"a":1}');
  w.write('{"a":2}');
  assert.equal(out.chunks.length, 0);
  await w.flush();
  assert.deepEqual(out.chunks, ['{"a":1}\n{"a":2}\n']);
});

Deno.test("a full buffer flushes by itself", async () => {
  const out = new Capture();
  const w = new LineWriter(out, { flushMs: 10_000, maxBufferBytes: 10 });
  w.write("0123456789");
  await w.flush();
  assert.equal(out.chunks.join(""), "0123456789\n");
});

Deno.test("a stalled output drops lines past the bound and counts them", async () => {
  const pending: Array<() => void> = [];
  const written: string[] = [];
  const stalled = {
    write: (b: Uint8Array) =>
      new Promise<number>((r) =>
        pending.push(() => {
          written.push(new TextDecoder().decode(b));
          r(b.length);
        })
      ),
  };
  const w = new LineWriter(stalled, { flushMs: 10_000, maxBufferBytes: 1, maxPendingBytes: 20 });
  for (let i = 0; i < 10; i++) w.write("x".repeat(9));
  assert.equal(w.dropped, 7);
  const done = w.flush();
  while (written.length < 3) {
    await new Promise((r) => setTimeout(r, 0));
    pending.shift()?.();
  }
  await done;
  assert.equal(written.join(""), "xxxxxxxxx\n".repeat(3));
});
