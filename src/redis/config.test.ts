import assert from "node:assert/strict";
import { DEFAULT_REDIS_URL, redactRedisUrl, resolveRedisSettings } from "./config.ts";
import { RedisError } from "./errors.ts";

const noEnv = () => undefined;
const envOf = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("redis config: defaults without a file section or environment", () => {
  assert.deepEqual(resolveRedisSettings(undefined, noEnv), {
    url: DEFAULT_REDIS_URL,
    commandTimeoutMs: 50,
    connectTimeoutMs: 1000,
    keyPrefix: "gw:",
  });
});

Deno.test("redis config: REDIS_URL replaces the file's URL and may carry the password", () => {
  const s = resolveRedisSettings(
    { url: "redis://cache.internal:6379", keyPrefix: "prod:", commandTimeoutMs: 80 },
    envOf({ REDIS_URL: "rediss://gateway:s3cret@cache.internal:6380/2" }),
  );
  assert.equal(s.url, "rediss://gateway:s3cret@cache.internal:6380/2");
  assert.equal(s.keyPrefix, "prod:");
  assert.equal(s.commandTimeoutMs, 80);
});

Deno.test("redis config: a password in the file is refused, and not repeated in the error", () => {
  assert.throws(
    () => resolveRedisSettings({ url: "redis://:hunter2@cache:6379" }, noEnv),
    (e) =>
      e instanceof RedisError && e.code === "redis_config_invalid" && /REDIS_URL/.test(e.message) &&
      !e.message.includes("hunter2"),
  );
  // A user name alone (ACL user, password in nothing) is fine.
  assert.equal(resolveRedisSettings({ url: "redis://gw@cache:6379" }, noEnv).url, "redis://gw@cache:6379");
});

Deno.test("redis config: other schemes and non-URLs are refused without echoing them", () => {
  for (const url of ["http://cache:6379", "cache:6379", "not a url :pw"]) {
    assert.throws(
      () => resolveRedisSettings(undefined, envOf({ REDIS_URL: url })),
      (e) => e instanceof RedisError && e.code === "redis_config_invalid" && !e.message.includes(url),
      url,
    );
  }
});

Deno.test("redis config: redaction hides the password only", () => {
  assert.equal(redactRedisUrl("redis://u:pw@h:1/0"), "redis://u:***@h:1/0");
  assert.equal(redactRedisUrl("redis://h:1"), "redis://h:1");
  assert.equal(redactRedisUrl("::"), "(unparseable URL)");
});
