import assert from "node:assert/strict";
import { FORGET_MS, MAX_CALLERS, SlowCallers } from "./slow_callers.ts";

Deno.test("slow callers: after a stopped evaluation the caller waits as long; concurrent ones queue", () => {
  let t = 0;
  const slow = new SlowCallers(() => t);
  assert.ok(slow.empty);
  assert.equal(slow.delay("a"), 0);
  t = 200;
  slow.stopped("a", 200); // held the thread 0–200
  assert.equal(slow.empty, false);
  t = 210;
  assert.equal(slow.delay("b"), 0, "another caller is not held back");
  assert.equal(slow.delay("a"), 190, "starts once the thread was free for 200 ms");
  assert.equal(slow.delay("a"), 590, "the next one after that one's evaluation and as long again");
  slow.succeeded("a");
  assert.equal(slow.delay("a"), 0);
  assert.ok(slow.empty);
});

Deno.test("slow callers: a caller past its wait goes at once, and is forgotten after FORGET_MS", () => {
  let t = 0;
  const slow = new SlowCallers(() => t);
  slow.stopped("a", 50);
  t = 51;
  assert.equal(slow.delay("a"), 0);
  assert.equal(slow.empty, false, "still known: its next stopped evaluation extends its wait");
  t = 51 + FORGET_MS;
  assert.equal(slow.delay("a"), 0);
  assert.ok(slow.empty);
});

Deno.test("slow callers: at most MAX_CALLERS are remembered, the oldest dropped first", () => {
  const slow = new SlowCallers(() => 0);
  for (let i = 0; i <= MAX_CALLERS; i++) slow.stopped(`k${i}`, 100);
  assert.equal(slow.delay("k0"), 0, "dropped");
  assert.equal(slow.delay(`k${MAX_CALLERS}`), 100);
});
