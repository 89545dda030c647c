import assert from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { generateRawKey } from "../../keys/format.ts";
import { DEFAULT_CREDENTIAL_PARAMS, stripCredentialParams } from "./query.ts";

const NAMES = new Set(DEFAULT_CREDENTIAL_PARAMS);
const strip = (s: string) => stripCredentialParams(s, NAMES);

Deno.test("query: configured credential names are removed, case-insensitively and when escaped", () => {
  assert.equal(strip("?a=1&api_key=s3cret&b=2"), "?a=1&b=2");
  assert.equal(strip("?API_KEY=x"), "");
  assert.equal(strip("?access%5Ftoken=x&z=9"), "?z=9");
  assert.equal(strip("?apikey&keep"), "?keep");
  assert.equal(strip("?access_token=a&access_token=b"), "");
});

Deno.test("query: a gateway key in any parameter, plain, escaped or embedded, is removed", () => {
  const key = generateRawKey("test");
  assert.equal(strip(`?q=${key}&b=2`), "?b=2");
  assert.equal(strip(`?x=1&${key}`), "?x=1");
  assert.equal(strip(`?t=${key.replaceAll("_", "%5F")}`), "");
  assert.equal(strip(`?t=${encodeURIComponent("Bearer " + key)}`), "");
  assert.equal(strip(`?t=my_${key}_suffix`), "");
  assert.equal(strip(`?next=${encodeURIComponent(`https://x/?k=${key}`)}&page=2`), "?page=2");
});

Deno.test("query: everything else is kept byte for byte, in order; no query stays none", () => {
  assert.equal(strip(""), "");
  const s = "?a=1&b=%20x&&c&d=gw_not_a_key&e=%zz";
  assert.equal(strip(s), s); // the same string
  assert.equal(strip("?key=public"), "?key=public"); // "key" alone is not a credential name
});

/** Lenient percent-decoding (malformed escapes kept), to look for a key in what was kept. */
const lenient = (s: string) => s.replace(/%([0-9a-f]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));

Deno.test("property: no kept parameter holds a key or a credential name; every other one survives", () => {
  const key = generateRawKey("live");
  const plain = fc.stringMatching(/^[a-z0-9%=._-]{0,12}$/)
    .filter((p) => !NAMES.has(lenient(p.split("=")[0]).toLowerCase()))
    .map((text) => ({ text, credential: false }));
  const credential = fc.constantFrom(`api_key=x`, `q=${key}`, key, `t=${key.replace("_", "%5f")}`, `Apikey=1`)
    .map((text) => ({ text, credential: true }));
  fc.assert(
    fc.property(
      fc.array(fc.oneof({ arbitrary: plain, weight: 4 }, credential), { maxLength: 8 }),
      (params) => {
        const search = params.length ? "?" + params.map((p) => p.text).join("&") : "";
        const out = strip(search);
        const kept = out === "" ? [] : out.slice(1).split("&");
        for (const p of kept) {
          assert.ok(!lenient(p).includes(key), p);
          assert.ok(!NAMES.has(lenient(p.split("=")[0]).toLowerCase()), p);
        }
        const expected = params.filter((p) => !p.credential).map((p) => p.text);
        if (expected.every((t) => t === "")) assert.ok(kept.every((t) => t === ""));
        else assert.deepEqual(kept, expected);
      },
    ),
    { numRuns: 1000 },
  );
});
