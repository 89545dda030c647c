/**
 * The key CLI end to end, as a subprocess against a temporary Deno KV path; the announcement tests
 * against the real Redis (127.0.0.1:6379 or $REDIS_URL; they fail, never skip, without it).
 */
import assert from "node:assert/strict";
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from "jose";
import { ClaimsSigner } from "../gateway/jwt/signer.ts";
import { signingKeysFromEnv } from "../gateway/jwt/signing_keys.ts";
import { KeyVerifier } from "../keys/verifier.ts";
import { KvKeyStore } from "../keys/kv_store.ts";
import { resolveKeySecret } from "../keys/secret.ts";
import { type KeyChange, subscribeKeyChangesFromRedis } from "../keys/redis_changes.ts";
import type { RedisSettings } from "../redis/config.ts";
import { RedisConnection } from "../redis/connection.ts";
import { closedPort, testRedis } from "../redis/testing/test_redis.ts";
import { PostgresKeyStore } from "../keys/postgres/store.ts";
import { testPostgres } from "../keys/testing/test_postgres.ts";

const CLI = new URL("./keys.ts", import.meta.url).pathname;

async function run(args: string[], env: Record<string, string> = {}, cwd?: string) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-kv", CLI, ...args],
    cwd,
    env: { GATEWAY_KEY_SECRET: "", GATEWAY_CONFIG: "", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
  };
}

async function withDb(fn: (db: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(`${dir}/keys.db`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function verifyWith(db: string, raw: string) {
  const { secret } = await resolveKeySecret({ storePath: db, env: () => undefined });
  const store = await KvKeyStore.open(db);
  try {
    return await new KeyVerifier({ store, secret, cacheTtlMs: 0 }).verify(raw);
  } finally {
    store.close();
  }
}

Deno.test("keys CLI: create, list, show, rotate, revoke against a KV file", async () => {
  await withDb(async (db) => {
    const created = await run([
      "create",
      "--db",
      db,
      "--org",
      "acme",
      "--subject",
      "alice",
      "--type",
      "human",
      "--scopes",
      "read, write",
      "--plan",
      "pro",
      "--expires",
      "30d",
      "--json",
    ]);
    assert.equal(created.code, 0, created.stderr);
    const out = JSON.parse(created.stdout);
    assert.match(out.key, /^gw_live_[0-9A-Za-z]{24}_[0-9A-Za-z]{6}$/);
    assert.equal(out.record.org, "acme");
    assert.deepEqual(out.record.scopes, ["read", "write"]);
    assert.equal(out.record.status, "active");
    assert.equal(out.record.hash, undefined);
    assert.match(created.stderr, /generated a new key HMAC secret/);
    assert.ok(!created.stderr.includes(out.key), "the raw key never goes to stderr");
    assert.equal((await verifyWith(db, out.key)).ok, true);

    const listed = await run(["list", "--db", db, "--json"]);
    assert.equal(listed.code, 0, listed.stderr);
    const keys = JSON.parse(listed.stdout).keys;
    assert.equal(keys.length, 1);
    assert.equal(keys[0].id, out.record.id);
    assert.ok(!listed.stdout.includes(out.key), "list never shows the raw key");
    assert.ok(!listed.stdout.includes("hash"));

    const table = await run(["list", "--db", db, "--org", "acme"]);
    assert.match(
      table.stdout,
      new RegExp(`${out.record.id}\\s+acme\\s+alice\\s+human\\s+read,write\\s+live\\s+pro\\s+active`),
    );
    assert.equal((await run(["list", "--db", db, "--org", "other"])).stdout.trim(), "no keys");

    const rotated = await run(["rotate", out.record.id, "--db", db, "--grace", "1h", "--json"]);
    assert.equal(rotated.code, 0, rotated.stderr);
    const rot = JSON.parse(rotated.stdout);
    assert.notEqual(rot.key, out.key);
    assert.equal(rot.previous.status, "grace");
    assert.equal((await verifyWith(db, rot.key)).ok, true);
    assert.equal((await verifyWith(db, out.key)).ok, true, "old key valid during grace");

    const revoked = await run(["revoke", rot.record.id, "--db", db]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, /^revoked key_/);
    assert.deepEqual(await verifyWith(db, rot.key), { ok: false, reason: "revoked", keyId: rot.record.id });

    const shown = await run(["show", rot.record.id, "--db", db, "--json"]);
    assert.equal(JSON.parse(shown.stdout).record.status, "revoked");
  });
});

Deno.test("keys CLI: the plain create output prints the key once on stdout", async () => {
  await withDb(async (db) => {
    const created = await run([
      "create",
      "--db",
      db,
      "--org",
      "acme",
      "--subject",
      "svc",
      "--type",
      "service",
    ]);
    assert.equal(created.code, 0, created.stderr);
    const keys = created.stdout.match(/gw_live_[0-9A-Za-z]{24}_[0-9A-Za-z]{6}/g);
    assert.equal(keys?.length, 1);
    assert.match(created.stderr, /shown once/);
  });
});

Deno.test("keys CLI: jwk prints a signing key set the gateway takes as GATEWAY_JWT_KEYS", async () => {
  for (const alg of ["EdDSA", "ES256", "RS256"]) {
    const out = await run(["jwk", "--alg", alg, "--kid", `k-${alg}`]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /private key/);
    const keys = await signingKeysFromEnv((name) =>
      name === "GATEWAY_JWT_KEYS" ? out.stdout.trim() : undefined
    );
    assert.equal(keys?.length, 1);
    const signer = await ClaimsSigner.create({ issuer: "gw", keys });
    const { token } = await signer.sign({ org: "acme" }, { subject: "alice", audience: "http://up" });
    const { payload, protectedHeader } = await jwtVerify(
      token,
      createLocalJWKSet(signer.jwks() as JSONWebKeySet),
      {
        issuer: "gw",
        audience: "http://up",
      },
    );
    assert.equal(payload.sub, "alice");
    assert.deepEqual([protectedHeader.alg, protectedHeader.kid], [alg, `k-${alg}`]);
    // The published set holds no private member.
    assert.ok(signer.jwks().keys.every((k) => !("d" in k)));
  }
  assert.equal((await run(["jwk", "--alg", "HS256"])).code, 2);
});

Deno.test("keys CLI: usage errors exit 2, operation errors exit 1 with a stable id", async () => {
  await withDb(async (db) => {
    assert.equal((await run([])).code, 2);
    assert.equal((await run(["explode", "--db", db])).code, 2);
    const missing = await run(["create", "--db", db, "--org", "acme"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /needs --org, --subject and --type/);
    assert.equal(
      (await run(["create", "--db", db, "--org", "a", "--subject", "b", "--type", "robot"])).code,
      2,
    );
    assert.equal(
      (await run(["create", "--db", db, "--org", "a", "--subject", "b", "--type", "human", "--bogus"])).code,
      2,
    );
    const notFound = await run(["revoke", "key_nope", "--db", db]);
    assert.equal(notFound.code, 1);
    assert.match(notFound.stderr, /key_not_found/);
    const badInput = await run(["create", "--db", db, "--org", "a b", "--subject", "b", "--type", "human"]);
    assert.equal(badInput.code, 1);
    assert.match(badInput.stderr, /key_invalid_input/);
  });
});

Deno.test("keys CLI: GATEWAY_KEY_SECRET is used when set (no secret file written)", async () => {
  await withDb(async (db) => {
    const secret = "s".repeat(48);
    const created = await run(
      ["create", "--db", db, "--org", "acme", "--subject", "x", "--type", "agent", "--json"],
      { GATEWAY_KEY_SECRET: secret },
    );
    assert.equal(created.code, 0, created.stderr);
    await assert.rejects(Deno.stat(`${db}.secret`), Deno.errors.NotFound);
    const store = await KvKeyStore.open(db);
    try {
      const check = await new KeyVerifier({ store, secret }).verify(JSON.parse(created.stdout).key);
      assert.equal(check.ok, true);
    } finally {
      store.close();
    }
  });
});

/** Key changes heard on Redis under `prefix` while `fn` runs the CLI. */
async function hearing(
  settings: RedisSettings,
  fn: (heard: KeyChange[], next: (n: number) => Promise<void>) => Promise<void>,
) {
  const redis = await RedisConnection.connect(settings);
  const heard: KeyChange[] = [];
  let more = Promise.withResolvers<void>();
  const unsubscribe = await subscribeKeyChangesFromRedis(redis, (change) => {
    heard.push(change);
    more.resolve();
    more = Promise.withResolvers();
  });
  const next = async (n: number) => {
    while (heard.length < n) await more.promise;
  };
  try {
    await fn(heard, next);
  } finally {
    await unsubscribe();
    await redis.close();
  }
}

const CREATE = ["create", "--org", "acme", "--subject", "svc", "--type", "service", "--json"];

Deno.test("keys CLI + $REDIS_URL: create, rotate and revoke are announced to the gateways", async () => {
  const settings = await testRedis();
  const env = { REDIS_URL: settings.url };
  const prefix = ["--redis-prefix", settings.keyPrefix];
  await withDb(async (db) => {
    await hearing(settings, async (heard, next) => {
      const created = await run([...CREATE, "--db", db, ...prefix], env);
      assert.equal(created.code, 0, created.stderr);
      const { record } = JSON.parse(created.stdout);
      await next(1);
      const kv = await KvKeyStore.open(db);
      const stored = (await kv.get(record.id))!;
      kv.close();
      assert.deepEqual(heard[0], { id: record.id, hash: stored.hash }, "id and hash, never the key");

      const rotated = await run(["rotate", record.id, "--db", db, "--json", ...prefix], env);
      assert.equal(rotated.code, 0, rotated.stderr);
      const newId = JSON.parse(rotated.stdout).record.id;
      await next(3);
      assert.deepEqual(new Set(heard.slice(1, 3).map((c) => c.id)), new Set([record.id, newId]));

      const revoked = await run(["revoke", newId, "--db", db, ...prefix], env);
      assert.equal(revoked.code, 0, revoked.stderr);
      await next(4);
      assert.equal(heard[3].id, newId);
      assert.equal(revoked.stderr, "", "no warning when the announcement went out");

      const listed = await run(["list", "--db", db, ...prefix], env);
      assert.equal(listed.code, 0, listed.stderr);
      assert.equal(heard.length, 4, "reads announce nothing");
    });
  });
});

Deno.test("keys CLI --redis URL: announced on the given server, $REDIS_URL unset", async () => {
  const settings = await testRedis();
  await withDb(async (db) => {
    await hearing(settings, async (heard, next) => {
      const args = ["--db", db, "--redis", settings.url, "--redis-prefix", settings.keyPrefix];
      const created = await run([...CREATE, ...args], { REDIS_URL: "" });
      assert.equal(created.code, 0, created.stderr);
      const id = JSON.parse(created.stdout).record.id;
      const revoked = await run(["revoke", id, ...args], { REDIS_URL: "" });
      assert.equal(revoked.code, 0, revoked.stderr);
      await next(2);
      assert.deepEqual(heard.map((c) => c.id), [id, id]);
    });
  });
});

Deno.test("keys CLI: Redis unreachable — the revocation stands, the missed announcement is a warning", async () => {
  const port = closedPort();
  await withDb(async (db) => {
    const created = await run([...CREATE, "--db", db], { REDIS_URL: "" });
    assert.equal(created.code, 0, created.stderr);
    const { key, record } = JSON.parse(created.stdout);
    const revoked = await run(["revoke", record.id, "--db", db], {
      REDIS_URL: `redis://:hunter2@127.0.0.1:${port}`,
    });
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(
      revoked.stderr,
      new RegExp(`warning: redis_unavailable: change to ${record.id} saved but not`),
    );
    assert.equal(revoked.stderr.includes("hunter2"), false, "the password is never printed");
    assert.deepEqual(await verifyWith(db, key), { ok: false, reason: "revoked", keyId: record.id });
  });
});

Deno.test("keys CLI --redis: a password on the command line, or a bad URL, is a usage error", async () => {
  await withDb(async (db) => {
    const withPassword = await run([...CREATE, "--db", db, "--redis", "redis://:hunter2@127.0.0.1:6379"]);
    assert.equal(withPassword.code, 2);
    assert.match(withPassword.stderr, /--redis must not hold a password: set \$REDIS_URL/);
    assert.equal(withPassword.stderr.includes("hunter2"), false);
    const notRedis = await run([...CREATE, "--db", db, "--redis", "ftp://127.0.0.1:6379"]);
    assert.equal(notRedis.code, 2);
    assert.match(
      notRedis.stderr,
      /--redis must be a redis:\/\/, rediss:\/\/ or https:\/\/ \(Upstash REST\) URL/,
    );
    const restWithoutToken = await run([...CREATE, "--db", db, "--redis", "https://eu1-x.upstash.io"], {
      UPSTASH_REDIS_REST_TOKEN: "",
    });
    assert.equal(restWithoutToken.code, 2);
    assert.match(restWithoutToken.stderr, /set \$UPSTASH_REDIS_REST_TOKEN/);
    await assert.rejects(Deno.stat(db), Deno.errors.NotFound, "nothing was written");
  });
});

Deno.test("keys CLI --store postgres: migrate, create, revoke — a listening store hears each write", async () => {
  const db = await testPostgres();
  const env = {
    DATABASE_URL: db.settings.url,
    GATEWAY_KEY_SECRET: "cli-pg-secret-cli-pg-secret-cli-pg-secret",
  };
  const pg = ["--store", "postgres", "--pg-schema", db.settings.schema];
  try {
    const migrated = await run(["migrate", ...pg], env);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, /applied migrations 1, 2/);
    assert.match((await run(["migrate", ...pg], env)).stdout, /up to date/);

    const store = await PostgresKeyStore.open(db.settings);
    const heard: string[] = [];
    const stop = await store.listen((c) => heard.push(c.id));
    try {
      const created = await run([
        "create",
        ...pg,
        "--json",
        "--org",
        "acme",
        "--subject",
        "a",
        "--type",
        "human",
      ], env);
      assert.equal(created.code, 0, created.stderr);
      const { key, record } = JSON.parse(created.stdout);
      const verifier = new KeyVerifier({ store, secret: env.GATEWAY_KEY_SECRET, cacheTtlMs: 0 });
      assert.equal((await verifier.verify(key)).ok, true);
      assert.equal((await run(["revoke", ...pg, record.id], env)).code, 0);
      assert.deepEqual(await verifier.verify(key), { ok: false, reason: "revoked", keyId: record.id });
      const deadline = Date.now() + 5000;
      while (heard.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(heard, [record.id, record.id], "both writes were notified");
    } finally {
      await stop();
      store.close();
    }
    const noSecret = await run(["list", ...pg], { DATABASE_URL: db.settings.url });
    assert.equal(noSecret.code, 1);
    assert.match(noSecret.stderr, /key_secret_invalid: GATEWAY_KEY_SECRET is not set/);
    const noUrl = await run(["list", ...pg], {
      DATABASE_URL: "",
      GATEWAY_KEY_SECRET: env.GATEWAY_KEY_SECRET,
    });
    assert.equal(noUrl.code, 1);
    assert.match(noUrl.stderr, /set \$DATABASE_URL/);
  } finally {
    await db.drop();
  }
});

Deno.test("keys CLI: name and metadata at create, update in place (scopes, expiry, name, metadata), never a revoked key", async () => {
  await withDb(async (db) => {
    const created = await run([
      ...CREATE,
      "--db",
      db,
      "--scopes",
      "read,write",
      "--expires",
      "30d",
      "--name",
      "CI deploys",
      "--meta",
      "team=platform",
      "--meta",
      "ticket=OPS-12",
    ]);
    assert.equal(created.code, 0, created.stderr);
    const { key, record } = JSON.parse(created.stdout);
    assert.deepEqual([record.name, record.metadata, record.last_used], [
      "CI deploys",
      { team: "platform", ticket: "OPS-12" },
      null,
    ]);
    const shown = await run(["show", record.id, "--db", db]);
    assert.match(shown.stdout, /name: +CI deploys/);
    assert.match(shown.stdout, /meta: +team=platform/);
    assert.match(shown.stdout, /last use: +never seen/);
    const table = await run(["list", "--db", db]);
    assert.match(table.stdout, /LAST USED\s+NAME/);
    assert.match(
      table.stdout,
      new RegExp(`${record.id}\\s+acme\\s+svc\\s+service\\s+read,write\\s.*-\\s+CI deploys`),
    );

    const updated = await run([
      "update",
      record.id,
      "--db",
      db,
      "--json",
      "--scopes",
      "read",
      "--expires",
      "never",
      "--name",
      "narrowed",
      "--meta",
      "ticket=",
      "--meta",
      "owner=ops",
    ]);
    assert.equal(updated.code, 0, updated.stderr);
    const after = JSON.parse(updated.stdout).record;
    assert.deepEqual(
      [after.id, after.scopes, after.expires, after.name, after.metadata],
      [record.id, ["read"], null, "narrowed", { team: "platform", owner: "ops" }],
    );
    const check = await verifyWith(db, key);
    assert.deepEqual(check.ok && check.record.scopes, ["read"], "same key, narrowed");

    assert.equal((await run(["update", record.id, "--db", db])).code, 1, "nothing to update");
    assert.equal((await run(["update", "--db", db, "--name", "x"])).code, 2, "no id");
    assert.equal((await run(["update", record.id, "--db", db, "--meta", "novalue"])).code, 2);
    const badMeta = await run(["update", record.id, "--db", db, "--meta", "a b=c"]);
    assert.equal(badMeta.code, 1);
    assert.match(badMeta.stderr, /key_invalid_input/);
    assert.equal((await run(["revoke", record.id, "--db", db])).code, 0);
    const revived = await run(["update", record.id, "--db", db, "--expires", "never"]);
    assert.equal(revived.code, 1);
    assert.match(revived.stderr, /key_revoked/);
    assert.deepEqual(await verifyWith(db, key), { ok: false, reason: "revoked", keyId: record.id });
  });
});

Deno.test("keys CLI reads the gateway's configuration file: --config, $GATEWAY_CONFIG, gateway.yaml; flags override", async () => {
  const settings = await testRedis();
  const dir = await Deno.makeTempDir();
  try {
    const fileDb = `${dir}/from-file.db`;
    const yaml =
      `keys:\n  db: ${fileDb}\nredis:\n  url: ${settings.url}\n  keyPrefix: "${settings.keyPrefix}"\n`;
    await Deno.writeTextFile(`${dir}/gw.yaml`, yaml);
    await Deno.writeTextFile(`${dir}/gateway.yaml`, yaml);
    await hearing(settings, async (heard, next) => {
      // --config: the store is the file's keys.db, changes go to the file's Redis under its prefix.
      const created = await run([...CREATE, "--config", `${dir}/gw.yaml`], { REDIS_URL: "" });
      assert.equal(created.code, 0, created.stderr);
      const { record } = JSON.parse(created.stdout);
      await next(1);
      assert.equal(heard[0].id, record.id, "announced on the file's redis.keyPrefix");
      const kv = await KvKeyStore.open(fileDb);
      assert.equal((await kv.get(record.id))?.id, record.id, "written to the file's keys.db");
      kv.close();
      // $GATEWAY_CONFIG, and gateway.yaml in the working directory.
      const viaEnv = await run(["list", "--json"], { GATEWAY_CONFIG: `${dir}/gw.yaml`, REDIS_URL: "" });
      assert.deepEqual(JSON.parse(viaEnv.stdout).keys.map((k: { id: string }) => k.id), [record.id]);
      const viaCwd = await run(["update", record.id, "--name", "from-cwd", "--json"], { REDIS_URL: "" }, dir);
      assert.equal(viaCwd.code, 0, viaCwd.stderr);
      assert.equal(JSON.parse(viaCwd.stdout).record.name, "from-cwd");
      await next(2);
      assert.equal(heard[1].id, record.id, "update announced");
      // Flags override the file.
      const otherDb = `${dir}/flag.db`;
      const flagged = await run([
        ...CREATE,
        "--config",
        `${dir}/gw.yaml`,
        "--db",
        otherDb,
        "--redis-prefix",
        "nobody:",
      ], {
        REDIS_URL: "",
      });
      assert.equal(flagged.code, 0, flagged.stderr);
      const other = await KvKeyStore.open(otherDb);
      assert.equal((await other.list()).length, 1);
      other.close();
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(heard.length, 2, "not announced under the file's prefix");
    });
    // An invalid file is a usage error naming the field, as for the gateway.
    await Deno.writeTextFile(`${dir}/bad.yaml`, "keys:\n  stor: postgres\n");
    const bad = await run(["list", "--config", `${dir}/bad.yaml`]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /keys: unknown field "stor" \(did you mean "store"\?\)/);
    assert.equal((await run(["list", "--config", `${dir}/missing.yaml`])).code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("keys CLI: keys.store postgres and keys.postgres.schema from the configuration file", async () => {
  const db = await testPostgres();
  const dir = await Deno.makeTempDir();
  const env = {
    DATABASE_URL: db.settings.url,
    GATEWAY_KEY_SECRET: "cli-pg-secret-cli-pg-secret-cli-pg-secret",
  };
  try {
    await Deno.writeTextFile(
      `${dir}/gw.yaml`,
      `keys:\n  store: postgres\n  postgres:\n    schema: ${db.settings.schema}\n`,
    );
    const created = await run([...CREATE, "--config", `${dir}/gw.yaml`, "--name", "pg"], env);
    assert.equal(created.code, 0, created.stderr);
    const { record } = JSON.parse(created.stdout);
    const store = await PostgresKeyStore.open(db.settings);
    try {
      assert.equal((await store.get(record.id))?.name, "pg", "in the file's schema");
    } finally {
      store.close();
    }
    const updated = await run(
      ["update", record.id, "--config", `${dir}/gw.yaml`, "--scopes", "", "--json"],
      env,
    );
    assert.equal(updated.code, 0, updated.stderr);
    assert.deepEqual(JSON.parse(updated.stdout).record.scopes, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await db.drop();
  }
});
