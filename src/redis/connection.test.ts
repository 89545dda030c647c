import assert from "node:assert/strict";
import { RedisConnection, type RedisState } from "./connection.ts";
import { RedisError } from "./errors.ts";
import { redisHealth } from "./health.ts";
import { LuaScript } from "./script.ts";
import { closedPort, FlakyProxy, settingsAt, testRedis } from "./testing/test_redis.ts";

const isCode = (code: string) => (e: unknown) => e instanceof RedisError && e.code === code;

Deno.test("RedisConnection: commands reach the real server", async () => {
  const conn = await RedisConnection.connect(await testRedis());
  try {
    assert.equal(conn.state, "up");
    const key = `${conn.settings.keyPrefix}k`;
    assert.equal(await conn.command(["SET", key, "v", "PX", "10000"]), "OK");
    assert.equal(await conn.command(["GET", key]), "v");
    assert.ok((await conn.ping()) >= 0);
    assert.equal((await redisHealth(conn)).status, "up");
  } finally {
    await conn.close();
  }
});

Deno.test("RedisConnection: an uncached script is sent in full once, then run by its SHA", async () => {
  const conn = await RedisConnection.connect(await testRedis());
  try {
    // A source no server has seen, so the first EVALSHA answers NOSCRIPT.
    const script = new LuaScript("echo", `-- ${crypto.randomUUID()}\nreturn {KEYS[1], ARGV[1]}`);
    assert.deepEqual(await conn.command(["SCRIPT", "EXISTS", script.sha]), [0]);
    assert.deepEqual(await conn.evalScript(script, ["k"], ["a"]), ["k", "a"]);
    assert.deepEqual(await conn.command(["SCRIPT", "EXISTS", script.sha]), [1], "EVAL cached it");
    assert.deepEqual(await conn.evalScript(script, ["k2"], ["b"]), ["k2", "b"]);
  } finally {
    await conn.close();
  }
});

Deno.test("RedisConnection: a script error is reported as RedisError", async () => {
  const conn = await RedisConnection.connect(await testRedis());
  try {
    const script = new LuaScript("boom", `-- ${crypto.randomUUID()}\nreturn redis.error_reply("boom")`);
    await assert.rejects(
      conn.evalScript(script, [], []),
      (e) => isCode("redis_unavailable")(e) && /boom/.test(String(e)),
    );
  } finally {
    await conn.close();
  }
});

Deno.test("RedisConnection: nothing listening — connect and every command fail fast", async () => {
  const settings = settingsAt(closedPort(), { connectTimeoutMs: 300 });
  await assert.rejects(RedisConnection.connect(settings), isCode("redis_unavailable"));
  const states: RedisState[] = [];
  const conn = RedisConnection.open(settings, { onStateChange: (s) => states.push(s) });
  try {
    await assert.rejects(conn.ping(), isCode("redis_unavailable"));
    await assert.rejects(conn.publish("c", "m"), isCode("redis_unavailable"));
    assert.deepEqual(await redisHealth(conn), { status: "down", error: "redis_unavailable" });
    assert.ok(!states.includes("up"));
  } finally {
    await conn.close();
  }
  assert.equal(conn.state, "closed");
});

Deno.test("RedisConnection: a server that stops answering hits the deadline (redis_timeout)", async () => {
  const settings = await testRedis();
  const proxy = FlakyProxy.start(settings.url);
  const conn = await RedisConnection.connect(proxy.settings(settings));
  try {
    assert.ok((await conn.ping()) >= 0);
    proxy.freeze();
    await assert.rejects(conn.ping(), isCode("redis_timeout"));
    await assert.rejects(conn.evalScript(new LuaScript("x", "return 1"), [], []), isCode("redis_timeout"));
    assert.deepEqual(await redisHealth(conn), { status: "down", error: "redis_timeout" });
  } finally {
    await conn.close();
    await proxy.close();
  }
});

Deno.test("RedisConnection: after the server comes back, commands and subscriptions work again", async () => {
  const settings = await testRedis();
  const proxy = FlakyProxy.start(settings.url);
  const resubscribed = Promise.withResolvers<void>();
  const states: RedisState[] = [];
  const conn = await RedisConnection.connect({ ...settings, url: proxy.url(settings.url) }, {
    onStateChange: (s) => states.push(s),
    onResubscribed: () => resubscribed.resolve(),
  });
  const publisher = await RedisConnection.connect(settings);
  try {
    const channel = `${settings.keyPrefix}ch`;
    const messages: string[] = [];
    const heard = Promise.withResolvers<void>();
    await conn.subscribe(channel, (m) => {
      messages.push(m);
      heard.resolve();
    });
    proxy.cut();
    await assert.rejects(conn.ping(), RedisError);
    proxy.restore();
    await resubscribed.promise;
    while ((await conn.ping().catch(() => null)) === null) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(states.slice(0, 3), ["up", "down", "up"]);
    await publisher.publish(channel, "after");
    await heard.promise;
    assert.deepEqual(messages, ["after"]);
  } finally {
    await publisher.close();
    await conn.close();
    await proxy.close();
  }
});

Deno.test("RedisConnection: a subscription made while Redis is down starts when it comes up", async () => {
  const settings = await testRedis();
  const proxy = FlakyProxy.start(settings.url);
  proxy.cut();
  const conn = RedisConnection.open({ ...settings, url: proxy.url(settings.url) });
  const publisher = await RedisConnection.connect(settings);
  try {
    const channel = `${settings.keyPrefix}ch`;
    const heard = Promise.withResolvers<string>();
    const subscribing = conn.subscribe(channel, (m) => heard.resolve(m));
    await assert.rejects(conn.ping(), RedisError);
    proxy.restore();
    await subscribing;
    assert.equal(await publisher.publish(channel, "late"), 1);
    assert.equal(await heard.promise, "late");
  } finally {
    await publisher.close();
    await conn.close();
    await proxy.close();
  }
});

Deno.test("RedisConnection: publish on one connection, the other's subscriber hears it", async () => {
  const settings = await testRedis();
  const a = await RedisConnection.connect(settings);
  const b = await RedisConnection.connect(settings);
  try {
    const channel = `${settings.keyPrefix}ch`;
    const got = Promise.withResolvers<string>();
    const unsubscribe = await b.subscribe(channel, (m) => got.resolve(m));
    assert.equal(await a.publish(channel, "hello"), 1);
    assert.equal(await got.promise, "hello");
    await unsubscribe();
    assert.equal(await a.publish(channel, "again"), 0, "no subscriber left");
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("RedisConnection: closed is closed", async () => {
  const conn = await RedisConnection.connect(await testRedis());
  await conn.close();
  await conn.close();
  await assert.rejects(conn.ping(), isCode("redis_unavailable"));
  await assert.rejects(conn.subscribe("c", () => {}), isCode("redis_unavailable"));
});
