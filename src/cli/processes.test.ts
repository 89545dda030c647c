import assert from "node:assert/strict";
import { main, parseCount } from "./processes.ts";

Deno.test("processes: the count is 1–64 in plain digits", () => {
  assert.equal(parseCount("1"), 1);
  assert.equal(parseCount("64"), 64);
  for (const bad of [undefined, "", "0", "65", "2.5", "-1", "two", "1e1"]) {
    assert.equal(parseCount(bad), null, bad);
  }
});

Deno.test("processes: a missing or bad count is a usage error (exit 2), nothing started", async () => {
  assert.equal(await main([]), 2);
  assert.equal(await main(["many"]), 2);
});
