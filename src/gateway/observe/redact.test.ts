import assert from "node:assert/strict";
import { redactUrl, redactUrlsIn } from "./redact.ts";

Deno.test("redactUrl masks userinfo and the query, keeps the rest", () => {
  assert.equal(
    redactUrl("https://user:s3cret@bundles.example/b.tar.gz?sig=abc"),
    "https://***@bundles.example/b.tar.gz?***",
  );
  assert.equal(redactUrl("https://bundles.example/b.tar.gz"), "https://bundles.example/b.tar.gz");
  assert.equal(redactUrl("redis://:pw@cache:6379/0"), "redis://***@cache:6379/0");
  assert.equal(redactUrl("build/bundle.tar.gz"), "build/bundle.tar.gz");
  assert.equal(redactUrl("policies"), "policies");
});

Deno.test("redactUrlsIn masks every URL of a message", () => {
  const m = "error sending request for url (http://10.0.0.1:9000/base/x?api_key=k1&b=2): connection refused";
  assert.equal(
    redactUrlsIn(m),
    "error sending request for url (http://10.0.0.1:9000/base/x?***): connection refused",
  );
  assert.equal(
    redactUrlsIn("fetch https://a:b@x/y?t=1 then https://z/"),
    "fetch https://***@x/y?*** then https://z/",
  );
  assert.equal(redactUrlsIn("no url here"), "no url here");
  for (const secret of ["s3cret", "k1", "pw"]) {
    assert.ok(!redactUrlsIn(`see https://u:${secret}@h/?q=${secret}`).includes(secret));
  }
});
