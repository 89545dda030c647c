/**
 * The key store's schema, in numbered migrations applied in order and recorded in
 * `<schema>.schema_migrations`. Every gateway replica (and `deno task keys migrate`) may run them at
 * start: a transaction-scoped advisory lock makes concurrent runs wait for each other, and a run
 * applies only the versions not yet recorded. A database whose schema is newer than this code
 * knows is refused rather than used (a rollback of the gateway must not write an older shape).
 *
 * A migration is append-only: never edit one that has shipped; add the next number.
 */
import type { Sql } from "postgres";
import { KeyError } from "../errors.ts";

export interface Migration {
  version: number;
  name: string;
  /** Runs inside the migration transaction; `schema` is already created and is the search path. */
  up(sql: Sql, schema: string): Promise<unknown>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "api_keys",
    up: (sql, schema) =>
      sql.unsafe(`
        CREATE TABLE "${schema}".api_keys (
          id            text PRIMARY KEY,
          hash          text NOT NULL,
          org           text NOT NULL,
          subject       text NOT NULL,
          identity_type text NOT NULL,
          scopes        text[] NOT NULL,
          plan          text NOT NULL,
          env           text NOT NULL,
          created       timestamptz NOT NULL,
          expires       timestamptz,
          revoked       timestamptz,
          grace_until   timestamptz,
          updated_at    timestamptz NOT NULL DEFAULT now(),
          CONSTRAINT api_keys_hash_key UNIQUE (hash)
        );
        CREATE INDEX api_keys_org_created ON "${schema}".api_keys (org, created, id);
        CREATE INDEX api_keys_created ON "${schema}".api_keys (created, id);
      `),
  },
  {
    version: 2,
    name: "api_keys_name_metadata_last_used",
    // Rows written before read as name null, metadata {}, last_used null.
    up: (sql, schema) =>
      sql.unsafe(`
        ALTER TABLE "${schema}".api_keys
          ADD COLUMN name      text,
          ADD COLUMN metadata  jsonb NOT NULL DEFAULT '{}'::jsonb,
          ADD COLUMN last_used timestamptz;
      `),
  },
];

/** Applies the pending migrations; returns the versions applied (empty when up to date). */
export async function migrate(
  sql: Sql,
  schema: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  const latest = migrations.at(-1)?.version ?? 0;
  return await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtext(${`policy-gateway:migrate:${schema}`}))`;
    await tx.unsafe(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await tx.unsafe(`CREATE TABLE IF NOT EXISTS "${schema}".schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await tx.unsafe(`SELECT coalesce(max(version), 0) AS v FROM "${schema}".schema_migrations`);
    const current = Number(rows[0].v);
    if (current > latest) {
      throw new KeyError(
        "key_store_failed",
        `the key store's schema is at version ${current}, newer than this gateway knows (${latest}): upgrade the gateway`,
      );
    }
    const applied: number[] = [];
    for (const m of migrations) {
      if (m.version <= current) continue;
      await m.up(tx as unknown as Sql, schema);
      await tx.unsafe(`INSERT INTO "${schema}".schema_migrations (version, name) VALUES ($1, $2)`, [
        m.version,
        m.name,
      ]);
      applied.push(m.version);
    }
    return applied;
  }) as number[];
}

/** The recorded schema version (0: never migrated). */
export async function schemaVersion(sql: Sql, schema: string): Promise<number> {
  const rows = await sql`
    SELECT to_regclass(${`"${schema}".schema_migrations`}) IS NOT NULL AS present`;
  if (!rows[0].present) return 0;
  const v = await sql.unsafe(`SELECT coalesce(max(version), 0) AS v FROM "${schema}".schema_migrations`);
  return Number(v[0].v);
}
