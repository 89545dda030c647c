import assert from "node:assert/strict";
import { mergeJwks } from "./serve.ts";

Deno.test("demo upstream service: the replicas' key sets are merged by kid; junk is ignored", () => {
  const a = { kty: "OKP", crv: "Ed25519", x: "a", kid: "k1" };
  const b = { kty: "OKP", crv: "Ed25519", x: "b", kid: "k2" };
  assert.deepEqual(
    mergeJwks([{ keys: [a] }, { keys: [b, a] }, {}, { keys: "x" as unknown }, { keys: [{}] }]),
    {
      keys: [a, b],
    },
  );
});
