import assert from "node:assert/strict";
import { stableJson, TokenCache } from "./token_cache.ts";

Deno.test("stableJson: keys sorted at every depth, undefined members dropped, arrays kept in order", () => {
  assert.equal(
    stableJson({ b: 1, a: { d: [3, 1], c: undefined, e: "x\n" } }),
    '{"a":{"d":[3,1],"e":"x\\n"},"b":1}',
  );
  assert.equal(stableJson([undefined, null, "s"]), '[null,null,"s"]');
  assert.equal(stableJson({ z: 1, a: 2 }), stableJson({ a: 2, z: 1 }));
  assert.notEqual(stableJson({ a: [1, 2] }), stableJson({ a: [2, 1] }));
  assert.equal(stableJson({}), "{}");
  assert.equal(stableJson(undefined), "null");
});

Deno.test("TokenCache: reuse while enough lifetime remains; bounded", () => {
  const cache = new TokenCache(2, 0.2);
  cache.set("a", { token: "t", jti: "j", iat: 0, exp: 100 });
  assert.equal(cache.get("a", 79)?.token, "t");
  assert.equal(cache.get("a", 80), undefined);
  cache.set("a", { token: "t", jti: "j", iat: 0, exp: 100 });
  cache.set("b", { token: "t", jti: "j", iat: 0, exp: 100 });
  cache.set("c", { token: "t", jti: "j", iat: 0, exp: 100 });
  assert.equal(cache.size, 2);
  assert.equal(cache.get("a", 1), undefined);
});
