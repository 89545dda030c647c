/**
 * Key management CLI: `deno task keys <command> [options]`.
 *
 *   create  --org O --subject S --type human|service|agent [--scopes a,b] [--plan P]
 *           [--expires ISO|30d|12h] [--env live|test] [--name N] [--meta k=v]…
 *   update  <id> [--scopes a,b] [--expires ISO|30d|never] [--name N] [--meta k=v]…
 *           (in place, no rotation; `--meta k=` removes k, `--name ""` the name; announced like
 *           a revocation, so gateways apply it on the next request; never to a revoked key)
 *   list    [--org O]                 (scopes, status, expiry, last use, name)
 *   show    <id>
 *   revoke  <id>
 *   rotate  <id> [--grace 3600|1h]    (default grace: 0 — the old key stops now)
 *   migrate                           (PostgreSQL: apply pending schema migrations)
 *   jwk     [--alg EdDSA|ES256|RS256] [--kid K]   (a new JWT signing key set for GATEWAY_JWT_KEYS)
 *
 * The gateway's configuration file is read as the gateway reads it (`--config PATH`, else
 * $GATEWAY_CONFIG, else gateway.yaml / gateway.yml / gateway.json when present; config/load.ts):
 * its keys.store, keys.db, keys.postgres and redis (url, keyPrefix) say where the keys are and where
 * changes are announced; a flag overrides the file.
 * Common: --json; where the keys are: --store kv|postgres (default $GATEWAY_KEYS_STORE, else the
 * file's keys.store). kv: --db PATH (default the file's keys.db, else $GATEWAY_KEYS_DB, else
 * data/keys.db, as the gateway). postgres: the connection from $DATABASE_URL, --pg-schema S
 * (default the file's keys.postgres.schema, else "gateway"); every write is then seen by every
 * gateway at once (NOTIFY), with or without Redis.
 * Redis: with --redis URL (no password: that goes in $REDIS_URL only), $REDIS_URL, or a file whose
 * gateways use Redis, create, update, rotate and revoke are announced to running gateways on
 * `<prefix>key-changes` (--redis-prefix, else the file's redis.keyPrefix, else "gw:"), so they act
 * on it at once. If the announcement fails the write still stands (exit 0) and a warning names the
 * key: the gateways then see the change within their keys.cacheTtlMs.
 * The HMAC secret comes from $GATEWAY_KEY_SECRET or, for kv only, from `<db>.secret` beside the
 * store (generated on first use). The raw key is printed once, by create and rotate, to stdout only.
 * Exit codes: 0 ok, 1 operation failed (stable error id on stderr), 2 usage error.
 */
import { ConfigError } from "../config/errors.ts";
import { loadConfig } from "../config/load.ts";
import type { GatewayConfig } from "../config/schema.ts";
import { generateSigningJwk, SIGNING_ALGS, type SigningAlg } from "../gateway/jwt/signing_keys.ts";
import { KeyError } from "../keys/errors.ts";
import {
  createKey,
  IDENTITY_TYPES,
  type KeyView,
  keyView,
  revokeKey,
  rotateKey,
  updateKey,
} from "../keys/manage.ts";
import { keysDbPath, type KeyStoreKind, openKeys } from "../keys/open.ts";
import type { IdentityType, KeyStore } from "../keys/types.ts";
import { redactRedisUrl } from "../redis/config.ts";
import { RedisError } from "../redis/errors.ts";
import { HelpRequested, parseCliArgs, UsageError } from "./cli_args.ts";
import { announcerSettings, type KeyAnnouncer, openKeyAnnouncer } from "./key_announcer.ts";

const USAGE = `usage: deno task keys <create|update|list|show|revoke|rotate|migrate|jwk> [options]
  create  --org O --subject S --type human|service|agent [--scopes a,b] [--plan P] [--expires ISO|30d] [--env live]
          [--name N] [--meta k=v]...
  update  <id> [--scopes a,b] [--expires ISO|30d|never] [--name N] [--meta k=v]...  (k= removes k)
  list    [--org O]
  show    <id>
  revoke  <id>
  rotate  <id> [--grace SECONDS|1h]
  migrate (postgres: apply pending schema migrations)
  jwk     [--alg EdDSA|ES256|RS256] [--kid K]  a new private signing key set for $GATEWAY_JWT_KEYS
  common: --config PATH (default $GATEWAY_CONFIG, else gateway.yaml: keys and redis as the gateway reads them)
          --store kv|postgres  --db PATH (kv)  --pg-schema S (postgres; $DATABASE_URL)  --json
          --redis URL  --redis-prefix P (announce changes; default: $REDIS_URL, else the file's redis)`;

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

/** `--meta k=v` flags as a map; with `removable`, `k=` maps k to null (remove it). */
function parseMeta(
  flags: string[] | undefined,
  removable: boolean,
): Record<string, string | null> | undefined {
  if (flags === undefined || flags.length === 0) return undefined;
  const out: Record<string, string | null> = {};
  for (const flag of flags) {
    const eq = flag.indexOf("=");
    if (eq <= 0) throw new UsageError(`invalid --meta "${flag}" (use key=value)`);
    const value = flag.slice(eq + 1);
    if (value === "" && !removable) throw new UsageError(`--meta ${flag.slice(0, eq)} needs a value`);
    out[flag.slice(0, eq)] = value === "" ? null : value;
  }
  return out;
}

function parseScopes(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter((s) => s);
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
    `last use: ${view.last_used ?? "never seen"}`,
  ];
  if (view.name !== null) lines.splice(1, 0, `name:     ${view.name}`);
  for (const [k, v] of Object.entries(view.metadata)) lines.push(`meta:     ${k}=${v}`);
  if (view.revoked) lines.push(`revoked:  ${view.revoked}`);
  if (view.grace_until) lines.push(`grace:    valid until ${view.grace_until}`);
  return lines.join("\n");
}

function table(views: KeyView[]): string {
  const rows = [
    ["ID", "ORG", "SUBJECT", "TYPE", "SCOPES", "ENV", "PLAN", "STATUS", "EXPIRES", "LAST USED", "NAME"],
  ];
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
      v.last_used ?? "-",
      v.name ?? "-",
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
      name: { type: "string" },
      meta: { type: "string", multiple: true },
      config: { type: "string" },
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
  if (!["create", "update", "list", "show", "revoke", "rotate", "migrate", "jwk"].includes(command)) {
    console.error(`unknown command "${command}"\n${USAGE}`);
    return 2;
  }
  if (command === "jwk") return await printSigningKeySet(values.alg ?? "EdDSA", values.kid, rest);

  // The gateways' configuration file: where the keys are and where changes are announced.
  let config: GatewayConfig;
  try {
    ({ config } = await loadConfig({ path: values.config }));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 2;
  }
  const gatewaysUseRedis = config.redis !== undefined || config.rateLimit.store === "redis";

  let redisSettings;
  try {
    redisSettings = announcerSettings({
      url: values.redis,
      prefix: values["redis-prefix"],
      file: gatewaysUseRedis ? (config.redis ?? {}) : undefined,
    });
  } catch (error) {
    if (!(error instanceof RedisError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    return 2;
  }

  const kind = (values.store ?? (Deno.env.get("GATEWAY_KEYS_STORE") || config.keys.store)) as KeyStoreKind;
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
      db: values.db ?? config.keys.db,
      postgres: {
        ...config.keys.postgres,
        schema: values["pg-schema"] ?? config.keys.postgres.schema,
        migrate: command === "migrate" ? false : config.keys.postgres.migrate,
      },
    });
  } catch (error) {
    console.error(
      `error: ${error instanceof KeyError ? error.code : "key_store_failed"}: ${(error as Error).message}`,
    );
    return 1;
  }
  const { secret, source } = opened;
  if (source === "generated") {
    console.error(`note: generated a new key HMAC secret beside ${keysDbPath(values.db ?? config.keys.db)}`);
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
  if (redisSettings !== null && ["create", "update", "rotate", "revoke"].includes(command)) {
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
          scopes: values.scopes ? parseScopes(values.scopes) : [],
          plan: values.plan,
          expires: values.expires ? parseExpires(values.expires, now) : null,
          env: values.env,
          name: values.name,
          metadata: parseMeta(values.meta, false) as Record<string, string> | undefined,
        });
        const view = keyView(issued.record, now);
        if (!json) console.error("This key is shown once. Store it now; it cannot be recovered.");
        print(json, { key: issued.rawKey, record: view }, `${issued.rawKey}\n\n${describe(view)}`);
        return 0;
      }
      case "update": {
        const id = oneId(rest, command);
        const record = await updateKey(ctx, id, {
          scopes: values.scopes === undefined ? undefined : parseScopes(values.scopes),
          expires: values.expires === undefined
            ? undefined
            : values.expires === "never"
            ? null
            : parseExpires(values.expires, now),
          name: values.name === undefined ? undefined : values.name === "" ? null : values.name,
          metadata: parseMeta(values.meta, true),
        });
        const view = keyView(record, now);
        print(json, { record: view }, `updated ${view.id}\n\n${describe(view)}`);
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
