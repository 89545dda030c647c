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

Deno.test("redis config: an https:// URL is Upstash's REST API, its token from the environment only", () => {
  const token = "AXXXtoken-value";
  const s = resolveRedisSettings(
    { url: "https://eu1-fine-cat.upstash.io", keyPrefix: "p:" },
    envOf({ UPSTASH_REDIS_REST_TOKEN: token }),
  );
  assert.equal(s.url, "https://eu1-fine-cat.upstash.io");
  assert.equal(s.restToken, token);
  assert.equal(s.keyPrefix, "p:");
  // Upstash's own variable names work without REDIS_URL; REDIS_URL wins when both are set.
  const fromUpstashEnv = resolveRedisSettings(
    undefined,
    envOf({ UPSTASH_REDIS_REST_URL: "https://x.upstash.io", UPSTASH_REDIS_REST_TOKEN: token }),
  );
  assert.equal(fromUpstashEnv.url, "https://x.upstash.io");
  assert.equal(
    resolveRedisSettings(
      undefined,
      envOf({ REDIS_URL: "redis://a:1", UPSTASH_REDIS_REST_URL: "https://x.io" }),
    ).url,
    "redis://a:1",
  );
});

Deno.test("redis config: REST without a token, with credentials in the URL, or plain http to a remote host is refused", () => {
  const refused = (url: string, env: Record<string, string>, pattern: RegExp) =>
    assert.throws(
      () => resolveRedisSettings(undefined, envOf({ REDIS_URL: url, ...env })),
      (e) =>
        e instanceof RedisError && e.code === "redis_config_invalid" && pattern.test(e.message) &&
        !e.message.includes("s3cret"),
      url,
    );
  refused("https://x.upstash.io", {}, /UPSTASH_REDIS_REST_TOKEN/);
  refused("https://user:s3cret@x.upstash.io", { UPSTASH_REDIS_REST_TOKEN: "t" }, /must not hold credentials/);
  refused("http://cache.internal:8079", { UPSTASH_REDIS_REST_TOKEN: "t" }, /https:\/\//);
  // Plain http only to a loopback front (tests, a local proxy).
  const local = resolveRedisSettings(
    undefined,
    envOf({ REDIS_URL: "http://127.0.0.1:8079", UPSTASH_REDIS_REST_TOKEN: "t" }),
  );
  assert.equal(local.restToken, "t");
});
