import assert from "node:assert/strict";
import {
  checksumOf,
  generateKeyId,
  generateRawKey,
  KEY_PATTERN,
  parseRawKey,
  RANDOM_LENGTH,
  randomBase62,
} from "./format.ts";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function randomInt(n: number): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] % n;
}

Deno.test("generated keys have the documented shape and parse back", () => {
  for (let i = 0; i < 500; i++) {
    const env = i % 2 ? "live" : "test";
    const key = generateRawKey(env);
    assert.match(key, new RegExp(`^gw_${env}_[0-9A-Za-z]{24}_[0-9A-Za-z]{6}$`));
    const parsed = parseRawKey(key);
    assert.deepEqual(parsed, { env, random: key.split("_")[2] });
    assert.equal(key.match(KEY_PATTERN)?.[0], key, "secret scanners' pattern finds it");
  }
});

Deno.test("the random part carries at least 128 bits", () => {
  assert.ok(RANDOM_LENGTH * Math.log2(62) >= 128);
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) seen.add(generateRawKey("live"));
  assert.equal(seen.size, 2000);
});

Deno.test("randomBase62 uses the whole alphabet, roughly uniformly", () => {
  const counts = new Map<string, number>();
  const sample = randomBase62(62 * 400);
  for (const ch of sample) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  assert.equal(counts.size, 62);
  for (const ch of ALPHABET) {
    const n = counts.get(ch)!;
    assert.ok(n > 250 && n < 550, `${ch} appeared ${n} times of ~400`);
  }
});

Deno.test("every single-character substitution is rejected by the checksum", () => {
  for (let k = 0; k < 20; k++) {
    const key = generateRawKey("live");
    for (let pos = 0; pos < key.length; pos++) {
      if (key[pos] === "_") continue;
      const pool = pos < 8 ? "abcdefghijklmnopqrstuvwxyz0123456789" : ALPHABET;
      let ch = key[pos];
      while (ch === key[pos]) ch = pool[randomInt(pool.length)];
      const typo = key.slice(0, pos) + ch + key.slice(pos + 1);
      assert.equal(parseRawKey(typo), null, `accepted ${pos}`);
    }
  }
});

Deno.test("adjacent transpositions are rejected", () => {
  for (let k = 0; k < 20; k++) {
    const key = generateRawKey("test");
    for (let pos = 8; pos < key.length - 1; pos++) {
      if (key[pos] === key[pos + 1] || key[pos] === "_" || key[pos + 1] === "_") continue;
      const swapped = key.slice(0, pos) + key[pos + 1] + key[pos] + key.slice(pos + 2);
      assert.equal(parseRawKey(swapped), null);
    }
  }
});

Deno.test("invented keys with a guessed checksum are rejected", () => {
  let accepted = 0;
  for (let i = 0; i < 2000; i++) {
    const invented = `gw_live_${randomBase62(24)}_${randomBase62(6)}`;
    if (parseRawKey(invented) !== null) accepted++;
  }
  assert.equal(accepted, 0);
});

Deno.test("malformed shapes are rejected", () => {
  const good = generateRawKey("live");
  const [, , random, checksum] = good.split("_");
  const cases = [
    "",
    "gw_live",
    good + "x",
    good.toUpperCase(),
    `xx_live_${random}_${checksum}`,
    `gw_LIVE_${random}_${checksum}`,
    `gw__${random}_${checksum}`,
    `gw_live_${random.slice(1)}_${checksum}`,
    `gw_live_${random}_${checksum}_`,
    `gw_live_${random.slice(0, 23)}-_${checksum}`,
    `Bearer ${good}`,
    `gw_${"a".repeat(40)}_${random}_${checksum}`,
  ];
  for (const c of cases) assert.equal(parseRawKey(c), null, c);
  // a correct checksum over an otherwise valid shape with another env is still fine
  const body = `gw_staging_${random}`;
  assert.deepEqual(parseRawKey(`${body}_${checksumOf(body)}`), { env: "staging", random });
});

Deno.test("generateRawKey refuses environments that would break the format", () => {
  assert.throws(() => generateRawKey("live_x"), RangeError);
  assert.throws(() => generateRawKey(""), RangeError);
  assert.throws(() => generateRawKey("Live"), RangeError);
});

Deno.test("key ids are public-looking and distinct", () => {
  const id = generateKeyId();
  assert.match(id, /^key_[0-9A-Za-z]{16}$/);
  assert.notEqual(generateKeyId(), id);
  assert.equal(parseRawKey(id), null);
});
