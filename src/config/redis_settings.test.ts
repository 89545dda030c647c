import assert from "node:assert/strict";
import { ConfigError } from "./errors.ts";
import { parseConfig } from "./load.ts";

Deno.test("config: rate limiting is per process and Redis unused by default", () => {
  const config = parseConfig({});
  assert.equal(config.rateLimit.store, "memory");
  assert.equal(config.redis, undefined);
});

Deno.test("config: a shared rate limiter on Redis, with the section's defaults", () => {
  const config = parseConfig({ rateLimit: { store: "redis" }, redis: { url: "redis://cache:6379/1" } });
  assert.equal(config.rateLimit.store, "redis");
  assert.deepEqual(config.redis, {
    url: "redis://cache:6379/1",
    commandTimeoutMs: 50,
    connectTimeoutMs: 1000,
    keyPrefix: "gw:",
    changePollMs: 500,
  });
  assert.equal(parseConfig({ redis: {} }).redis?.url, undefined, "the URL may come from $REDIS_URL alone");
});

function problems(doc: unknown): string[] {
  try {
    parseConfig(doc, "gw.yaml");
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.problems;
  }
  assert.fail("accepted");
}

Deno.test("config: no password in the file, no other scheme, no unknown store", () => {
  const withPassword = problems({ redis: { url: "redis://:hunter2@cache:6379" } });
  assert.equal(withPassword.length, 1);
  assert.match(withPassword[0], /^redis\.url: .*REDIS_URL/);
  assert.ok(!withPassword[0].includes("hunter2"));
  assert.match(problems({ redis: { url: "http://cache:6379" } })[0], /^redis\.url: /);
  assert.match(problems({ rateLimit: { store: "memcached" } })[0], /^rateLimit\.store: /);
  assert.match(problems({ redis: { commandTimeoutMs: 0 } })[0], /^redis\.commandTimeoutMs: /);
  assert.match(problems({ redis: { password: "x" } })[0], /^redis: /);
  assert.match(problems({ redis: { url: "ftp://cache" } })[0], /^redis\.url: /);
  assert.equal(
    parseConfig({ redis: { url: "https://eu1-x.upstash.io" } }).redis?.url,
    "https://eu1-x.upstash.io",
  );
  assert.equal(parseConfig({ redis: { url: "http://127.0.0.1:8079" } }).redis?.url, "http://127.0.0.1:8079");
});

Deno.test("config: keys on PostgreSQL — the section's defaults, no connection string in the file", () => {
  const config = parseConfig({ keys: { store: "postgres" } });
  assert.equal(config.keys.store, "postgres");
  assert.deepEqual(config.keys.postgres, {
    schema: "gateway",
    poolSize: 4,
    queryTimeoutMs: 1000,
    connectTimeoutMs: 2000,
    migrate: true,
  });
  assert.equal(parseConfig({}).keys.store, "kv", "Deno KV stays the embedded default");
  assert.match(problems({ keys: { postgres: { url: "postgres://u:pw@db/x" } } })[0], /^keys\.postgres: /);
  assert.match(
    problems({ keys: { postgres: { schema: "Robert'); DROP" } } })[0],
    /^keys\.postgres\.schema: /,
  );
  assert.match(problems({ keys: { store: "mysql" } })[0], /^keys\.store: /);
});
