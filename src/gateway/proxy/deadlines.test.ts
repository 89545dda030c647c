import assert from "node:assert/strict";
import { DeadlineQueue } from "./deadlines.ts";

Deno.test("expired entries fire once, in order; cancelled ones never", () => {
  let t = 0;
  const q = new DeadlineQueue(100, 10, () => t);
  const fired: string[] = [];
  const a = q.add(() => fired.push("a"));
  t = 50;
  const b = q.add(() => fired.push("b"));
  const c = q.add(() => fired.push("c"));
  q.cancel(b);
  q.sweep(99);
  assert.deepEqual(fired, []);
  q.sweep(100);
  assert.deepEqual(fired, ["a"]);
  q.sweep(1000);
  assert.deepEqual(fired, ["a", "c"]);
  q.cancel(a); // after firing: no effect
  assert.equal(q.live, 0);
  void c;
});

Deno.test("the interval runs only while entries are live: it stops at the first sweep after", () => {
  const q = new DeadlineQueue(60_000);
  assert.equal(q.running, false);
  const ds = [q.add(() => {}), q.add(() => {})];
  assert.equal(q.live, 2);
  assert.equal(q.running, true);
  for (const d of ds) q.cancel(d);
  assert.equal(q.live, 0);
  q.sweep();
  assert.equal(q.running, false);
  q.add(() => {});
  assert.equal(q.running, true);
  q.sweep(Number.POSITIVE_INFINITY);
  assert.equal(q.running, false);
});
