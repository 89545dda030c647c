/**
 * Key management CLI: `deno task keys <command> [options]`.
 *
 *   create  --org O --subject S --type human|service|agent [--scopes a,b] [--plan P]
 *           [--expires ISO|30d|12h] [--env live|test]
 *   list    [--org O]
 *   show    <id>
 *   revoke  <id>
 *   rotate  <id> [--grace 3600|1h]    (default grace: 0 — the old key stops now)
 *   migrate                           (PostgreSQL: apply pending schema migrations)
 *   jwk     [--alg EdDSA|ES256|RS256] [--kid K]   (a new JWT signing key set for GATEWAY_JWT_KEYS)
 *
 * Common: --json; where the keys are: --store kv|postgres (default $GATEWAY_KEYS_STORE, else kv).
 * kv: --db PATH (default $GATEWAY_KEYS_DB or data/keys.db). postgres: the connection from
 * $DATABASE_URL, --pg-schema S (default "gateway", as the gateways' keys.postgres.schema); every
 * write is then seen by every gateway at once (NOTIFY), with or without Redis.
 * Redis: with $REDIS_URL set or --redis URL (no password: that goes in $REDIS_URL only), create,
 * rotate and revoke are announced to running gateways on `<prefix>key-changes` (--redis-prefix,
 * default "gw:", as the gateways' redis.keyPrefix), so they act on it at once. If the announcement
 * fails the write still stands (exit 0) and a warning names the key: the gateways then see the
 * change within their keys.cacheTtlMs.
 * The HMAC secret comes from $GATEWAY_KEY_SECRET or, for kv only, from `<db>.secret` beside the
 * store (generated on first use). The raw key is printed once, by create and rotate, to stdout only.
 * Exit codes: 0 ok, 1 operation failed (stable error id on stderr), 2 usage error.
 */
import { generateSigningJwk, SIGNING_ALGS, type SigningAlg } from "../gateway/jwt/signing_keys.ts";
import { KeyError } from "../keys/errors.ts";
import { createKey, IDENTITY_TYPES, type KeyView, keyView, revokeKey, rotateKey } from "../keys/manage.ts";
import { keysDbPath, type KeyStoreKind, openKeys } from "../keys/open.ts";
import type { IdentityType, KeyStore } from "../keys/types.ts";
import { redactRedisUrl } from "../redis/config.ts";
import { RedisError } from "../redis/errors.ts";
import { HelpRequested, parseCliArgs, UsageError } from "./cli_args.ts";
import { announcerSettings, type KeyAnnouncer, openKeyAnnouncer } from "./key_announcer.ts";

const USAGE = `usage: deno task keys <create|list|show|revoke|rotate|migrate|jwk> [options]
  create  --org O --subject S --type human|service|agent [--scopes a,b] [--plan P] [--expires ISO|30d] [--env live]
  list    [--org O]
  show    <id>
  revoke  <id>
  rotate  <id> [--grace SECONDS|1h]
  migrate (postgres: apply pending schema migrations)
  jwk     [--alg EdDSA|ES256|RS256] [--kid K]  a new private signing key set for $GATEWAY_JWT_KEYS
  common: --store kv|postgres  --db PATH (kv)  --pg-schema S (postgres; $DATABASE_URL)  --json
          --redis URL  --redis-prefix P (announce changes; default: $REDIS_URL)`;

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** "90", "90s", "15m", "12h", "30d", "2w" → seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)([smhdw]?)$/.exec(text.trim());
  if (!match) throw new UsageError(`invalid duration "${text}" (use e.g. 90, 15m, 12h, 30d)`);
  return Number(match[1]) * UNITS[match[2] || "s"];
}

function parseExpires(text: string, now: Date): string {
  if (/^\d+[smhdw]$/.test(text)) return new Date(now.getTime() + parseDuration(text) * 1000).toISOString();
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new UsageError(`invalid --expires "${text}" (ISO 8601 or a duration like 30d)`);
  return new Date(t).toISOString();
}

function describe(view: KeyView): string {
  const lines = [
    `id:       ${view.id}`,
    `org:      ${view.org}`,
    `subject:  ${view.subject} (${view.identity_type})`,
    `scopes:   ${view.scopes.join(",") || "-"}`,
    `plan:     ${view.plan}`,
    `env:      ${view.env}`,
    `status:   ${view.status}`,
    `created:  ${view.created}`,
    `expires:  ${view.expires ?? "never"}`,
  ];
  if (view.revoked) lines.push(`revoked:  ${view.revoked}`);
  if (view.grace_until) lines.push(`grace:    valid until ${view.grace_until}`);
  return lines.join("\n");
}

function table(views: KeyView[]): string {
  const rows = [["ID", "ORG", "SUBJECT", "TYPE", "SCOPES", "ENV", "PLAN", "STATUS", "EXPIRES"]];
  for (const v of views) {
    const scopes = v.scopes.join(",") || "-";
    rows.push([
      v.id,
      v.org,
      v.subject,
      v.identity_type,
      scopes,
      v.env,
      v.plan,
      v.status,
      v.expires ?? "never",
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

/**
 * `jwk`: a new private signing key set, one line of JSON on stdout (what GATEWAY_JWT_KEYS takes),
 * guidance on stderr. Nothing is stored: the operator keeps it in their secret store.
 */
async function printSigningKeySet(alg: string, kid: string | undefined, rest: string[]): Promise<number> {
  if (rest.length) {
    console.error(`jwk takes no positional arguments\n${USAGE}`);
    return 2;
  }
  if (!SIGNING_ALGS.includes(alg as SigningAlg)) {
    console.error(`--alg must be one of ${SIGNING_ALGS.join(", ")}\n${USAGE}`);
    return 2;
  }
  const jwk = await generateSigningJwk(alg as SigningAlg, kid);
  console.log(JSON.stringify({ keys: [jwk] }));
  console.error(
    "A private key: put it in GATEWAY_JWT_KEYS through your secret store, never in a file in Git.\n" +
      "To rotate, list the new key first and keep the old one after it until the tokens it signed expire.",
  );
  return 0;
}

function print(json: boolean, value: unknown, text: string): void {
  console.log(json ? JSON.stringify(value, null, 2) : text);
}

function oneId(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command} needs exactly one key id`);
  return positionals[0];
}

export async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCliArgs(args, {
      db: { type: "string" },
      json: { type: "boolean", default: false },
      org: { type: "string" },
      subject: { type: "string" },
      type: { type: "string" },
      scopes: { type: "string" },
      plan: { type: "string" },
      expires: { type: "string" },
      env: { type: "string" },
      grace: { type: "string" },
      redis: { type: "string" },
      "redis-prefix": { type: "string" },
      store: { type: "string" },
      "pg-schema": { type: "string" },
      alg: { type: "string" },
      kid: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    });
  } catch (error) {
    if (error instanceof HelpRequested) {
      console.log(USAGE);
      return 0;
    }
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    if (values.help) console.log(USAGE);
    else console.error(USAGE);
    return values.help ? 0 : 2;
  }
  if (!["create", "list", "show", "revoke", "rotate", "migrate", "jwk"].includes(command)) {
    console.error(`unknown command "${command}"\n${USAGE}`);
    return 2;
  }
  if (command === "jwk") return await printSigningKeySet(values.alg ?? "EdDSA", values.kid, rest);

  let redisSettings;
  try {
    redisSettings = announcerSettings({ url: values.redis, prefix: values["redis-prefix"] });
  } catch (error) {
    if (!(error instanceof RedisError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    return 2;
  }

  const kind = (values.store ?? (Deno.env.get("GATEWAY_KEYS_STORE") || "kv")) as KeyStoreKind;
  if (kind !== "kv" && kind !== "postgres") {
    console.error(`--store must be kv or postgres\n${USAGE}`);
    return 2;
  }
  if (command === "migrate" && kind !== "postgres") {
    console.error(`migrate is for --store postgres\n${USAGE}`);
    return 2;
  }
  let opened;
  try {
    opened = await openKeys({
      store: kind,
      db: values.db,
      postgres: { schema: values["pg-schema"], migrate: command === "migrate" ? false : undefined },
    });
  } catch (error) {
    console.error(
      `error: ${error instanceof KeyError ? error.code : "key_store_failed"}: ${(error as Error).message}`,
    );
    return 1;
  }
  const { secret, source } = opened;
  if (source === "generated") {
    console.error(`note: generated a new key HMAC secret beside ${keysDbPath(values.db)}`);
  }
  if (command === "migrate") {
    try {
      const applied = await opened.postgres!.migrate();
      print(
        values.json,
        { applied },
        applied.length ? `applied migrations ${applied.join(", ")}` : "the key store's schema is up to date",
      );
      return 0;
    } catch (error) {
      console.error(`error: ${(error as KeyError).code ?? "key_store_failed"}: ${(error as Error).message}`);
      return 1;
    } finally {
      opened.store.close();
    }
  }
  // Writes are announced to the gateways when Redis is configured (reads need no Redis).
  let announcer: KeyAnnouncer | null = null;
  let store: KeyStore = opened.store;
  if (redisSettings !== null && ["create", "rotate", "revoke"].includes(command)) {
    const where = redactRedisUrl(redisSettings.url);
    announcer = await openKeyAnnouncer(opened.store, redisSettings, (error, change) =>
      console.error(
        `warning: ${error.code}: change to ${change.id} saved but not announced on ${where}; ` +
          "gateways see it within their keys.cacheTtlMs",
      ));
    store = announcer.store;
  }
  const now = new Date();
  const ctx = { store, secret, now: () => now };
  const json = values.json;
  try {
    switch (command) {
      case "create": {
        if (rest.length) throw new UsageError("create takes no positional arguments");
        if (!values.org || !values.subject || !values.type) {
          throw new UsageError("create needs --org, --subject and --type");
        }
        if (!IDENTITY_TYPES.includes(values.type as IdentityType)) {
          throw new UsageError(`--type must be one of ${IDENTITY_TYPES.join(", ")}`);
        }
        const issued = await createKey(ctx, {
          org: values.org,
          subject: values.subject,
          identityType: values.type as IdentityType,
          scopes: values.scopes ? values.scopes.split(",").map((s) => s.trim()).filter((s) => s) : [],
          plan: values.plan,
          expires: values.expires ? parseExpires(values.expires, now) : null,
          env: values.env,
        });
        const view = keyView(issued.record, now);
        if (!json) console.error("This key is shown once. Store it now; it cannot be recovered.");
        print(json, { key: issued.rawKey, record: view }, `${issued.rawKey}\n\n${describe(view)}`);
        return 0;
      }
      case "list": {
        if (rest.length) throw new UsageError("list takes no positional arguments");
        const records = await store.list(values.org ? { org: values.org } : undefined);
        const views = records.map((r) => keyView(r, now));
        print(json, { keys: views }, views.length ? table(views) : "no keys");
        return 0;
      }
      case "show": {
        const record = await store.get(oneId(rest, command));
        if (record === null) throw new KeyError("key_not_found", `no key with id ${rest[0]}`);
        const view = keyView(record, now);
        print(json, { record: view }, describe(view));
        return 0;
      }
      case "revoke": {
        const record = await revokeKey(ctx, oneId(rest, command));
        const view = keyView(record, now);
        print(json, { record: view }, `revoked ${view.id} at ${view.revoked}`);
        return 0;
      }
      case "rotate": {
        const id = oneId(rest, command);
        const grace = values.grace === undefined ? 0 : parseDuration(values.grace);
        const issued = await rotateKey(ctx, id, grace);
        const view = keyView(issued.record, now);
        const previous = keyView(issued.previous, now);
        if (!json) console.error("The new key is shown once. Store it now; it cannot be recovered.");
        print(
          json,
          { key: issued.rawKey, record: view, previous },
          `${issued.rawKey}\n\n${
            describe(view)
          }\n\nold key ${previous.id} stays valid until ${previous.grace_until}`,
        );
        return 0;
      }
    }
    return 2;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${USAGE}`);
      return 2;
    }
    if (error instanceof KeyError) {
      console.error(`error: ${error.code}: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await announcer?.close();
    opened.store.close();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
