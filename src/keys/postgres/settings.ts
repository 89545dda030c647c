/**
 * Where the PostgreSQL key store is and how it is used: the configuration file's
 * `keys.postgres` section plus `$DATABASE_URL`, the only place for the connection string (it
 * usually holds a password; the file never does).
 */
import { KeyError } from "../errors.ts";

export const DATABASE_URL_ENV = "DATABASE_URL";

export interface PostgresFileSettings {
  /** Schema holding the gateway's tables (created when missing). */
  schema?: string;
  /** Connections in the pool (the listener has one more of its own). */
  poolSize?: number;
  /** Deadline of one query on the request path; past it the lookup fails closed. */
  queryTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Apply pending schema migrations at start (else `deno task keys migrate` must have). */
  migrate?: boolean;
}

export interface PostgresSettings extends Required<PostgresFileSettings> {
  /** May hold a password: never log it as is (redactDatabaseUrl). */
  url: string;
}

export const POSTGRES_DEFAULTS = {
  schema: "gateway",
  poolSize: 4,
  queryTimeoutMs: 1000,
  connectTimeoutMs: 2000,
  migrate: true,
} as const;

/** A schema name usable unquoted, short enough that `<schema>_key_changes` is a valid channel. */
const SCHEMA = /^[a-z_][a-z0-9_]{0,47}$/;

export function resolvePostgresSettings(
  file: PostgresFileSettings | undefined,
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): PostgresSettings {
  const url = env(DATABASE_URL_ENV);
  if (!url) {
    throw new KeyError("key_store_failed", `keys.store is "postgres": set $${DATABASE_URL_ENV}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new KeyError("key_store_failed", `$${DATABASE_URL_ENV} is not a URL`); // never echoed: may be a secret
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new KeyError("key_store_failed", `$${DATABASE_URL_ENV} must be a postgres:// URL`);
  }
  const settings = { ...POSTGRES_DEFAULTS, ...stripUndefined(file ?? {}), url };
  if (!SCHEMA.test(settings.schema)) {
    throw new KeyError("key_store_failed", "keys.postgres.schema must match [a-z_][a-z0-9_]{0,47}");
  }
  return settings;
}

/** The URL with any password replaced by "***" (for logs and error messages). */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    for (const name of [...u.searchParams.keys()]) {
      if (/pass|secret|token/i.test(name)) u.searchParams.set(name, "***");
    }
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
