/**
 * The shared KeyStore on PostgreSQL, for several gateway replicas (and the `keys` CLI and admin
 * API of any of them) working on one set of keys. Client: `postgres` (porsager): no dependencies,
 * LISTEN/NOTIFY with automatic re-listening after a lost connection, pooled, runs under Deno.
 *
 * - Table `<schema>.api_keys` (migrations.ts), one row per key; `hash` is unique, so lookups by
 *   hash use its index and a hash can never belong to two keys.
 * - A put is one transaction: the row is written and the change (id and hash, plus the old hash
 *   when it moved) is sent with `pg_notify` on `<schema>_key_changes`, delivered at commit to every
 *   listening replica (`listen`), which drops that cached lookup. Stores on the same database and
 *   schema in one process also share a named in-process change channel (changes.ts). A put keeps
 *   the earlier revocation and grace end and the later last use (record_rules.ts), in SQL.
 * - Last uses (recordLastUsed) are one UPDATE of `last_used` alone for the whole batch, only ever
 *   forward, not announced (authorization does not read it).
 * - Every query runs under `queryTimeoutMs`; an unreachable or slow server fails it with
 *   KeyError(key_store_unavailable), never a wait: the verifier then answers from its cache while
 *   an entry lasts and fails closed for anything it must look up.
 * - Errors never carry the connection string.
 */
import postgres, { type Sql } from "postgres";
import { publishKeyChange } from "../changes.ts";
import { KeyError } from "../errors.ts";
import { latest } from "../record_rules.ts";
import type { KeyRecord, KeyStore, LastUse } from "../types.ts";
import { migrate } from "./migrations.ts";
import { type PostgresSettings, redactDatabaseUrl } from "./settings.ts";

export interface PgKeyChange {
  id: string;
  hash: string;
}

export interface ListenOptions {
  /**
   * Listening restarted after a lost connection: notifications sent meanwhile were missed, so the
   * caller drops every cached lookup.
   */
  onResync?: () => void;
  /** A notification that is not a key change (ignored). */
  onInvalidMessage?: () => void;
}

export type StoreHealth = { status: "up"; latency_ms: number } | { status: "down"; error: string };

interface Row {
  id: string;
  hash: string;
  org: string;
  subject: string;
  identity_type: string;
  scopes: string[];
  plan: string;
  env: string;
  created: Date;
  expires: Date | null;
  revoked: Date | null;
  grace_until: Date | null;
  name: string | null;
  metadata: Record<string, string> | null;
  last_used: Date | null;
}

const HASH = /^[0-9a-f]{64}$/;
const COLUMNS =
  "id, hash, org, subject, identity_type, scopes, plan, env, created, expires, revoked, grace_until, " +
  "name, metadata, last_used";

export class PostgresKeyStore implements KeyStore {
  readonly settings: PostgresSettings;
  /** Stores on the same database and schema in one process notify each other's verifiers. */
  readonly changeChannel: string;
  /** The NOTIFY channel of key changes. */
  readonly notifyChannel: string;
  readonly #sql: Sql;
  readonly #table: string;
  #closed = false;

  private constructor(settings: PostgresSettings, sql: Sql) {
    this.settings = settings;
    this.#sql = sql;
    this.#table = `"${settings.schema}".api_keys`;
    this.notifyChannel = `${settings.schema}_key_changes`;
    const u = new URL(settings.url);
    this.changeChannel = `pg:${u.hostname}:${u.port || 5432}${u.pathname}#${settings.schema}`;
  }

  /**
   * Opens the pool without waiting for the server (a gateway starts while PostgreSQL is down and
   * reports it on /readyz). With `migrate`, the pending migrations are applied first, and then
   * the server must be there.
   */
  static async open(settings: PostgresSettings, opts: { migrate?: boolean } = {}): Promise<PostgresKeyStore> {
    const sql = postgres(settings.url, {
      max: settings.poolSize,
      connect_timeout: Math.max(1, Math.ceil(settings.connectTimeoutMs / 1000)),
      idle_timeout: 60,
      max_lifetime: 30 * 60,
      onnotice: () => {},
      connection: { application_name: "policy-gateway" },
    });
    const store = new PostgresKeyStore(settings, sql);
    if (opts.migrate ?? settings.migrate) {
      try {
        await migrate(sql, settings.schema);
      } catch (e) {
        await sql.end({ timeout: 1 }).catch(() => {});
        throw store.#error(e, "migrating the key store");
      }
    }
    return store;
  }

  /** Applies pending migrations (for `deno task keys migrate`); returns the versions applied. */
  async migrate(): Promise<number[]> {
    try {
      return await migrate(this.#sql, this.settings.schema);
    } catch (e) {
      throw this.#error(e, "migrating the key store");
    }
  }

  async get(id: string): Promise<KeyRecord | null> {
    const rows = await this.#query<Row[]>(
      "get",
      (sql) => sql.unsafe(`SELECT ${COLUMNS} FROM ${this.#table} WHERE id = $1`, [id]),
    );
    return rows.length === 0 ? null : toRecord(rows[0]);
  }

  async findByHash(hash: string): Promise<KeyRecord | null> {
    const rows = await this.#query<Row[]>(
      "findByHash",
      (sql) => sql.unsafe(`SELECT ${COLUMNS} FROM ${this.#table} WHERE hash = $1`, [hash]),
    );
    return rows.length === 0 ? null : toRecord(rows[0]);
  }

  async list(filter?: { org?: string }): Promise<KeyRecord[]> {
    const rows = await this.#query<Row[]>(
      "list",
      (sql) =>
        filter?.org === undefined
          ? sql.unsafe(`SELECT ${COLUMNS} FROM ${this.#table} ORDER BY created, id`)
          : sql.unsafe(`SELECT ${COLUMNS} FROM ${this.#table} WHERE org = $1 ORDER BY created, id`, [
            filter.org,
          ]),
    );
    return rows.map(toRecord);
  }

  async put(record: KeyRecord): Promise<void> {
    let previousHash: string | null = null;
    try {
      await this.#query("put", (sql) =>
        sql.begin(async (tx) => {
          const prev = await tx.unsafe(`SELECT hash FROM ${this.#table} WHERE id = $1 FOR UPDATE`, [
            record.id,
          ]);
          previousHash = prev.length > 0 ? String(prev[0].hash) : null;
          await tx.unsafe(
            `INSERT INTO ${this.#table} AS k (${COLUMNS}, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::text::jsonb, $15, now())
             ON CONFLICT (id) DO UPDATE SET
               hash = EXCLUDED.hash, org = EXCLUDED.org, subject = EXCLUDED.subject,
               identity_type = EXCLUDED.identity_type, scopes = EXCLUDED.scopes, plan = EXCLUDED.plan,
               env = EXCLUDED.env, created = EXCLUDED.created, expires = EXCLUDED.expires,
               revoked = LEAST(k.revoked, EXCLUDED.revoked),
               grace_until = LEAST(k.grace_until, EXCLUDED.grace_until),
               name = EXCLUDED.name, metadata = EXCLUDED.metadata,
               last_used = GREATEST(k.last_used, EXCLUDED.last_used), updated_at = now()`,
            [
              record.id,
              record.hash,
              record.org,
              record.subject,
              record.identityType,
              [...record.scopes] as unknown as string,
              record.plan,
              record.env,
              record.created,
              record.expires,
              record.revoked,
              record.graceUntil,
              record.name ?? null,
              JSON.stringify(record.metadata ?? {}),
              record.lastUsed ?? null,
            ],
          );
          const notify = (hash: string) =>
            tx`SELECT pg_notify(${this.notifyChannel}, ${JSON.stringify({ id: record.id, hash })})`;
          await notify(record.hash);
          if (previousHash !== null && previousHash !== record.hash) await notify(previousHash);
        }));
    } catch (e) {
      if ((e as { code?: string; constraint_name?: string }).constraint_name === "api_keys_hash_key") {
        throw new KeyError("key_store_failed", "another key already has this hash");
      }
      throw e;
    }
    publishKeyChange(this, record);
    if (previousHash !== null && previousHash !== record.hash) {
      publishKeyChange(this, { ...record, hash: previousHash });
    }
  }

  async recordLastUsed(uses: readonly LastUse[]): Promise<void> {
    const at = new Map<string, string>();
    for (const u of uses) at.set(u.id, latest(at.get(u.id) ?? null, u.at)!);
    if (at.size === 0) return;
    await this.#query("recordLastUsed", (sql) =>
      sql.unsafe(
        `UPDATE ${this.#table} AS k SET last_used = u.at
         FROM unnest($1::text[], $2::text[]::timestamptz[]) AS u(id, at)
         WHERE k.id = u.id AND (k.last_used IS NULL OR k.last_used < u.at)`,
        [[...at.keys()] as unknown as string, [...at.values()] as unknown as string],
      ));
  }

  /**
   * Calls `onChange` for every key change committed by any process on this database and schema.
   * Resolves once listening; when the server is unreachable it keeps trying in the background
   * (and resolves once it listens). After a lost connection the client listens again by itself
   * and `onResync` is called. The returned function stops listening.
   */
  async listen(
    onChange: (change: PgKeyChange) => void,
    opts: ListenOptions = {},
  ): Promise<() => Promise<void>> {
    let listened = false;
    let stopped = false;
    let unlisten: (() => Promise<void>) | null = null;
    const onNotify = (payload: string) => {
      const change = decodeChange(payload);
      if (change === null) opts.onInvalidMessage?.();
      else onChange(change);
    };
    const onListen = () => {
      if (listened) opts.onResync?.();
      listened = true;
    };
    while (!stopped && !this.#closed) {
      try {
        const meta = await this.#sql.listen(this.notifyChannel, onNotify, onListen);
        unlisten = () => meta.unlisten();
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    return async () => {
      stopped = true;
      await unlisten?.().catch(() => {});
    };
  }

  /** `SELECT 1` under the query deadline, for /readyz (stable codes only). */
  async health(): Promise<StoreHealth> {
    const start = performance.now();
    try {
      await this.#query("ping", (sql) => sql`SELECT 1`);
      return { status: "up", latency_ms: Math.round((performance.now() - start) * 10) / 10 };
    } catch (e) {
      return { status: "down", error: e instanceof KeyError ? e.code : "key_store_unavailable" };
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sql.end({ timeout: 1 }).catch(() => {});
  }

  async #query<T>(what: string, run: (sql: Sql) => Promise<unknown>): Promise<T> {
    if (this.#closed) throw new KeyError("key_store_unavailable", `${what}: key store closed`);
    const ms = this.settings.queryTimeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const op = run(this.#sql);
    op.catch(() => {}); // a failure after the deadline is nobody's to handle
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new KeyError("key_store_unavailable", `${what}: no reply within ${ms} ms`)),
        ms,
      );
    });
    try {
      return await Promise.race([op, deadline]) as T;
    } catch (e) {
      throw this.#error(e, what);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A KeyError for `e`: SQL errors are the store failing; anything else is the server unreachable. */
  #error(e: unknown, what: string): KeyError {
    if (e instanceof KeyError) return e;
    const text = (e instanceof Error ? e.message : String(e)).split(this.settings.url)
      .join(redactDatabaseUrl(this.settings.url));
    const sqlState = (e as { code?: unknown }).code;
    const isSqlError = typeof sqlState === "string" && /^[0-9A-Z]{5}$/.test(sqlState) &&
      !sqlState.startsWith("08") && !sqlState.startsWith("57P");
    return new KeyError(isSqlError ? "key_store_failed" : "key_store_unavailable", `${what}: ${text}`, {
      cause: e,
    });
  }
}

function toRecord(row: Row): KeyRecord {
  const iso = (d: Date | null) => d === null ? null : new Date(d).toISOString();
  return {
    id: row.id,
    org: row.org,
    subject: row.subject,
    identityType: row.identity_type as KeyRecord["identityType"],
    scopes: [...row.scopes],
    plan: row.plan,
    created: new Date(row.created).toISOString(),
    expires: iso(row.expires),
    revoked: iso(row.revoked),
    graceUntil: iso(row.grace_until),
    env: row.env,
    hash: row.hash,
    name: row.name ?? null,
    metadata: { ...(row.metadata ?? {}) },
    lastUsed: iso(row.last_used),
  };
}

function decodeChange(payload: string): PgKeyChange | null {
  try {
    const doc = JSON.parse(payload);
    if (
      typeof doc?.id === "string" && doc.id !== "" && typeof doc?.hash === "string" && HASH.test(doc.hash)
    ) {
      return { id: doc.id, hash: doc.hash };
    }
  } catch {
    // not JSON
  }
  return null;
}
